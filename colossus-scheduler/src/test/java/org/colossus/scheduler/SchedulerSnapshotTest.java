package org.colossus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.colossus.fleet.Fleet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A core restored from a snapshot taken mid-stream makes exactly the decisions the original makes. */
class SchedulerSnapshotTest {
    static LongStream seeds() {
        return LongStream.range(1, 31);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void restore_midStream_decidesLikeTheOriginal(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Fleet fleet = SchedulerInvariantsTest.randomFleet(random);
        SchedulerConfig config = new SchedulerConfig(QueuePolicy.values()[random.nextInt(3)],
                Placement.named(Placement.names().get(random.nextInt(3))), Isolation.values()[random.nextInt(5)], 50, 60, 3,
                SchedulerInvariantsTest.spares(fleet, random));
        Scheduler a = new Scheduler(fleet, config);
        Scheduler b = null;
        String[] tenants = {"x", "y", "z"};
        for (String t : tenants) {
            a.apply(new Event.ContractChanged(0, t, random.nextInt(fleet.gpuCount() / 2 + 1)));
        }
        Set<Long> running = new HashSet<>();
        Set<Long> preempting = new HashSet<>();
        double now = 0;
        long nextId = 0;
        int snapshotAt = 50 + random.nextInt(150);
        for (int step = 0; step < 300; step++) {
            if (step == snapshotAt) {
                SchedulerSnapshot snap = a.snapshot();
                b = Scheduler.restore(fleet, config, snap);
                assertThat(b.snapshot()).isEqualTo(snap);
            }
            now += random.nextDouble() * 40;
            List<Event> events = new ArrayList<>();
            int action = random.nextInt(10);
            if (action < 4) {
                int cap = (int) Math.max(1, (fleet.gpuCount() - a.cluster().spareGpus()) / 2);
                int gpus = Math.min(cap, random.nextInt(4) == 0 ? 1 + random.nextInt(cap) : 1 + random.nextInt(8));
                events.add(new Event.JobSubmitted(now, new JobSpec(nextId++, tenants[random.nextInt(3)],
                        JobClass.values()[random.nextInt(3)], gpus, 10 + random.nextInt(400), random.nextInt(3))));
            } else if (action < 7 && !running.isEmpty()) {
                long id = running.stream().sorted().toList().get(random.nextInt(running.size()));
                running.remove(id);
                events.add(preempting.remove(id) ? new Event.JobStopped(now, id, 50) : new Event.JobFinished(now, id));
            } else if (action == 7) {
                int node = random.nextInt(fleet.nodeCount());
                events.add(a.cluster().isDown(node) ? new Event.NodeRepaired(now, node) : new Event.NodeFailed(now, node));
            } else if (action == 8) {
                events.add(new Event.DrainRequested(now, random.nextInt(fleet.nodeCount()), random.nextBoolean()));
            }
            events.add(new Event.Tick(now));
            for (Event e : events) {
                List<Decision> da = a.apply(e);
                if (b != null) {
                    assertThat(b.apply(e)).as("step %d, %s", step, e).isEqualTo(da);
                }
                for (Decision d : da) {
                    switch (d) {
                        case Decision.Place p -> running.add(p.jobId());
                        case Decision.Preempt p -> preempting.add(p.jobId());
                        case Decision.Requeue r -> {
                            running.remove(r.jobId());
                            preempting.remove(r.jobId());
                        }
                        case Decision.MarkFailed f -> {
                            running.remove(f.jobId());
                            preempting.remove(f.jobId());
                        }
                    }
                }
            }
        }
        assertThat(b).isNotNull();
        assertThat(b.snapshot()).isEqualTo(a.snapshot());
    }
}
