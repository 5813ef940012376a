package org.colossus.server.state;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.colossus.fleet.Fleet;
import org.colossus.ledger.Usage;
import org.colossus.scheduler.Allocation;
import org.colossus.scheduler.Constraints;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobState;
import org.colossus.scheduler.Scheduler;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState.ContractRecord;
import org.colossus.server.state.ControlState.ContractStatus;
import org.colossus.server.state.ControlState.JobRecord;
import org.colossus.server.state.ControlState.TenantRecord;


/**
 * The read side of {@link ControlState}: what the API and the engine's replies show of tenants, contracts, jobs,
 * nodes, the fleet and usage, computed from the projection's records on the engine's thread.
 */
final class StateViews {
    private final ControlState st;

    StateViews(ControlState st) {
        this.st = st;
    }


    private static String iso(long millis) {
        return millis < 0 ? null : Instant.ofEpochMilli(millis).toString();
    }

    public List<Views.Tenant> tenants() {
        List<Views.Tenant> out = new ArrayList<>();
        for (TenantRecord t : st.tenants.values()) {
            int active = 0;
            for (ContractRecord c : st.contracts.values()) {
                if (c.status == ContractStatus.ACTIVE && c.signed.tenant().equals(t.name)) {
                    active++;
                }
            }
            int running = 0;
            int queued = 0;
            for (long id : t.jobIds) {
                JobState s = st.scheduler.job(id).state();
                if (s == JobState.RUNNING || s == JobState.PREEMPTING) {
                    running++;
                } else if (s == JobState.QUEUED) {
                    queued++;
                }
            }
            out.add(new Views.Tenant(t.name, iso(t.createdMillis), active, running, queued, st.scheduler.usedGpus(t.name)));
        }
        return out;
    }

    /** Contracts, all ({@code tenant} null) or one tenant's. */
    public List<Views.Contract> contracts(String tenant) {
        List<Views.Contract> out = new ArrayList<>();
        for (ContractRecord c : st.contracts.values()) {
            if (tenant == null || c.signed.tenant().equals(tenant)) {
                out.add(contractView(c));
            }
        }
        return out;
    }

    public Views.Contract contract(long id) {
        return contractView(st.contracts.get(id));
    }

    private Views.Contract contractView(ContractRecord c) {
        Payload.ContractSigned s = c.signed;
        return new Views.Contract(s.id(), s.tenant(), s.jobClass(), s.gpuModel(), s.gpus(), iso(s.startMillis()),
                iso(c.endedMillis >= 0 ? Math.min(c.endedMillis, s.endMillis()) : s.endMillis()),
                c.price.toPlainString(), c.status.name().toLowerCase(Locale.ROOT), s.sla());
    }

    /**
     * Jobs in id order: all ({@code tenant} null) or one tenant's, optionally in one state, ids after {@code afterId}.
     */
    public Views.Page<Views.Job> jobs(String tenant, JobState state, long afterId, int limit) {
        List<Views.Job> out = new ArrayList<>();
        Iterable<Long> ids = tenant == null ? st.jobs.tailMap(afterId, false).keySet()
                : st.tenants.get(tenant).jobIds.stream().filter(id -> id > afterId)::iterator;
        Long next = null;
        for (long id : ids) {
            if (state != null && st.scheduler.job(id).state() != state) {
                continue;
            }
            if (out.size() == limit) {
                next = out.get(out.size() - 1).id();
                break;
            }
            out.add(job(id));
        }
        return new Views.Page<>(out, next);
    }

