package org.colossus.scheduler;

/**
 * Packing: a job that fits on one node goes to the node with the fewest free GPUs that still fit it (ties to the
 * lowest number), leaving whole nodes free for gangs; gangs as first-fit.
 */
public final class BestFitPlacement implements Placement {
    @Override
    public String name() {
        return "best-fit";
    }

    @Override
    public Allocation place(ClusterState s, int gpus, int tenant) {
        if (gpus > s.maxNodeGpus()) {
            return Gangs.lowestFullyFree(s, gpus, tenant);
        }
        for (int f = gpus; f <= s.maxNodeGpus(); f++) {
            var nodes = s.nodesWithFree(f);
            for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
                if (s.allowed(n, tenant)) {
                    return new Allocation(new int[] {n}, new int[] {gpus});
                }
            }
        }
        return null;
    }
}
