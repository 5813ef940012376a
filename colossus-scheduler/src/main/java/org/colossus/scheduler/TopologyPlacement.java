package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.colossus.fleet.Fleet;

/**
 * Topology-aware: a job that fits one node packs as best-fit, preferring nodes whose NVLink domain is already in
 * use so that whole domains (NVL72 racks) stay free for gangs. A gang takes whole nodes from as few pods and racks
 * as possible: the pod with the fewest free nodes that still holds it (best fit, keeping big pods for big gangs),
 * inside it the racks with the most free nodes first and, inside a rack, whole free NVLink domains first; only if
 * no single pod can hold it does it span pods, largest free first.
 */
public final class TopologyPlacement implements Placement {
    @Override
    public String name() {
        return "topology";
    }

    @Override
    public Allocation place(ClusterState s, int gpus, int tenant) {
        return gpus <= s.maxNodeGpus() ? single(s, gpus, tenant) : gang(s, gpus, tenant);
    }

    private static Allocation single(ClusterState s, int gpus, int tenant) {
        Fleet fleet = s.fleet();
        int fallback = -1;
        for (int f = gpus; f <= s.maxNodeGpus(); f++) {
            var nodes = s.nodesWithFree(f);
            for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
                if (!s.allowed(n, tenant)) {
                    continue;
                }
                if (!domainUntouched(s, fleet, fleet.domainOfNode(n))) {
                    return new Allocation(new int[] {n}, new int[] {gpus});
                }
                if (fallback < 0) {
                    fallback = n;
                }
            }
            if (fallback >= 0) {
                return new Allocation(new int[] {fallback}, new int[] {gpus});
            }
        }
        return null;
    }

    private static boolean domainUntouched(ClusterState s, Fleet fleet, int domain) {
        int first = fleet.firstNodeOfDomain(domain);
        for (int n = first; n < first + fleet.nodesInDomain(domain); n++) {
            if (!s.fullyFree(n)) {
                return false;
            }
        }
        return true;
    }

    private static Allocation gang(ClusterState s, int gpus, int tenant) {
        Fleet fleet = s.fleet();
        Allocation inOneDomain = withinOneDomain(s, fleet, gpus, tenant);
        if (inOneDomain != null) {
            return inOneDomain;
        }
        int[] podOrder = podsByPreference(s, fleet, gpus);
        List<int[]> picked = new ArrayList<>();
        int remaining = gpus;
        for (int pod : podOrder) {
            int[] racks = racksOfPodByFreeDesc(s, fleet, pod);
            for (int rack : racks) {
                remaining = takeFromRack(s, fleet, rack, tenant, remaining, picked);
                if (remaining <= 0) {
                    break;
                }
            }
            if (remaining <= 0) {
                break;
            }
        }
        if (remaining > 0) {
            return null;
        }
        int[] nodes = new int[picked.size()];
        int[] take = new int[picked.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = picked.get(i)[0];
            take[i] = picked.get(i)[1];
        }
        return Gangs.sorted(nodes, take);
    }

    /**
     * A gang no bigger than an NVLink domain (e.g. 16 GPUs on NVL72 trays) goes into the one domain with the fewest
     * free nodes that still hold it, so it talks over NVLink only and leaves emptier domains for bigger gangs.
     */
    private static Allocation withinOneDomain(ClusterState s, Fleet fleet, int gpus, int tenant) {
        int bestDomain = -1;
        int bestFree = Integer.MAX_VALUE;
        for (int rack = 0; rack < fleet.rackCount(); rack++) {
            if (s.fullyFreeInRack(rack) == 0) {
                continue;
            }
            int firstDomain = fleet.firstDomainOfRack(rack);
            for (int d = firstDomain; d < firstDomain + fleet.domainsInRack(rack); d++) {
                if (fleet.gpusInDomain(d) < gpus) {
                    continue;
                }
                int freeGpus = 0;
                int first = fleet.firstNodeOfDomain(d);
                for (int n = first; n < first + fleet.nodesInDomain(d); n++) {
                    if (s.fullyFree(n) && s.allowed(n, tenant)) {
                        freeGpus += s.capacity(n);
                    }
                }
                if (freeGpus >= gpus && freeGpus < bestFree) {
                    bestFree = freeGpus;
                    bestDomain = d;
                }
            }
        }
        if (bestDomain < 0) {
            return null;
        }
        List<int[]> picked = new ArrayList<>();
        int remaining = gpus;
        int first = fleet.firstNodeOfDomain(bestDomain);
        for (int n = first; n < first + fleet.nodesInDomain(bestDomain) && remaining > 0; n++) {
            if (s.fullyFree(n) && s.allowed(n, tenant)) {
                int take = Math.min(remaining, s.capacity(n));
                picked.add(new int[] {n, take});
                remaining -= take;
            }
        }
        int[] nodes = new int[picked.size()];
        int[] take = new int[picked.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = picked.get(i)[0];
            take[i] = picked.get(i)[1];
        }
        return new Allocation(nodes, take);
    }

    /** Pods that alone can hold the gang, fewest free first; then the rest, most free first (ties by number). */
    private static int[] podsByPreference(ClusterState s, Fleet fleet, int gpus) {
        int count = fleet.podCount();
        long needNodes = (gpus + s.maxNodeGpus() - 1) / s.maxNodeGpus();
        long[] keys = new long[count];
        for (int p = 0; p < count; p++) {
            long free = s.fullyFreeInPod(p);
            // fitting pods first (key < 2^40), ascending free; then non-fitting, descending free
            long key = free >= needNodes ? free : (1L << 40) + (Integer.MAX_VALUE - free);
            keys[p] = (key << 20) | p;
        }
        java.util.Arrays.sort(keys);
        int[] pods = new int[count];
        for (int i = 0; i < count; i++) {
            pods[i] = (int) (keys[i] & 0xFFFFF);
        }
        return pods;
    }

    private static int[] racksOfPodByFreeDesc(ClusterState s, Fleet fleet, int pod) {
        int first = fleet.firstRackOfPod(pod);
        int count = fleet.racksInPod(pod);
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = ((long) (Integer.MAX_VALUE - s.fullyFreeInRack(first + i)) << 24) | i;
        }
        java.util.Arrays.sort(keys);
        int[] racks = new int[count];
        for (int i = 0; i < count; i++) {
            racks[i] = first + (int) (keys[i] & 0xFFFFFF);
        }
        return racks;
    }

    /** Takes free nodes of one rack, whole untouched NVLink domains first; returns the GPUs still needed. */
    private static int takeFromRack(ClusterState s, Fleet fleet, int rack, int tenant, int remaining,
                                    List<int[]> picked) {
        if (s.fullyFreeInRack(rack) == 0) {
            return remaining;
        }
        int firstDomain = fleet.firstDomainOfRack(rack);
        for (int pass = 0; pass < 2 && remaining > 0; pass++) {
            for (int d = firstDomain; d < firstDomain + fleet.domainsInRack(rack) && remaining > 0; d++) {
                boolean untouched = domainUntouched(s, fleet, d);
                if ((pass == 0) != untouched) {
                    continue;
                }
                int first = fleet.firstNodeOfDomain(d);
                for (int n = first; n < first + fleet.nodesInDomain(d) && remaining > 0; n++) {
                    if (s.fullyFree(n) && s.allowed(n, tenant)) {
                        int take = Math.min(remaining, s.capacity(n));
                        picked.add(new int[] {n, take});
                        remaining -= take;
                    }
                }
            }
        }
        return remaining;
    }
}
