package org.colossus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Facility;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.FleetSpec;
import org.colossus.fleet.NodeType;
import org.colossus.fleet.PodGroup;
import org.colossus.fleet.RackGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random event streams against the core, checking its invariants after every event: no GPU allocated
 * twice, gangs all or nothing, isolation never violated, guaranteed reserved jobs never preempted, every job ends
 * in exactly one final state.
 */
class SchedulerInvariantsTest {
    private static final Catalog CATALOG = Catalog.standard();
    private static final String[] TENANTS = {"lab-a", "lab-b", "lab-c"};

    static LongStream seeds() {
        return LongStream.range(1, 41);
    }

    static Fleet randomFleet(SplittableRandom random) {
        NodeType type = random.nextBoolean() ? CATALOG.nodeType("hgx-h100").orElseThrow()
                : CATALOG.nodeType("gb200-nvl72-tray").orElseThrow();
        int domainNodes = type.nodesPerNvlinkDomain();
        RackGroup racks = new RackGroup(1 + random.nextInt(3), type, domainNodes * (type.nodesPerNvlinkDomain() == 1
                ? 1 + random.nextInt(4) : 1));
        PodGroup pods = new PodGroup(1 + random.nextInt(3), "hall-0", 1, List.of(racks));
        return Fleet.build(new FleetSpec("random", "", new Facility("", 1e9, 1.2, List.of()), "", List.of(pods)));
    }

