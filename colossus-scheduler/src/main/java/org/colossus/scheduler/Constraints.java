package org.colossus.scheduler;

/**
 * Where a job agrees to run.
 *
 * @param withinPod all its GPUs in one network pod (no traffic over the spine)
 * @param maxRacks at most this many racks; 0 for no limit
 * @param wholeRacks only completely free racks, held whole (no neighbour in its racks, not even its own tenant's)
 */
public record Constraints(boolean withinPod, int maxRacks, boolean wholeRacks) {
    public static final Constraints NONE = new Constraints(false, 0, false);

    public Constraints {
        if (maxRacks < 0) {
            throw new SchedulerException("max-racks " + maxRacks + ": expected >= 0 (0 = no limit)");
        }
    }

    public boolean any() {
        return withinPod || maxRacks > 0 || wholeRacks;
    }

    /** Does an allocation respect these constraints on this fleet? */
    public boolean allows(Allocation a, org.colossus.fleet.Fleet fleet) {
        if (!any()) {
            return true;
        }
        int racks = 0;
        int lastRack = -1;
        int firstPod = -1;
        for (int node : a.nodes()) {
            int rack = fleet.rackOfNode(node);
            int pod = fleet.podOfRack(rack);
            if (firstPod < 0) {
                firstPod = pod;
            } else if (withinPod && pod != firstPod) {
                return false;
            }
            if (rack != lastRack) {
                racks++;
                lastRack = rack;
            }
        }
        return maxRacks == 0 || racks <= maxRacks;
    }
}
