package org.colossus.scheduler;

import java.util.Arrays;

/** Shared gang building: whole free nodes until the job's GPUs are covered. */
final class Gangs {
    private Gangs() {
    }

    /** The lowest-numbered completely free nodes the tenant may use, or null if there are not enough. */
    static Allocation lowestFullyFree(ClusterState s, int gpus, int tenant) {
        int[] nodes = new int[gpus / Math.max(1, s.maxNodeGpus()) + 1];
        int[] take = new int[nodes.length];
        int count = 0;
        int remaining = gpus;
        var free = s.fullyFreeNodes();
        for (int n = free.nextSetBit(0); n >= 0 && remaining > 0; n = free.nextSetBit(n + 1)) {
            if (!s.allowed(n, tenant)) {
                continue;
            }
            if (count == nodes.length) {
                nodes = Arrays.copyOf(nodes, count * 2);
                take = Arrays.copyOf(take, count * 2);
            }
            nodes[count] = n;
            take[count] = Math.min(remaining, s.capacity(n));
            remaining -= take[count];
            count++;
        }
        return remaining > 0 ? null : new Allocation(Arrays.copyOf(nodes, count), Arrays.copyOf(take, count));
    }

    /** An allocation from nodes in any order, sorted ascending by node. */
    static Allocation sorted(int[] nodes, int[] gpus) {
        long[] packed = new long[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            packed[i] = ((long) nodes[i] << 32) | gpus[i];
        }
        Arrays.sort(packed);
        int[] n = new int[nodes.length];
        int[] g = new int[nodes.length];
        for (int i = 0; i < packed.length; i++) {
            n[i] = (int) (packed[i] >>> 32);
            g[i] = (int) packed[i];
        }
        return new Allocation(n, g);
    }
}
