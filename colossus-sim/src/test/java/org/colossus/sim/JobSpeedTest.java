package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Facility;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.FleetSpec;
import org.colossus.fleet.PodGroup;
import org.colossus.fleet.RackGroup;
import org.colossus.perf.JobSpeed;
import org.colossus.perf.ModelCatalog;
import org.colossus.scheduler.Constraints;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.junit.jupiter.api.Test;

class JobSpeedTest {
    private static final Catalog CATALOG = Catalog.standard();

    /** Two pods of 128 H100, each 4:1 oversubscribed to the spine. */
    private static final Fleet FLEET = Fleet.build(new FleetSpec("two-pods", "", new Facility("", 1e9, 1.2, List.of()),
            "", List.of(new PodGroup(2, "hall-0", 4, List.of(new RackGroup(2,
                    CATALOG.nodeType("hgx-h100").orElseThrow(), 8))))));

    @Test
    void planner_jobSpanningOversubscribedPods_runsSlowerThanItsNominalTime() {
        JobSpeed speed = new JobSpeed(FLEET, CATALOG);
        var model = ModelCatalog.standard().resolve("llama3-8b");
        JobSpeed.Profile onePod = speed.profile(model, 128, 20e9);
        JobSpeed.Profile twoPods = speed.profile(model, 256, 20e9);
        // nominal durations: tokens / planner throughput on that many GPUs inside a pod
        assertThat(onePod.nominalSeconds()).isCloseTo(20e9 / (onePod.estimate().tokensPerSecondPerGpu() * 128), within(1e-6));
        Workload w = new Workload("speed", new long[] {0, 1}, new double[] {0, 0}, new int[] {128, 256},
                new double[] {Math.round(onePod.nominalSeconds()), Math.round(twoPods.nominalSeconds())},
                new int[] {0, 1}, List.of("a", "b"), new JobClass[] {JobClass.ON_DEMAND, JobClass.ON_DEMAND},
                new int[] {0, 0}, new Constraints[] {Constraints.NONE, Constraints.NONE}, new int[] {0, 1},
                List.of(onePod, twoPods));
        SimResult r = new Simulation(FLEET, SchedulerConfig.of(QueuePolicy.FIFO, Placement.named("topology"),
                Isolation.NONE), FailureModel.OFF, 1, Double.POSITIVE_INFINITY, List.of(), speed).run(w);
        assertThat(r.pods()[0]).isEqualTo(1);
        assertThat(r.endSeconds()[0] - r.startSeconds()[0]).isEqualTo(Math.round(onePod.nominalSeconds()));
        assertThat(r.pods()[1]).isEqualTo(2);
        double ran = r.endSeconds()[1] - r.startSeconds()[1];
        assertThat(ran).as("spread over 4:1 uplinks, data-parallel traffic slows it").isGreaterThan(twoPods.nominalSeconds() * 1.01);
    }
}
