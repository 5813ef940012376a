package org.colossus.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.colossus.fleet.Fleet;

/**
 * The scheduling core: a deterministic state machine over one fleet. Feed it {@link Event}s with
 * {@link #apply}; a {@link Event.Tick} runs a scheduling pass and returns placements and preemptions, a
 * {@link Event.NodeFailed} returns the jobs it interrupted. No clock, no threads, no I/O: the simulator and the
 * live server drive the same object.
 *
 * <p>Over 500 lines on purpose, for now: the queues, the fair-share order, EASY reservations, preemption and the
 * snapshot all read and write the same job records and cluster state within one pass, and splitting them would
 * expose those internals to each part. Placement is already apart ({@code Placement}: filters and weighers); a policy
 * interface with one class per policy is the next step (docs/architecture.md).
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final ClusterState state;
    private final Map<Long, JobRecord> jobs = new HashMap<>();
    /** FIFO and BACKFILL: one queue in submission order (requeued jobs go back to the front). */
    private final ArrayDeque<JobRecord> queue = new ArrayDeque<>();
    /** FAIR: one queue per tenant and job class, by priority then submission (index tenant x 3 + class). */
    private final List<TreeSet<JobRecord>> tenantQueues = new ArrayList<>();
    private final Map<String, Integer> tenantIds = new HashMap<>();
    private final List<String> tenants = new ArrayList<>();
    private int[] reservedQuota = new int[8];
    private long[] usedGpus = new long[8];
    /** Queued jobs per tenant id: what an admission limit on queued jobs counts. */
    private int[] queuedByTenant = new int[8];
    private long[] usedReserved = new long[8];
    /** Running (and preempting) jobs by expected end; O(log n) updates. */
    private final TreeSet<JobRecord> runningByEnd = new TreeSet<>(Comparator
            .comparingDouble((JobRecord r) -> r.expectedEnd).thenComparingLong(r -> r.seq));
    /** Jobs holding GPUs on each node (for failures); small arrays, most nodes hold one or two jobs. */
    private final List<List<JobRecord>> onNode;
    private int queued;
    private int running;
    /** Running jobs per running rank (0 guaranteed, 1 borrowing, 2 preemptible): preemption looks only if useful. */
    private final int[] runningByRank = new int[3];
    private final long[] runningGpusByRank = new long[3];
    /** Running jobs in the order they would be preempted: lowest class first, then lowest priority, latest start. */
    private final TreeSet<JobRecord> victimOrder = new TreeSet<>(Comparator
            .comparingInt((JobRecord v) -> -v.runRank)
            .thenComparingInt(v -> v.spec.priority())
            .thenComparingDouble(v -> -v.started)
            .thenComparingLong(v -> -v.seq));
    private long sequence;
    private double now = Double.NEGATIVE_INFINITY;

    /** Within one tenant-and-class queue: higher priority first, then submission. */
    private static final Comparator<JobRecord> TENANT_ORDER = (a, b) -> {
        int pa = a.spec.priority();
        int pb = b.spec.priority();
        return pa != pb ? Integer.compare(pb, pa) : Long.compare(a.seq, b.seq);
    };
    /** Set during a FAIR pass: started jobs leave their queue through the pass's iterator. */
    private boolean inFairPass;

    private static final class JobRecord {
        JobSpec spec;
        final int tenant;
        final long seq;
        JobState state = JobState.QUEUED;
        Allocation allocation;
        double submitted;
        double started = Double.NaN;
        double expectedEnd = Double.NaN;
        boolean guaranteed;
        int runRank;
        int restarts;
        int awaitingPreemptions;
        JobRecord preemptedFor;
        boolean interruptedByFailure;
        PendingReason reason = PendingReason.QUEUE_ORDER;

        JobRecord(JobSpec spec, int tenant, long seq) {
            this.spec = spec;
            this.tenant = tenant;
            this.seq = seq;
        }
    }

    /** What a caller may see of a job. */
    public record JobView(JobSpec spec, JobState state, double submittedSeconds, double startedSeconds,
                          Allocation allocation, int restarts) {
    }

    public Scheduler(Fleet fleet, SchedulerConfig config) {
        this.config = config;
        this.state = new ClusterState(fleet, config.isolation(), config.hotSpareDomainsPerPod());
        onNode = new ArrayList<>(fleet.nodeCount());
        for (int n = 0; n < fleet.nodeCount(); n++) {
            onNode.add(null);
        }
    }

    public SchedulerConfig config() {
        return config;
    }

    public ClusterState cluster() {
        return state;
    }

    /**
     * Applies one event. Times must not go backwards.
     *
     * @return placements and preemptions for a {@link Event.Tick}, requeues for a {@link Event.NodeFailed}, else empty
     * @throws SchedulerException for an event that does not fit the state (unknown job, duplicate id, bad node, ...)
     */
    public List<Decision> apply(Event event) {
        if (event.timeSeconds() < now) {
            throw new SchedulerException("event at " + event.timeSeconds() + " s is before the scheduler's time " + now + " s");
        }
        now = event.timeSeconds();
        return switch (event) {
            case Event.JobSubmitted e -> {
                submit(e.job());
                yield List.of();
            }
            case Event.JobFinished e -> {
                finish(e.jobId());
                yield List.of();
            }
            case Event.JobCancelled e -> {
                cancel(e.jobId());
                yield List.of();
            }
            case Event.JobStopped e -> {
                stopped(e.jobId(), e.remainingSeconds());
                yield List.of();
            }
            case Event.NodeFailed e -> nodeFailed(node(e.node()));
            case Event.NodeRepaired e -> {
                state.setDown(node(e.node()), false);
                yield List.of();
            }
            case Event.DrainRequested e -> {
                state.setDrained(node(e.node()), e.drain());
                yield List.of();
            }
            case Event.ContractChanged e -> {
                if (e.reservedGpus() < 0) {
                    throw new SchedulerException("tenant " + e.tenant() + ": reserved GPUs " + e.reservedGpus() + "; expected >= 0");
                }
                reservedQuota[tenant(e.tenant())] = e.reservedGpus();
                yield List.of();
            }
            case Event.Tick t -> schedule();
        };
    }

    private int node(int node) {
        if (node < 0 || node >= state.nodeCount()) {
            throw new SchedulerException("node " + node + " does not exist (the fleet has " + state.nodeCount() + ")");
        }
        return node;
    }

    private int tenant(String name) {
        Integer id = tenantIds.get(name);
        if (id != null) {
            return id;
        }
        int t = tenants.size();
        tenants.add(name);
        tenantIds.put(name, t);
        for (int c = 0; c < JobClass.values().length; c++) {
            tenantQueues.add(new TreeSet<>(TENANT_ORDER));
        }
        if (t == reservedQuota.length) {
            reservedQuota = java.util.Arrays.copyOf(reservedQuota, t * 2);
            usedGpus = java.util.Arrays.copyOf(usedGpus, t * 2);
            queuedByTenant = java.util.Arrays.copyOf(queuedByTenant, t * 2);
            usedReserved = java.util.Arrays.copyOf(usedReserved, t * 2);
        }
        return t;
    }

    private void submit(JobSpec spec) {
        if (jobs.containsKey(spec.id())) {
            throw new SchedulerException("job " + spec.id() + " was already submitted");
        }
        checkFeasible(spec);
        JobRecord r = new JobRecord(spec, tenant(spec.tenant()), sequence++);
        r.submitted = now;
        jobs.put(spec.id(), r);
        enqueue(r, false);
    }

    /** A job the fleet could never hold would block a FIFO queue forever: refuse it with the reason. */
    private void checkFeasible(JobSpec spec) {
        Fleet fleet = state.fleet();
        if (spec.gpus() > state.capacityGpus()) {
            throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs, but the fleet has "
                    + state.capacityGpus());
        }
        if (spec.gpus() > state.capacityGpus() - state.spareGpus()) {
            throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs, but the fleet offers "
                    + (state.capacityGpus() - state.spareGpus()) + " outside its " + state.spareGpus()
                    + " hot-spare GPUs");
        }
        Constraints c = spec.constraints();
        if (c.withinPod()) {
            long largest = 0;
            for (int p = 0; p < fleet.podCount(); p++) {
                largest = Math.max(largest, fleet.gpusInPod(p));
            }
            if (spec.gpus() > largest) {
                throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs within one pod, but the"
                        + " largest pod has " + largest);
            }
        }
        if (c.maxRacks() > 0) {
            long largest = 0;
            for (int r = 0; r < fleet.rackCount(); r++) {
                int first = fleet.firstNodeOfRack(r);
                largest = Math.max(largest, fleet.firstGpu(first + fleet.nodesInRack(r) - 1)
                        + fleet.gpusOnNode(first + fleet.nodesInRack(r) - 1) - fleet.firstGpu(first));
            }
            if (spec.gpus() > largest * c.maxRacks()) {
                throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs in at most "
                        + c.maxRacks() + " racks, but the largest rack has " + largest + " GPUs");
            }
        }
    }

    private void enqueue(JobRecord r, boolean front) {
        r.state = JobState.QUEUED;
        queued++;
        queuedByTenant[r.tenant]++;
        if (config.policy() == QueuePolicy.FAIR) {
            queueOf(r).add(r);
        } else if (front) {
            queue.addFirst(r);
        } else {
            queue.addLast(r);
        }
    }

    private void dequeue(JobRecord r) {
        queued--;
        queuedByTenant[r.tenant]--;
        if (config.policy() == QueuePolicy.FAIR) {
            if (!inFairPass) {
                queueOf(r).remove(r);
            }
        } else if (queue.peekFirst() == r) {
            queue.pollFirst();
        } else {
            queue.remove(r);
        }
    }

    private TreeSet<JobRecord> queueOf(JobRecord r) {
        return tenantQueues.get(r.tenant * JobClass.values().length + r.spec.jobClass().ordinal());
    }

    private JobRecord require(long jobId) {
        JobRecord r = jobs.get(jobId);
        if (r == null) {
            throw new SchedulerException("job " + jobId + " is not known to the scheduler");
        }
        return r;
    }

    private void finish(long jobId) {
        JobRecord r = require(jobId);
        if (r.state != JobState.RUNNING && r.state != JobState.PREEMPTING) {
            throw new SchedulerException("job " + jobId + " finished but is " + r.state);
        }
        release(r);
        r.state = JobState.COMPLETED;
    }

    private void cancel(long jobId) {
        JobRecord r = require(jobId);
        switch (r.state) {
            case QUEUED -> dequeue(r);
            case RUNNING, PREEMPTING -> release(r);
            case COMPLETED, CANCELLED, FAILED -> throw new SchedulerException("job " + jobId + " is already " + r.state);
        }
        r.state = JobState.CANCELLED;
    }

    private void stopped(long jobId, double remainingSeconds) {
        JobRecord r = require(jobId);
        if (r.state != JobState.PREEMPTING) {
            throw new SchedulerException("job " + jobId + " reported stopped but is " + r.state + ", not PREEMPTING");
        }
        release(r);
        if (remainingSeconds > 0) {
            r.spec = r.spec.withDuration(remainingSeconds);
        }
        enqueue(r, true);
    }

    private List<Decision> nodeFailed(int node) {
        List<Decision> decisions = new ArrayList<>();
        List<JobRecord> hit = onNode.get(node) == null ? new ArrayList<>() : new ArrayList<>(onNode.get(node));
        hit.sort(Comparator.comparingLong(r -> r.seq));
        for (JobRecord r : hit) {
            release(r);
            r.restarts++;
            if (r.restarts > config.maxRestarts()) {
                r.state = JobState.FAILED;
                decisions.add(new Decision.MarkFailed(r.spec.id(), "interrupted " + r.restarts + " times (limit "
                        + config.maxRestarts() + ")"));
            } else {
                r.interruptedByFailure = true;
                enqueue(r, true);
                decisions.add(new Decision.Requeue(r.spec.id(), node));
            }
        }
        state.setDown(node, true);
        return decisions;
    }

    private void release(JobRecord r) {
        Allocation a = r.allocation;
        for (int i = 0; i < a.nodes().length; i++) {
            state.release(a.nodes()[i], a.gpus()[i]);
            onNode.get(a.nodes()[i]).remove(r);
        }
        running--;
        runningByRank[r.runRank]--;
        runningGpusByRank[r.runRank] -= a.totalGpus();
        if (config.policy() == QueuePolicy.FAIR) {
            victimOrder.remove(r);
        }
        if (config.policy() != QueuePolicy.FIFO) {
            runningByEnd.remove(r);
        }
        usedGpus[r.tenant] -= a.totalGpus();
        if (r.guaranteed) {
            usedReserved[r.tenant] -= a.totalGpus();
            r.guaranteed = false;
        }
        if (r.preemptedFor != null) {
            r.preemptedFor.awaitingPreemptions--; // stopped, finished or failed: one less to wait for
            r.preemptedFor = null;
        }
        r.allocation = null;
    }

    private boolean tryStart(JobRecord r, List<Decision> decisions) {
        if (r.interruptedByFailure && state.spareNodeCount() > 0) {
            // a job a failure interrupted may restart on the hot spares
            state.unlockSpares(true);
            try {
                return tryStartNow(r, decisions);
            } finally {
                state.unlockSpares(false);
            }
        }
        return tryStartNow(r, decisions);
    }

    private boolean tryStartNow(JobRecord r, List<Decision> decisions) {
        if (r.spec.gpus() > state.freeGpus()) {
            return false;
        }
        if (r.spec.gpus() > state.maxNodeGpus() && r.spec.gpus() > state.fullyFreeGpus()) {
            return false; // a gang takes whole free nodes: not enough of them
        }
        Constraints c = r.spec.constraints();
        Allocation a = c.wholeRacks() ? WholeRacks.place(state, r.spec.gpus(), r.tenant, c)
                : config.placement().place(state, r.spec.gpus(), r.tenant);
        if (a == null || !c.allows(a, state.fleet())) {
            return false; // placements that break a job's constraints are refused, never bent
        }
        for (int i = 0; i < a.nodes().length; i++) {
            int n = a.nodes()[i];
            state.allocate(n, a.gpus()[i], r.tenant);
            if (onNode.get(n) == null) {
                onNode.set(n, new ArrayList<>(2));
            }
            onNode.get(n).add(r);
        }
        dequeue(r);
        r.allocation = a;
        r.state = JobState.RUNNING;
        r.started = now;
        r.expectedEnd = now + r.spec.durationSeconds();
        r.awaitingPreemptions = 0;
        r.interruptedByFailure = false;
        running++;
        if (config.policy() != QueuePolicy.FIFO) {
            runningByEnd.add(r);
        }
        usedGpus[r.tenant] += a.totalGpus();
        r.guaranteed = withinReservation(r);
        if (r.guaranteed) {
            usedReserved[r.tenant] += a.totalGpus();
        }
        r.runRank = runningRank(r);
        runningByRank[r.runRank]++;
        runningGpusByRank[r.runRank] += a.totalGpus();
        if (config.policy() == QueuePolicy.FAIR) {
            victimOrder.add(r);
        }
        decisions.add(new Decision.Place(r.spec.id(), a));
        return true;
    }

    private boolean withinReservation(JobRecord r) {
        return r.spec.jobClass() == JobClass.RESERVED
                && usedReserved[r.tenant] + r.spec.gpus() <= reservedQuota[r.tenant];
    }

    /** 0: reserved within quota; 1: on-demand or reserved beyond quota; 2: preemptible. */
    private int rank(JobRecord r) {
        return switch (r.spec.jobClass()) {
            case RESERVED -> withinReservation(r) ? 0 : 1;
            case ON_DEMAND -> 1;
            case PREEMPTIBLE -> 2;
        };
    }

    private int runningRank(JobRecord r) {
        return r.guaranteed ? 0 : r.spec.jobClass() == JobClass.PREEMPTIBLE ? 2 : 1;
    }

    private List<Decision> schedule() {
        List<Decision> decisions = new ArrayList<>();
        if (config.policy() == QueuePolicy.FAIR) {
            fairPass(decisions);
            return decisions;
        }
        while (!queue.isEmpty()) {
            if (!tryStart(queue.peekFirst(), decisions)) {
                break;
            }
        }
        if (!queue.isEmpty()) {
            JobRecord head = queue.peekFirst();
            head.reason = diagnose(head);
            if (config.policy() == QueuePolicy.BACKFILL && queue.size() > 1) {
                backfill(head, queue.iterator(), decisions);
            }
        }
        return decisions;
    }

    /** The head's reservation: [shadow time, GPUs spare at that time], counting GPUs only. */
    private double[] reservation(JobRecord head) {
        long available = state.freeGpus();
        double shadow = now;
        if (head.spec.gpus() > state.capacityGpus()) {
            return new double[] {Double.POSITIVE_INFINITY, 0};
        }
        for (JobRecord r : runningByEnd) {
            if (available >= head.spec.gpus()) {
                break;
            }
            available += r.allocation.totalGpus();
            shadow = Math.max(now, r.expectedEnd);
        }
        if (available < head.spec.gpus()) {
            return new double[] {Double.POSITIVE_INFINITY, 0}; // capacity is down: no reservation can be promised
        }
        return new double[] {shadow, available - head.spec.gpus()};
    }

    /**
     * EASY backfill behind {@code head}: a later job starts now if it fits and either ends by the head's shadow time
     * or needs no more than the GPUs spare at that time.
     */
    private void backfill(JobRecord head, Iterator<JobRecord> order, List<Decision> decisions) {
        double[] res = reservation(head);
        double shadow = res[0];
        long extra = (long) res[1];
        int looked = 0;
        List<JobRecord> candidates = new ArrayList<>();
        while (order.hasNext() && looked < config.backfillDepth()) {
            JobRecord r = order.next();
            if (r != head) {
                candidates.add(r);
                looked++;
            }
        }
        for (JobRecord r : candidates) {
            if (state.freeGpus() == 0) {
                r.reason = PendingReason.WAITING_FOR_RESERVATION;
                continue;
            }
            boolean endsInTime = now + r.spec.durationSeconds() <= shadow;
            boolean usesExtraOnly = r.spec.gpus() <= extra;
            if ((endsInTime || usesExtraOnly) && tryStart(r, decisions)) {
                if (!endsInTime) {
                    extra -= r.spec.gpus();
                }
            } else {
                r.reason = PendingReason.WAITING_FOR_RESERVATION;
            }
        }
    }

    /**
     * One FAIR pass: jobs in order of (rank, tenant's GPUs in use / its reserved GPUs, priority, submission), merged
     * lazily from the per-tenant-and-class queues, so that a pass over a full fleet stops after a few jobs.
     */
    private void fairPass(List<Decision> decisions) {
        int queues = tenantQueues.size();
        List<Iterator<JobRecord>> iterators = new ArrayList<>(queues);
        JobRecord[] cursor = new JobRecord[queues];
        for (int q = 0; q < queues; q++) {
            Iterator<JobRecord> it = tenantQueues.get(q).iterator();
            iterators.add(it);
            cursor[q] = it.hasNext() ? it.next() : null;
        }
        JobRecord blocked = null;
        double shadow = 0;
        long extra = 0;
        int looked = 0;
        // Within a pass capacity only shrinks, so once a tenant's job of g GPUs found no room, its jobs of g or more
        // GPUs will not either: skip them without asking the placement again.
        int[] failedAt = new int[tenants.size()];
        java.util.Arrays.fill(failedAt, Integer.MAX_VALUE);
        inFairPass = true;
        try {
            while (looked++ < config.backfillDepth()) {
                int best = -1;
                for (int q = 0; q < queues; q++) {
                    if (cursor[q] != null && (best < 0 || before(cursor[q], cursor[best]))) {
                        best = q;
                    }
                }
                if (best < 0) {
                    break;
                }
                JobRecord r = cursor[best];
                Iterator<JobRecord> it = iterators.get(best);
                boolean started = false;
                if (blocked == null) {
                    started = tryStart(r, decisions);
                    if (!started) {
                        if (r.awaitingPreemptions > 0 || preempt(r, decisions)) {
                            // the GPUs being freed are this job's: nothing else starts until they are
                            r.reason = PendingReason.WAITING_FOR_PREEMPTION;
                            break;
                        } else {
                            r.reason = diagnose(r);
                            blocked = r;
                            shadow = Double.NaN; // computed when a later job first needs it
                        }
                    }
                } else {
                    if (state.freeGpus() == 0) {
                        break; // nothing else can start in this pass
                    }
                    if (r.spec.gpus() > state.freeGpus() || r.spec.gpus() >= failedAt[r.tenant]) {
                        r.reason = PendingReason.WAITING_FOR_RESERVATION;
                    } else {
                        if (Double.isNaN(shadow)) {
                            double[] res = reservation(blocked);
                            shadow = res[0];
                            extra = (long) res[1];
                        }
                        boolean endsInTime = now + r.spec.durationSeconds() <= shadow;
                        boolean usesExtraOnly = r.spec.gpus() <= extra;
                        if (!endsInTime && !usesExtraOnly) {
                            r.reason = PendingReason.WAITING_FOR_RESERVATION;
                        } else if (tryStart(r, decisions)) {
                            started = true;
                            if (!endsInTime) {
                                extra -= r.spec.gpus();
                            }
                        } else {
                            failedAt[r.tenant] = Math.min(failedAt[r.tenant], r.spec.gpus());
                            r.reason = PendingReason.WAITING_FOR_RESERVATION;
                        }
                    }
                }
                if (started) {
                    it.remove();
                }
                cursor[best] = it.hasNext() ? it.next() : null;
            }
        } finally {
            inFairPass = false;
        }
    }

    private boolean before(JobRecord a, JobRecord b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return ra < rb;
        }
        if (a.tenant != b.tenant) {
            double sa = (double) usedGpus[a.tenant] / Math.max(1, reservedQuota[a.tenant]);
            double sb = (double) usedGpus[b.tenant] / Math.max(1, reservedQuota[b.tenant]);
            if (sa != sb) {
                return sa < sb;
            }
        }
        if (a.spec.priority() != b.spec.priority()) {
            return a.spec.priority() > b.spec.priority();
        }
        return a.seq < b.seq;
    }

    /**
     * Makes room for {@code r} by preempting running jobs of a lower rank: preemptible first, then borrowers
     * (on-demand and reserved beyond quota), lowest priority and latest start first, until the GPUs free now plus
     * theirs cover the job. Returns false (and preempts nothing) if even all of them would not.
     */
    private boolean preempt(JobRecord r, List<Decision> decisions) {
        int rank = rank(r);
        long lowerGpus = 0;
        for (int k = rank + 1; k < runningGpusByRank.length; k++) {
            lowerGpus += runningGpusByRank[k];
        }
        long available = state.freeGpus();
        if (available + lowerGpus < r.spec.gpus()) {
            return false; // even stopping every lower-class job would not make room
        }
        List<JobRecord> chosen = new ArrayList<>();
        for (JobRecord v : victimOrder) {
            if (available >= r.spec.gpus() || v.runRank <= rank) {
                break;
            }
            if (v.state != JobState.RUNNING) {
                continue; // already stopping
            }
            chosen.add(v);
            available += v.allocation.totalGpus();
        }
        if (available < r.spec.gpus() || chosen.isEmpty()) {
            return false; // not enough to take, or enough GPUs are free already and the obstacle is their shape
        }
        for (JobRecord v : chosen) {
            v.state = JobState.PREEMPTING;
            v.preemptedFor = r;
            decisions.add(new Decision.Preempt(v.spec.id(), config.preemptionGraceSeconds(), r.spec.id()));
        }
        r.awaitingPreemptions = chosen.size();
        return true;
    }

    /** The whole state as values (see {@link SchedulerSnapshot}); jobs in submission order. */
    public SchedulerSnapshot snapshot() {
        List<JobRecord> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparingLong(r -> r.seq));
        List<SchedulerSnapshot.Job> out = new ArrayList<>(all.size());
        for (JobRecord r : all) {
            List<Integer> nodes = new ArrayList<>();
            List<Integer> gpus = new ArrayList<>();
            if (r.allocation != null) {
                for (int i = 0; i < r.allocation.nodes().length; i++) {
                    nodes.add(r.allocation.nodes()[i]);
                    gpus.add(r.allocation.gpus()[i]);
                }
            }
            boolean holds = r.allocation != null; // rank and guarantee mean something only while GPUs are held
            out.add(new SchedulerSnapshot.Job(r.spec, r.state, r.seq, r.submitted, r.started, r.expectedEnd, nodes, gpus,
                    holds && r.guaranteed, holds ? r.runRank : 0, r.restarts, r.awaitingPreemptions,
                    r.preemptedFor == null ? -1 : r.preemptedFor.spec.id(), r.reason, r.interruptedByFailure));
        }
        List<Long> order = new ArrayList<>();
        queue.forEach(r -> order.add(r.spec.id()));
        List<Integer> quotas = new ArrayList<>();
        for (int t = 0; t < tenants.size(); t++) {
            quotas.add(reservedQuota[t]);
        }
        List<Integer> down = new ArrayList<>();
        List<Integer> drained = new ArrayList<>();
        for (int n = 0; n < state.nodeCount(); n++) {
            if (state.isDown(n)) {
                down.add(n);
            }
            if (state.isDrained(n)) {
                drained.add(n);
            }
        }
        return new SchedulerSnapshot(now, tenants, quotas, out, order, down, drained, sequence);
    }

    /**
     * A core in exactly the state of {@code snapshot}: fed the same events afterwards, it makes the same decisions.
     *
     * @throws SchedulerException if the snapshot does not fit this fleet (unknown node, over-full node)
     */
    public static Scheduler restore(Fleet fleet, SchedulerConfig config, SchedulerSnapshot snapshot) {
        Scheduler s = new Scheduler(fleet, config);
        s.now = snapshot.timeSeconds();
        for (int t = 0; t < snapshot.tenants().size(); t++) {
            s.reservedQuota[s.tenant(snapshot.tenants().get(t))] = snapshot.reservedGpus().get(t);
        }
        Map<Long, JobRecord> byId = new HashMap<>();
        s.state.unlockSpares(true); // jobs may hold hot spares; they are locked again below
        for (SchedulerSnapshot.Job j : snapshot.jobs()) {
            JobRecord r = new JobRecord(j.spec(), s.tenant(j.spec().tenant()), j.sequence());
            r.state = j.state();
            r.submitted = j.submittedSeconds();
            r.started = j.startedSeconds();
            r.expectedEnd = j.expectedEndSeconds();
            r.restarts = j.restarts();
            r.awaitingPreemptions = j.awaitingPreemptions();
            r.reason = j.reason();
            r.interruptedByFailure = j.interruptedByFailure();
            s.jobs.put(j.spec().id(), r);
            byId.put(j.spec().id(), r);
            if (!j.nodes().isEmpty()) {
                int[] nodes = j.nodes().stream().mapToInt(Integer::intValue).toArray();
                int[] gpus = j.gpus().stream().mapToInt(Integer::intValue).toArray();
                r.allocation = new Allocation(nodes, gpus);
                for (int i = 0; i < nodes.length; i++) {
                    int n = s.node(nodes[i]);
                    try {
                        s.state.allocate(n, gpus[i], r.tenant);
                    } catch (IllegalStateException e) {
                        throw new SchedulerException("snapshot: job " + j.spec().id() + " on node " + n + ": " + e.getMessage());
                    }
                    if (s.onNode.get(n) == null) {
                        s.onNode.set(n, new ArrayList<>(2));
                    }
                    s.onNode.get(n).add(r);
                }
                r.guaranteed = j.guaranteed();
                r.runRank = j.runRank();
                s.running++;
                s.runningByRank[r.runRank]++;
                s.runningGpusByRank[r.runRank] += r.allocation.totalGpus();
                s.usedGpus[r.tenant] += r.allocation.totalGpus();
                if (r.guaranteed) {
                    s.usedReserved[r.tenant] += r.allocation.totalGpus();
                }
                if (config.policy() != QueuePolicy.FIFO) {
                    s.runningByEnd.add(r);
                }
                if (config.policy() == QueuePolicy.FAIR) {
                    s.victimOrder.add(r);
                }
            }
        }
        s.state.unlockSpares(false);
        for (SchedulerSnapshot.Job j : snapshot.jobs()) {
            if (j.preemptedFor() >= 0) {
                byId.get(j.spec().id()).preemptedFor = byId.get(j.preemptedFor());
            }
        }
        if (config.policy() == QueuePolicy.FAIR) {
            for (SchedulerSnapshot.Job j : snapshot.jobs()) {
                if (j.state() == JobState.QUEUED) {
                    s.queued++;
                    s.queuedByTenant[byId.get(j.spec().id()).tenant]++;
                    s.queueOf(byId.get(j.spec().id())).add(byId.get(j.spec().id()));
                }
            }
        } else {
            for (long id : snapshot.queueOrder()) {
                s.queued++;
                s.queuedByTenant[byId.get(id).tenant]++;
                s.queue.addLast(byId.get(id));
            }
        }
        for (int n : snapshot.downNodes()) {
            s.state.setDown(s.node(n), true);
        }
        for (int n : snapshot.drainedNodes()) {
            s.state.setDrained(s.node(n), true);
        }
        s.sequence = snapshot.nextSequence();
        return s;
    }

    public JobView job(long jobId) {
        JobRecord r = require(jobId);
        return new JobView(r.spec, r.state, r.submitted, r.started, r.allocation, r.restarts);
    }

    /** Why a queued job is not running, machine-readable; empty if it is not queued. */
    public Optional<PendingReason> pendingReason(long jobId) {
        JobRecord r = require(jobId);
        if (r.state != JobState.QUEUED) {
            return Optional.empty();
        }
        if (config.policy() != QueuePolicy.FAIR && queue.peekFirst() == r) {
            return Optional.of(diagnose(r));
        }
        return Optional.of(r.reason);
    }

    private PendingReason diagnose(JobRecord r) {
        int gpus = r.spec.gpus();
        if (gpus > state.capacityGpus()) {
            return PendingReason.LARGER_THAN_FLEET;
        }
        if (gpus > state.freeGpus()) {
            return PendingReason.NO_CAPACITY;
        }
        if (state.isolation() != Isolation.NONE && fitsIgnoringIsolation(gpus)) {
            return PendingReason.ISOLATION;
        }
        return PendingReason.FRAGMENTATION;
    }

    private boolean fitsIgnoringIsolation(int gpus) {
        if (gpus <= state.maxNodeGpus()) {
            for (int f = gpus; f <= state.maxNodeGpus(); f++) {
                if (!state.nodesWithFree(f).isEmpty()) {
                    return true;
                }
            }
            return false;
        }
        return state.fullyFreeGpus() >= gpus;
    }

    public int queuedJobs() {
        return queued;
    }

    public int runningJobs() {
        return running;
    }

    public long allocatedGpus() {
        return state.allocatedGpus();
    }

    public double timeSeconds() {
        return now;
    }

    public List<String> tenants() {
        return List.copyOf(tenants);
    }

    public int reservedGpus(String tenant) {
        Integer t = tenantIds.get(tenant);
        return t == null ? 0 : reservedQuota[t];
    }

    /** Jobs of {@code tenant} waiting in the queue (0 for a tenant the core has not seen). */
    public int queuedJobs(String tenant) {
        Integer t = tenantIds.get(tenant);
        return t == null ? 0 : queuedByTenant[t];
    }

    public long usedGpus(String tenant) {
        Integer t = tenantIds.get(tenant);
        return t == null ? 0 : usedGpus[t];
    }
}
