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

class PlacementConstraintsTest {
    /** 2 pods x 3 NVL72 racks (18 trays of 4 GPUs each): 432 GPUs. */
    private static final Fleet NVL72 = Fleet.build(new FleetSpec("t", "", new Facility("", 1e9, 1.2, List.of()), "",
            List.of(new PodGroup(2, "hall-0", 1, List.of(new RackGroup(3,
                    Catalog.standard().nodeType("gb200-nvl72-tray").orElseThrow(), 18))))));

    private static Scheduler scheduler(String placement) {
        return new Scheduler(NVL72, SchedulerConfig.of(QueuePolicy.BACKFILL, Placement.named(placement), Isolation.DOMAIN));
    }

    private static Allocation place(Scheduler s, long id, String tenant, int gpus, Constraints c) {
        s.apply(new Event.JobSubmitted(0, new JobSpec(id, tenant, JobClass.ON_DEMAND, gpus, 100, 0, c)));
        List<Decision> d = s.apply(new Event.Tick(0));
        return d.stream().filter(x -> x.jobId() == id).map(x -> ((Decision.Place) x).allocation()).findFirst().orElse(null);
    }

    private static int pods(Allocation a) {
        return (int) java.util.Arrays.stream(a.nodes()).map(n -> NVL72.podOfRack(NVL72.rackOfNode(n))).distinct().count();
    }

    private static int racks(Allocation a) {
        return (int) java.util.Arrays.stream(a.nodes()).map(NVL72::rackOfNode).distinct().count();
    }

    @Test
    void topology_smallGang_staysInOneNvlinkDomain() {
        Allocation a = place(scheduler("topology"), 1, "a", 16, Constraints.NONE);
        assertThat(racks(a)).isEqualTo(1);
        assertThat(a.totalGpus()).isEqualTo(16);
    }

    @Test
    void withinPod_gangLargerThanAnyPod_isRefusedAtSubmission() {
        Scheduler s = scheduler("topology");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> place(s, 1, "a", 256, new Constraints(true, 0, false)))
                .isInstanceOf(SchedulerException.class)
                .hasMessage("job 1: 256 GPUs within one pod, but the largest pod has 216");
        Allocation fits = place(s, 2, "b", 216, new Constraints(true, 0, false));
        assertThat(fits).isNotNull();
        assertThat(pods(fits)).isEqualTo(1);
    }

    @Test
    void maxRacks_firstFitAllocationThatSpreadsIsRefused() {
        Scheduler s = scheduler("first-fit");
        place(s, 1, "a", 4, Constraints.NONE);            // tenant a takes the first tray of rack 0
        Allocation a = place(s, 2, "b", 72, new Constraints(false, 1, false));
        // tenant b cannot share rack 0's NVLink domain (isolation), and 72 GPUs in one rack means rack 1
        assertThat(racks(a)).isEqualTo(1);
        assertThat(NVL72.rackOfNode(a.nodes()[0])).isEqualTo(1);
    }

    @Test
    void wholeRacks_holdsEveryGpuOfTheRack() {
        Scheduler s = scheduler("topology");
        Allocation a = place(s, 1, "a", 8, new Constraints(false, 0, true));
        assertThat(racks(a)).isEqualTo(1);
        assertThat(a.totalGpus()).isEqualTo(72);
        assertThat(s.cluster().fullyFreeInRack(NVL72.rackOfNode(a.nodes()[0]))).isZero();
    }
}
