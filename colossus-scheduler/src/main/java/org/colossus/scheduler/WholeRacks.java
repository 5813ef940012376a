package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.colossus.fleet.Fleet;

/**
 * Placement for jobs that want whole racks: completely free racks the tenant may use, every node of them held by
 * the job (it may hold more GPUs than it asked for: a rack is the unit), preferring the pod with the fewest free
 * racks that still has enough, so emptier pods stay whole.
 */
final class WholeRacks {
    private WholeRacks() {
    }

    static Allocation place(ClusterState s, int gpus, int tenant, Constraints c) {
        Fleet fleet = s.fleet();
        int bestPod = -1;
        int bestFree = Integer.MAX_VALUE;
        List<List<Integer>> freeRacks = new ArrayList<>();
        for (int pod = 0; pod < fleet.podCount(); pod++) {
            List<Integer> racks = new ArrayList<>();
            int first = fleet.firstRackOfPod(pod);
            long gpusFree = 0;
            for (int rack = first; rack < first + fleet.racksInPod(pod); rack++) {
                if (s.fullyFreeInRack(rack) == fleet.nodesInRack(rack) && allowed(s, fleet, rack, tenant)) {
                    racks.add(rack);
                    gpusFree += rackGpus(fleet, rack);
                }
            }
            freeRacks.add(racks);
            if (gpusFree >= gpus && racks.size() < bestFree) {
                bestFree = racks.size();
                bestPod = pod;
            }
        }
        List<Integer> chosen = new ArrayList<>();
        long got = 0;
        if (bestPod >= 0) {
            for (int rack : freeRacks.get(bestPod)) {
                if (got >= gpus) {
                    break;
                }
                chosen.add(rack);
                got += rackGpus(fleet, rack);
            }
        } else if (!c.withinPod()) {
            for (List<Integer> racks : freeRacks) {
                for (int rack : racks) {
                    if (got >= gpus) {
                        break;
                    }
                    chosen.add(rack);
                    got += rackGpus(fleet, rack);
                }
            }
        }
        if (got < gpus) {
            return null;
        }
        int count = 0;
        for (int rack : chosen) {
            count += fleet.nodesInRack(rack);
        }
        int[] nodes = new int[count];
        int[] take = new int[count];
        int k = 0;
        for (int rack : chosen) {
            for (int n = fleet.firstNodeOfRack(rack); n < fleet.firstNodeOfRack(rack) + fleet.nodesInRack(rack); n++) {
                nodes[k] = n;
                take[k++] = s.capacity(n);
            }
        }
        return Gangs.sorted(nodes, take);
    }

    private static boolean allowed(ClusterState s, Fleet fleet, int rack, int tenant) {
        for (int n = fleet.firstNodeOfRack(rack); n < fleet.firstNodeOfRack(rack) + fleet.nodesInRack(rack); n++) {
            if (!s.allowed(n, tenant)) {
                return false;
            }
        }
        return true;
    }

    private static long rackGpus(Fleet fleet, int rack) {
        long sum = 0;
        for (int n = fleet.firstNodeOfRack(rack); n < fleet.firstNodeOfRack(rack) + fleet.nodesInRack(rack); n++) {
            sum += fleet.gpusOnNode(n);
        }
        return sum;
    }
}
