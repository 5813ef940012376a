package org.colossus.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FleetTopologyTest {
    private static final Catalog CATALOG = Catalog.standard();

    static LongStream seeds() {
        return LongStream.range(1, 21);
    }

    /** A random fleet of 1-4 pod groups with mixed node types, racks of whole NVLink domains. */
    static FleetSpec randomSpec(long seed) {
        RandomGenerator random = new SplittableRandom(seed);
        List<NodeType> types = new ArrayList<>(CATALOG.nodeTypes());
        List<PodGroup> pods = new ArrayList<>();
        int groups = 1 + random.nextInt(4);
        for (int g = 0; g < groups; g++) {
            List<RackGroup> racks = new ArrayList<>();
            int rackGroups = 1 + random.nextInt(3);
            for (int r = 0; r < rackGroups; r++) {
                NodeType type = types.get(random.nextInt(types.size()));
                int domains = 1 + random.nextInt(type.nodesPerNvlinkDomain() == 1 ? 8 : 2);
                racks.add(new RackGroup(1 + random.nextInt(5), type, domains * type.nodesPerNvlinkDomain()));
            }
            pods.add(new PodGroup(1 + random.nextInt(3), "hall-" + random.nextInt(2), 1 + random.nextInt(3), racks));
        }
        Facility facility = new Facility("test", 50e6, 1.2, List.of());
        return new FleetSpec("random-" + seed, "", facility, "", pods);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void build_randomFleet_countsAddUp(long seed) {
        FleetSpec spec = randomSpec(seed);
        Fleet fleet = Fleet.build(spec);
        long gpus = 0, nodes = 0, racks = 0, pods = 0;
        for (PodGroup pg : spec.podGroups()) {
            pods += pg.count();
            for (RackGroup rg : pg.rackGroups()) {
                racks += (long) pg.count() * rg.count();
                nodes += (long) pg.count() * rg.count() * rg.nodesPerRack();
                gpus += (long) pg.count() * rg.count() * rg.gpusPerRack();
            }
        }
        assertThat(fleet.gpuCount()).isEqualTo(gpus);
        assertThat(fleet.nodeCount()).isEqualTo(nodes);
        assertThat(fleet.rackCount()).isEqualTo(racks);
        assertThat(fleet.podCount()).isEqualTo(pods);

        int gpuSum = 0, nodeSumByDomain = 0, nodeSumByRack = 0, rackSum = 0, domainSum = 0, podGpuSum = 0;
        for (int n = 0; n < fleet.nodeCount(); n++) {
            gpuSum += fleet.gpusOnNode(n);
            assertThat(fleet.gpusOnNode(n)).isEqualTo(fleet.nodeType(n).gpusPerNode());
        }
        for (int d = 0; d < fleet.domainCount(); d++) {
            nodeSumByDomain += fleet.nodesInDomain(d);
            int first = fleet.firstNodeOfDomain(d);
            assertThat(fleet.gpusInDomain(d)).isEqualTo(fleet.nodeType(first).gpusPerNvlinkDomain());
        }
        for (int r = 0; r < fleet.rackCount(); r++) {
            nodeSumByRack += fleet.nodesInRack(r);
            domainSum += fleet.domainsInRack(r);
        }
        for (int p = 0; p < fleet.podCount(); p++) {
            rackSum += fleet.racksInPod(p);
            podGpuSum += fleet.gpusInPod(p);
        }
        assertThat(gpuSum).isEqualTo(fleet.gpuCount());
        assertThat(podGpuSum).isEqualTo(fleet.gpuCount());
        assertThat(nodeSumByDomain).isEqualTo(fleet.nodeCount());
        assertThat(nodeSumByRack).isEqualTo(fleet.nodeCount());
        assertThat(domainSum).isEqualTo(fleet.domainCount());
        assertThat(rackSum).isEqualTo(fleet.rackCount());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void build_randomFleet_parentsAndChildrenAgree(long seed) {
        Fleet fleet = Fleet.build(randomSpec(seed));
        for (int gpu = 0; gpu < fleet.gpuCount(); gpu++) {
            int node = fleet.nodeOfGpu(gpu);
            assertThat(gpu).isBetween(fleet.firstGpu(node), fleet.firstGpu(node) + fleet.gpusOnNode(node) - 1);
            int domain = fleet.domainOfNode(node);
            int rack = fleet.rackOfNode(node);
            assertThat(fleet.rackOfDomain(domain)).as("a domain lies within one rack").isEqualTo(rack);
            assertThat(node).isBetween(fleet.firstNodeOfDomain(domain),
                    fleet.firstNodeOfDomain(domain) + fleet.nodesInDomain(domain) - 1);
            assertThat(node).isBetween(fleet.firstNodeOfRack(rack), fleet.firstNodeOfRack(rack) + fleet.nodesInRack(rack) - 1);
            int pod = fleet.podOfRack(rack);
            assertThat(rack).isBetween(fleet.firstRackOfPod(pod), fleet.firstRackOfPod(pod) + fleet.racksInPod(pod) - 1);
            assertThat(fleet.gpuModel(gpu)).isSameAs(fleet.nodeType(node).gpu());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gpuPath_randomFleet_uniqueAndResolvesBack(long seed) {
        Fleet fleet = Fleet.build(randomSpec(seed));
        Set<String> paths = new HashSet<>();
        for (int gpu = 0; gpu < fleet.gpuCount(); gpu++) {
            String path = fleet.gpuPath(gpu);
            assertThat(paths.add(path)).as("unique path %s", path).isTrue();
            assertThat(fleet.gpuId(path)).isEqualTo(gpu);
            assertThat(path).startsWith(fleet.nodePath(fleet.nodeOfGpu(gpu)) + "/gpu-");
        }
        Set<String> domainPaths = new HashSet<>();
        for (int d = 0; d < fleet.domainCount(); d++) {
            assertThat(domainPaths.add(fleet.domainPath(d))).isTrue();
        }
    }

    @Test
    void gpuPath_firstGpuOfSecondRackOfNode_isCanonical() {
        Fleet fleet = Fleet.build(Presets.load("colossus1", CATALOG));
        // colossus1: 112 racks of 8 nodes per pod; GPU 8*8*17 + 8*5 + 2 is pod 0, rack 17, node 5, gpu 2.
        assertThat(fleet.gpuPath(64 * 17 + 8 * 5 + 2)).isEqualTo("pod-0/rack-17/node-05/gpu-2");
        assertThat(fleet.gpuId("pod-3/rack-336/node-07/gpu-7")).isEqualTo(336 * 64 + 63);
        assertThat(fleet.nodePath(fleet.nodeCount() - 1)).isEqualTo("pod-13/rack-1567/node-07");
    }

    @Test
    void gpuId_badPaths_areRejectedWithReason() {
        Fleet fleet = Fleet.build(Presets.load("colossus1", CATALOG));
        assertThatThrownBy(() -> fleet.gpuId("pod-0/rack-200/node-00/gpu-0")).isInstanceOf(FleetException.class)
                .hasMessage("GPU path 'pod-0/rack-200/node-00/gpu-0': rack-200 is in pod-1, not pod-0");
        assertThatThrownBy(() -> fleet.gpuId("pod-0/rack-0/node-08/gpu-0"))
                .hasMessage("GPU path 'pod-0/rack-0/node-08/gpu-0': node-08 does not exist (there are 8)");
        assertThatThrownBy(() -> fleet.gpuId("pod-0/rack-0/node-5/gpu-0"))
                .hasMessage("GPU path 'pod-0/rack-0/node-5/gpu-0': not canonical; the GPU's path is pod-0/rack-0/node-05/gpu-0");
        assertThatThrownBy(() -> fleet.gpuId("pod-0/rack-0/node-00"))
                .hasMessage("GPU path 'pod-0/rack-0/node-00': expected pod-P/rack-R/node-NN/gpu-G");
        assertThatThrownBy(() -> fleet.gpuId("pod-x/rack-0/node-00/gpu-0"))
                .hasMessage("GPU path 'pod-x/rack-0/node-00/gpu-0': expected 'pod-<number>' but got 'pod-x'");
        assertThatThrownBy(() -> fleet.gpuId("pod-99/rack-0/node-00/gpu-0"))
                .hasMessage("GPU path 'pod-99/rack-0/node-00/gpu-0': pod-99 does not exist (there are 14)");
    }
}
