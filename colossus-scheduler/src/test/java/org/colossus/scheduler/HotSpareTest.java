package org.colossus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Facility;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.FleetSpec;
import org.colossus.fleet.PodGroup;
import org.colossus.fleet.RackGroup;
import org.junit.jupiter.api.Test;

class HotSpareTest {
    /** One pod, one rack of 4 HGX H100 nodes; the last node (its own NVLink domain) is the hot spare. */
    private static final Fleet FLEET = Fleet.build(new FleetSpec("spares", "", new Facility("", 1e9, 1.2, List.of()), "",
            List.of(new PodGroup(1, "hall-0", 1, List.of(new RackGroup(1,
                    Catalog.standard().nodeType("hgx-h100").orElseThrow(), 4))))));

    private static Scheduler scheduler(int spares) {
        return new Scheduler(FLEET, new SchedulerConfig(QueuePolicy.FIFO, Placement.named("first-fit"), Isolation.NONE,
                100, 60, 10, spares));
    }

    @Test
    void spares_areKeptOutOfNormalPlacement() {
        Scheduler s = scheduler(1);
        assertThat(s.cluster().isSpare(3)).isTrue();
        assertThat(s.cluster().freeGpus()).isEqualTo(24);
        s.apply(new Event.JobSubmitted(0, new JobSpec(1, "a", JobClass.ON_DEMAND, 16, 100)));
        s.apply(new Event.JobSubmitted(0, new JobSpec(2, "a", JobClass.ON_DEMAND, 16, 100)));
        assertThat(s.apply(new Event.Tick(0))).hasSize(1);
        assertThat(s.pendingReason(2)).contains(PendingReason.NO_CAPACITY);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.apply(new Event.JobSubmitted(1,
                new JobSpec(3, "a", JobClass.ON_DEMAND, 32, 100))))
                .hasMessage("job 3: 32 GPUs, but the fleet offers 24 outside its 8 hot-spare GPUs");
    }

    @Test
    void spares_mayNotTakeAWholePod() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scheduler(4))
                .hasMessage("hot spare domains per pod 4: pod 0 has only 4 NVLink domains, none would be left for work");
    }

    @Test
    void failedGang_restartsAtOnceOnTheSpare() {
        Scheduler s = scheduler(1);
        s.apply(new Event.JobSubmitted(0, new JobSpec(1, "a", JobClass.ON_DEMAND, 24, 1000)));
        Decision.Place first = (Decision.Place) s.apply(new Event.Tick(0)).get(0);
        assertThat(first.allocation().nodes()).containsExactly(0, 1, 2);
        assertThat(s.apply(new Event.NodeFailed(10, 1))).containsExactly(new Decision.Requeue(1, 1));
        List<Decision> restart = s.apply(new Event.Tick(10));
        assertThat(restart).hasSize(1);
        assertThat(((Decision.Place) restart.get(0)).allocation().nodes()).containsExactly(0, 2, 3);
        // the spare's GPUs are not offered to anyone else while the restarted job holds it, nor after
        assertThat(s.cluster().freeGpus()).isZero();
        s.apply(new Event.JobFinished(20, 1));
        assertThat(s.cluster().freeGpus()).isEqualTo(16); // node 1 is still down; node 3 is a spare again
    }

    @Test
    void withoutSpares_failedGangWaitsForRepair() {
        Scheduler s = scheduler(0);
        s.apply(new Event.JobSubmitted(0, new JobSpec(1, "a", JobClass.ON_DEMAND, 32, 1000)));
        s.apply(new Event.Tick(0));
        s.apply(new Event.NodeFailed(10, 1));
        // four nodes, no spare: the gang needs all of them, so it waits for the repair
        assertThat(s.apply(new Event.Tick(10))).isEmpty();
        s.apply(new Event.NodeRepaired(50, 1));
        assertThat(s.apply(new Event.Tick(50))).hasSize(1);
    }
}