    public Views.Job job(long id) {
        JobRecord r = st.jobs.get(id);
        Scheduler.JobView v = st.scheduler.job(id);
        Payload.JobSubmitted s = r.spec;
        String pending = st.scheduler.pendingReason(id).map(x -> x.key()).orElse(null);
        Views.Placement placement = null;
        Allocation a = v.allocation();
        if (a != null && (v.state() == JobState.RUNNING || v.state() == JobState.PREEMPTING)) {
            Set<Integer> racks = new TreeSet<>();
            Set<Integer> pods = new TreeSet<>();
            List<String> first = new ArrayList<>();
            for (int n : a.nodes()) {
                int rack = st.fleet.rackOfNode(n);
                racks.add(rack);
                pods.add(st.fleet.podOfRack(rack));
                if (first.size() < 4) {
                    first.add(st.fleet.nodePath(n));
                }
            }
            placement = new Views.Placement(a.totalGpus(), a.nodes().length, racks.size(), pods.size(), first);
        }
        long work = r.workDoneMillis;
        return new Views.Job(s.id(), r.tenant, s.name(), s.gpuModel(), s.gpus(), s.jobClass(), s.priority(),
                new Views.Constraints(s.withinPod(), s.maxRacks(), s.wholeRacks()), s.durationMillis() / 1000,
                s.model() == null ? null : new Views.Plan(s.model(), s.tokens(), s.parallelism()),
                viewState(v.state(), r.failureReason),
                pending, iso(r.submittedMillis), iso(r.lastStartMillis), iso(r.endedMillis), placement, work / 1000,
                r.restarts, r.failureReason, s.confidentialComputing(),
                s.timeLimitMillis() == null ? null : s.timeLimitMillis() / 1000, r.exitCode, r.handle);
    }

