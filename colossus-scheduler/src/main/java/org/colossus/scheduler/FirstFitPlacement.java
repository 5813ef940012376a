package org.colossus.scheduler;

/**
 * Lowest-numbered first: a job that fits on one node goes to the lowest-numbered node with enough free GPUs; a
 * gang takes the lowest-numbered completely free nodes. The reference semantics of data/bench/fifo-reference.
 */
public final class FirstFitPlacement implements Placement {
    @Override
    public String name() {
        return "first-fit";
    }

    @Override
    public Allocation place(ClusterState s, int gpus, int tenant) {
        if (gpus > s.maxNodeGpus()) {
            return Gangs.lowestFullyFree(s, gpus, tenant);
        }
        if (s.isolation() == Isolation.NONE) {
            int node = s.leftmostWithFree(gpus);
            return node < 0 ? null : new Allocation(new int[] {node}, new int[] {gpus});
        }
        int best = Integer.MAX_VALUE;
        for (int f = gpus; f <= s.maxNodeGpus(); f++) {
            var nodes = s.nodesWithFree(f);
            for (int n = nodes.nextSetBit(0); n >= 0 && n < best; n = nodes.nextSetBit(n + 1)) {
                if (s.allowed(n, tenant)) {
                    best = n;
                    break;
                }
            }
        }
        return best == Integer.MAX_VALUE ? null : new Allocation(new int[] {best}, new int[] {gpus});
    }
}