    /** One hot-spare domain per pod half the time, where every pod has domains to spare. */
    static int spares(Fleet fleet, SplittableRandom random) {
        boolean room = true;
        for (int p = 0; p < fleet.podCount(); p++) {
            int racks = fleet.racksInPod(p);
            int first = fleet.firstRackOfPod(p);
            int domains = fleet.firstDomainOfRack(first + racks - 1) + fleet.domainsInRack(first + racks - 1)
                    - fleet.firstDomainOfRack(first);
            room &= domains > 1;
        }
        return room ? random.nextInt(2) : 0;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomEvents_invariantsHoldAfterEveryEvent(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Fleet fleet = randomFleet(random);
        QueuePolicy policy = QueuePolicy.values()[random.nextInt(QueuePolicy.values().length)];
        Isolation isolation = Isolation.values()[random.nextInt(Isolation.values().length)];
        Placement placement = Placement.named(Placement.names().get(random.nextInt(Placement.names().size())));
        Scheduler s = new Scheduler(fleet, new SchedulerConfig(policy, placement, isolation, 50, 60, 3, spares(fleet, random)));
        int[] quota = new int[TENANTS.length];
        for (int t = 0; t < TENANTS.length; t++) {
            quota[t] = random.nextInt(fleet.gpuCount() / 2 + 1);
            s.apply(new Event.ContractChanged(0, TENANTS[t], quota[t]));
        }
        Map<Long, JobSpec> submitted = new HashMap<>();
        Map<Long, Double> runningUntil = new HashMap<>();
        Set<Long> preempting = new HashSet<>();
        double now = 0;
        long nextId = 0;
        int maxGang = (int) Math.max(1, (fleet.gpuCount() - s.cluster().spareGpus()) / 2);
        for (int step = 0; step < 400; step++) {
            now += random.nextDouble() * 50;
            int action = random.nextInt(10);
            List<Decision> decisions = new ArrayList<>();
            if (action < 4) {
                int gpus = Math.min(maxGang, random.nextInt(4) == 0 ? 1 + random.nextInt(maxGang) : 1 + random.nextInt(8));
                JobSpec job = new JobSpec(nextId++, TENANTS[random.nextInt(TENANTS.length)],
                        JobClass.values()[random.nextInt(3)], gpus, 10 + random.nextInt(500), random.nextInt(3));
                submitted.put(job.id(), job);
                s.apply(new Event.JobSubmitted(now, job));
            } else if (action < 6 && !runningUntil.isEmpty()) {
                long id = runningUntil.keySet().stream().sorted().toList().get(random.nextInt(runningUntil.size()));
                if (preempting.remove(id)) {
                    s.apply(new Event.JobStopped(now, id, 100));
                } else {
                    s.apply(new Event.JobFinished(now, id));
                }
                runningUntil.remove(id);
            } else if (action == 6) {
                int node = random.nextInt(fleet.nodeCount());
                if (s.cluster().isDown(node)) {
                    s.apply(new Event.NodeRepaired(now, node));
                } else {
                    decisions.addAll(s.apply(new Event.NodeFailed(now, node)));
                }
            } else if (action == 7 && !submitted.isEmpty()) {
                long id = random.nextLong(nextId);
                JobState st = s.job(id).state();
                if (st == JobState.QUEUED) {
                    s.apply(new Event.JobCancelled(now, id));
                    runningUntil.remove(id);
                }
            }
            decisions.addAll(s.apply(new Event.Tick(now)));
            for (Decision d : decisions) {
                switch (d) {
                    case Decision.Place p -> {
                        assertThat(p.allocation().totalGpus()).as("gang all or nothing")
                                .isEqualTo(submitted.get(p.jobId()).gpus());
                        runningUntil.put(p.jobId(), now);
                    }
                    case Decision.Preempt p -> {
                        JobSpec victim = submitted.get(p.jobId());
                        assertThat(victim.jobClass() == JobClass.RESERVED
                                && s.usedGpus(victim.tenant()) <= s.reservedGpus(victim.tenant())
                                && submitted.get(p.forJobId()).jobClass() != JobClass.RESERVED)
                                .as("a guaranteed reserved job is never preempted for a lower class").isFalse();
                        preempting.add(p.jobId());
                    }
                    case Decision.Requeue r -> {
                        runningUntil.remove(r.jobId());
                        preempting.remove(r.jobId());
                    }
                    case Decision.MarkFailed f -> {
                        runningUntil.remove(f.jobId());
                        preempting.remove(f.jobId());
                    }
                }
            }
            checkState(s, fleet, submitted);
        }
        // drain: repair everything, finish all running jobs until nothing is left
        for (int node = 0; node < fleet.nodeCount(); node++) {
            if (s.cluster().isDown(node)) {
                s.apply(new Event.NodeRepaired(now, node));
            }
        }
        for (int round = 0; round < 10_000 && (s.queuedJobs() > 0 || s.runningJobs() > 0); round++) {
            now += 1;
            for (long id : runningUntil.keySet().stream().sorted().toList()) {
                if (preempting.remove(id)) {
                    s.apply(new Event.JobStopped(now, id, 10));
                } else {
                    s.apply(new Event.JobFinished(now, id));
                }
            }
            runningUntil.clear();
            for (Decision d : s.apply(new Event.Tick(now))) {
                if (d instanceof Decision.Place p) {
                    runningUntil.put(p.jobId(), now);
                } else if (d instanceof Decision.Preempt p) {
                    preempting.add(p.jobId());
                }
            }
            checkState(s, fleet, submitted);
        }
        for (long id : submitted.keySet()) {
            assertThat(s.job(id).state().isFinal()).as("job %d ends in a final state", id).isTrue();
        }
    }

    private static void checkState(Scheduler s, Fleet fleet, Map<Long, JobSpec> submitted) {
        int[] used = new int[fleet.nodeCount()];
        Map<Integer, Set<String>> tenantsPerUnit = new HashMap<>();
        for (JobSpec job : submitted.values()) {
            Scheduler.JobView v = s.job(job.id());
            if (v.state() == JobState.RUNNING || v.state() == JobState.PREEMPTING) {
                assertThat(v.allocation().totalGpus()).isEqualTo(job.gpus());
                for (int i = 0; i < v.allocation().nodes().length; i++) {
                    int node = v.allocation().nodes()[i];
                    used[node] += v.allocation().gpus()[i];
                    int unit = s.cluster().unitOf(node);
                    if (unit >= 0) {
                        tenantsPerUnit.computeIfAbsent(unit, u -> new HashSet<>()).add(job.tenant());
                    }
                }
            } else {
                assertThat(v.allocation()).isNull();
            }
        }
        for (int n = 0; n < fleet.nodeCount(); n++) {
            assertThat(used[n]).as("node %d: no GPU allocated twice", n).isLessThanOrEqualTo(fleet.gpusOnNode(n));
            assertThat(s.cluster().free(n)).as("node %d free count", n).isEqualTo(fleet.gpusOnNode(n) - used[n]);
        }
        tenantsPerUnit.forEach((unit, tenants) ->
                assertThat(tenants).as("isolation unit %d holds one tenant", unit).hasSize(1));
        // The per-tenant queued counts (admission limits count them) agree with the jobs' states.
        Map<String, Integer> queued = new HashMap<>();
        for (JobSpec job : submitted.values()) {
            if (s.job(job.id()).state() == JobState.QUEUED) {
                queued.merge(job.tenant(), 1, Integer::sum);
            }
        }
        int total = 0;
        for (JobSpec job : submitted.values()) {
            assertThat(s.queuedJobs(job.tenant())).as("queued jobs of %s", job.tenant())
                    .isEqualTo(queued.getOrDefault(job.tenant(), 0));
        }
        for (int n : queued.values()) {
            total += n;
        }
        assertThat(s.queuedJobs()).isEqualTo(total);
    }
}