    /** A job that ended with a reason failed (the data plane reported a non-zero exit, say), unless it timed out. */
    private static String viewState(JobState state, String failureReason) {
        if (ControlState.TIME_LIMIT.equals(failureReason)) {
            return "timeout";
        }
        if (state == JobState.COMPLETED && failureReason != null) {
            return "failed";
        }
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** Node states: free, partial, full, down, drained. */
    public String nodeState(int n) {
        var c = st.scheduler.cluster();
        if (c.isDown(n)) {
            return "down";
        }
        if (c.isDrained(n)) {
            return "drained";
        }
        int free = c.free(n);
        return free == c.capacity(n) ? "free" : free == 0 ? "full" : "partial";
    }

    public Views.Page<Views.Node> nodes(String state, int afterId, int limit) {
        List<Views.Node> out = new ArrayList<>();
        Long next = null;
        for (int n = afterId + 1; n < st.fleet.nodeCount(); n++) {
            if (state != null && !nodeState(n).equals(state)) {
                continue;
            }
            if (out.size() == limit) {
                next = (long) out.get(out.size() - 1).id();
                break;
            }
            out.add(node(n));
        }
        return new Views.Page<>(out, next);
    }

    public Views.Node node(int n) {
        var c = st.scheduler.cluster();
        Set<Long> on = st.jobsOnNode.getOrDefault(n, Set.of());
        Set<String> holders = new TreeSet<>();
        for (long id : on) {
            holders.add(st.jobs.get(id).tenant);
        }
        return new Views.Node(n, st.fleet.nodePath(n), st.fleet.nodeType(n).gpu().id(), c.capacity(n), c.free(n), nodeState(n),
                List.copyOf(on), List.copyOf(holders));
    }

    /**
     * The fleet map as {@code viewer} may see it (null: the operator). A tenant learns which nodes are busy, as any
     * scheduler's queue would tell it, but not whose: other tenants' nodes are all one "occupied".
     */
    public Views.FleetMap fleetMap(String viewer) {
        var c = st.scheduler.cluster();
        Fleet f = st.fleet;
        List<List<Integer>> racks = new ArrayList<>(f.rackCount());
        for (int r = 0; r < f.rackCount(); r++) {
            int first = f.firstNodeOfRack(r);
            racks.add(List.of(f.podOfRack(r), first, f.nodesInRack(r), f.nodesInDomain(f.domainOfNode(first))));
        }
        StringBuilder states = new StringBuilder(f.nodeCount());
        int[] holder = new int[f.nodeCount()];
        List<String> holders = new ArrayList<>();
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        if (viewer != null) {
            holders.add(viewer);
            holders.add("occupied");
        }
        for (int n = 0; n < f.nodeCount(); n++) {
            states.append(c.isDown(n) ? 'd' : c.isDrained(n) ? 'r' : c.free(n) == c.capacity(n) ? 'f'
                    : c.free(n) == 0 ? 'F' : 'p');
            Set<Long> on = st.jobsOnNode.get(n);
            if (on == null || on.isEmpty()) {
                continue;
            }
            String tenant = st.jobs.get(on.iterator().next()).tenant;
            if (viewer != null) {
                holder[n] = tenant.equals(viewer) ? 1 : 2;
            } else {
                holder[n] = 1 + index.computeIfAbsent(tenant, t -> {
                    holders.add(t);
                    return holders.size() - 1;
                });
            }
        }
        return new Views.FleetMap(f.name(), f.nodeCount(), f.gpusOnNode(0), racks, states.toString(), holders,
                java.util.Arrays.stream(holder).boxed().toList());
    }

    /** One pass over the jobs: GPUs held by tenant and by class, jobs and GPUs waiting, GPUs down (the console). */
    public Views.Occupancy occupancy() {
        java.util.Map<String, Long> byTenant = new java.util.TreeMap<>();
        java.util.Map<String, Long> byClass = new java.util.TreeMap<>();
        for (String t : st.tenants.keySet()) {
            byTenant.put(t, 0L);
        }
        int queued = 0;
        long queuedGpus = 0;
        for (JobRecord r : st.jobs.values()) {
            if (r.runStartMillis >= 0) {
                byTenant.merge(r.tenant, (long) r.spec.gpus(), Long::sum);
                byClass.merge(r.jobClass.key(), (long) r.spec.gpus(), Long::sum);
            } else if (r.endedMillis < 0 && st.scheduler.job(r.spec.id()).state() == JobState.QUEUED) {
                queued++;
                queuedGpus += r.spec.gpus();
            }
        }
        var c = st.scheduler.cluster();
        long downGpus = 0;
        for (int n = 0; n < st.fleet.nodeCount(); n++) {
            if (c.isDown(n)) {
                downGpus += c.capacity(n);
            }
        }
        return new Views.Occupancy(byTenant, byClass, queued, queuedGpus, downGpus);
    }

    public Views.Fleet fleetView(long nowMillis) {
        var c = st.scheduler.cluster();
        long downGpus = 0;
        int down = 0;
        int drained = 0;
        for (int n = 0; n < st.fleet.nodeCount(); n++) {
            if (c.isDown(n)) {
                down++;
                downGpus += c.capacity(n);
            }
            if (c.isDrained(n)) {
                drained++;
            }
        }
        long gpus = st.fleet.gpuCount();
        return new Views.Fleet(st.fleet.name(), List.copyOf(st.gpuModels), st.fleet.podCount(), st.fleet.rackCount(),
                st.fleet.nodeCount(), gpus, st.scheduler.allocatedGpus(), downGpus, down, drained,
                gpus == 0 ? 0 : (double) st.scheduler.allocatedGpus() / gpus, st.scheduler.queuedJobs(),
                st.scheduler.runningJobs(), iso(nowMillis), st.lastSeq);
    }

    public int queuedJobs() {
        return st.scheduler.queuedJobs();
    }

    public int runningJobs() {
        return st.scheduler.runningJobs();
    }

    public long allocatedGpus() {
        return st.scheduler.allocatedGpus();
    }

    /** A tenant's usage up to {@code nowMillis}, running jobs metered to that instant. */
    public Views.Usage usage(String tenant, long nowMillis, AdmissionLimits limits) {
        TenantRecord t = st.tenants.get(tenant);
        Usage u = t.usage.copy();
        int running = 0;
        int queued = 0;
        for (long id : t.jobIds) {
            JobRecord r = st.jobs.get(id);
            JobState s = st.scheduler.job(id).state();
            if (s == JobState.QUEUED) {
                queued++;
            }
            if (r.runStartMillis >= 0) {
                running++;
                long gm = Math.max(0, nowMillis - r.runStartMillis) * (long) r.spec.gpus();
                u.add(r.jobClass, gm, r.price);
            }
        }
        List<Views.ClassUsage> byClass = new ArrayList<>();
        long totalMillis = 0;
        BigDecimal total = BigDecimal.ZERO;
        for (JobClass jc : JobClass.values()) {
            long m = u.gpuMillis(jc);
            BigDecimal cst = u.cost(jc);
            totalMillis += m;
            total = total.add(cst);
            byClass.add(new Views.ClassUsage(jc.key(), m / 3.6e6, cst.setScale(2, RoundingMode.HALF_EVEN).toPlainString()));
        }
        return new Views.Usage(tenant, iso(nowMillis), totalMillis / 3.6e6,
                total.setScale(2, RoundingMode.HALF_EVEN).toPlainString(), "USD", byClass, st.scheduler.usedGpus(tenant),
                running, queued, t.completed, limits);
    }

}
