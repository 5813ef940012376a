package org.colossus.scheduler;

import java.util.BitSet;
import org.colossus.fleet.Fleet;

/**
 * Free GPUs per node with the indexes placement needs: nodes bucketed by free GPU count (lowest-numbered node
 * with at least g free is a few {@code nextSetBit} calls), fully free nodes per rack and pod, and the tenant that
 * owns each isolation unit. Only the scheduler mutates it.
 */
public final class ClusterState {
    private final Fleet fleet;
    private final Isolation isolation;
    private final int[] capacity;
    private final int[] free;
    private final BitSet[] byFree;
    private final BitSet fullyFreeNodes;
    private final int maxNodeGpus;
    private final int[] fullyFreeInRack;
    private final int[] fullyFreeInPod;
    private final int[] unitOwner;
    private final int[] unitUsed;
    private final boolean[] down;
    private final boolean[] drained;
    private final boolean[] spare;
    private final int[] spareNodes;
    private boolean sparesUnlocked;
    /** Segment tree over nodes of the free GPUs of placeable nodes (max per subtree): leftmost fit in O(log n). */
    private final int[] tree;
    private final int leaves;
    private long freeTotal;
    private long allocatedTotal;
    private long fullyFreeGpus;
    private final long capacityTotal;

    ClusterState(Fleet fleet, Isolation isolation) {
        this(fleet, isolation, 0);
    }

    /** @param hotSpareDomainsPerPod the last NVLink domains of each pod, kept for restarting failed jobs */
    ClusterState(Fleet fleet, Isolation isolation, int hotSpareDomainsPerPod) {
        this.fleet = fleet;
        this.isolation = isolation;
        int nodes = fleet.nodeCount();
        capacity = new int[nodes];
        free = new int[nodes];
        int max = 0;
        for (int n = 0; n < nodes; n++) {
            capacity[n] = fleet.gpusOnNode(n);
            free[n] = capacity[n];
            max = Math.max(max, capacity[n]);
        }
        maxNodeGpus = max;
        byFree = new BitSet[max + 1];
        for (int f = 0; f <= max; f++) {
            byFree[f] = new BitSet(nodes);
        }
        for (int n = 0; n < nodes; n++) {
            byFree[free[n]].set(n);
        }
        fullyFreeNodes = new BitSet(nodes);
        fullyFreeNodes.set(0, nodes);
        for (int n = 0; n < nodes; n++) {
            fullyFreeGpus += capacity[n];
        }
        fullyFreeInRack = new int[fleet.rackCount()];
        fullyFreeInPod = new int[fleet.podCount()];
        for (int n = 0; n < nodes; n++) {
            int rack = fleet.rackOfNode(n);
            fullyFreeInRack[rack]++;
            fullyFreeInPod[fleet.podOfRack(rack)]++;
        }
        int units = switch (isolation) {
            case NONE -> 0;
            case NODE -> nodes;
            case DOMAIN -> fleet.domainCount();
            case RACK -> fleet.rackCount();
            case POD -> fleet.podCount();
        };
        unitOwner = new int[units];
        java.util.Arrays.fill(unitOwner, -1);
        unitUsed = new int[units];
        freeTotal = fleet.gpuCount();
        capacityTotal = fleet.gpuCount();
        down = new boolean[nodes];
        drained = new boolean[nodes];
        spare = new boolean[nodes];
        java.util.List<Integer> spares = new java.util.ArrayList<>();
        for (int pod = 0; pod < fleet.podCount() && hotSpareDomainsPerPod > 0; pod++) {
            int lastRack = fleet.firstRackOfPod(pod) + fleet.racksInPod(pod) - 1;
            int lastDomain = fleet.firstDomainOfRack(lastRack) + fleet.domainsInRack(lastRack) - 1;
            int firstDomain = fleet.firstDomainOfRack(fleet.firstRackOfPod(pod));
            if (lastDomain - firstDomain + 1 <= hotSpareDomainsPerPod) {
                throw new SchedulerException("hot spare domains per pod " + hotSpareDomainsPerPod + ": pod " + pod
                        + " has only " + (lastDomain - firstDomain + 1) + " NVLink domains, none would be left for work");
            }
            for (int d = lastDomain; d > lastDomain - hotSpareDomainsPerPod && d >= firstDomain; d--) {
                for (int n = fleet.firstNodeOfDomain(d); n < fleet.firstNodeOfDomain(d) + fleet.nodesInDomain(d); n++) {
                    spare[n] = true;
                    spares.add(n);
                }
            }
        }
        spareNodes = spares.stream().mapToInt(Integer::intValue).sorted().toArray();
        int size = 1;
        while (size < nodes) {
            size <<= 1;
        }
        leaves = size;
        tree = new int[2 * size];
        for (int n = 0; n < nodes; n++) {
            tree[size + n] = free[n];
        }
        for (int i = size - 1; i >= 1; i--) {
            tree[i] = Math.max(tree[2 * i], tree[2 * i + 1]);
        }
        for (int n : spareNodes) {
            reindex(n, true); // spares start out of every index
        }
    }

    public boolean isSpare(int node) {
        return spare[node];
    }

    public int spareNodeCount() {
        return spareNodes.length;
    }

    /** GPUs on hot-spare nodes. */
    public long spareGpus() {
        long sum = 0;
        for (int n : spareNodes) {
            sum += capacity[n];
        }
        return sum;
    }

    /** Lets the next placements use the hot spares (for restarting a failed job) or locks them again. */
    void unlockSpares(boolean unlocked) {
        if (sparesUnlocked == unlocked) {
            return;
        }
        boolean[] was = new boolean[spareNodes.length];
        for (int i = 0; i < spareNodes.length; i++) {
            was[i] = placeable(spareNodes[i]);
        }
        sparesUnlocked = unlocked;
        for (int i = 0; i < spareNodes.length; i++) {
            reindex(spareNodes[i], was[i]);
        }
    }

    private void updateTree(int node) {
        int i = leaves + node;
        tree[i] = placeable(node) ? free[node] : 0;
        for (i >>= 1; i >= 1; i >>= 1) {
            int m = Math.max(tree[2 * i], tree[2 * i + 1]);
            if (tree[i] == m) {
                break;
            }
            tree[i] = m;
        }
    }

    /** The lowest-numbered placeable node with at least {@code gpus} free, or -1. */
    public int leftmostWithFree(int gpus) {
        if (tree[1] < gpus) {
            return -1;
        }
        int i = 1;
        while (i < leaves) {
            i = tree[2 * i] >= gpus ? 2 * i : 2 * i + 1;
        }
        return i - leaves;
    }

    /** A node is placeable unless failed, drained or a locked hot spare; unplaceable nodes are out of every index. */
    public boolean placeable(int node) {
        return !down[node] && !drained[node] && (!spare[node] || sparesUnlocked);
    }

    public boolean isDown(int node) {
        return down[node];
    }

    public boolean isDrained(int node) {
        return drained[node];
    }

    void setDown(int node, boolean value) {
        boolean was = placeable(node);
        down[node] = value;
        reindex(node, was);
    }

    void setDrained(int node, boolean value) {
        boolean was = placeable(node);
        drained[node] = value;
        reindex(node, was);
    }

    private void reindex(int node, boolean wasPlaceable) {
        boolean is = placeable(node);
        if (wasPlaceable == is) {
            return;
        }
        updateTree(node);
        int rack = fleet.rackOfNode(node);
        int pod = fleet.podOfRack(rack);
        if (!is) {
            byFree[free[node]].clear(node);
            freeTotal -= free[node];
            if (free[node] == capacity[node]) {
                fullyFreeNodes.clear(node);
                fullyFreeGpus -= capacity[node];
                fullyFreeInRack[rack]--;
                fullyFreeInPod[pod]--;
            }
        } else {
            byFree[free[node]].set(node);
            freeTotal += free[node];
            if (free[node] == capacity[node]) {
                fullyFreeNodes.set(node);
                fullyFreeGpus += capacity[node];
                fullyFreeInRack[rack]++;
                fullyFreeInPod[pod]++;
            }
        }
    }

    public Fleet fleet() {
        return fleet;
    }

    public Isolation isolation() {
        return isolation;
    }

    public int nodeCount() {
        return free.length;
    }

    public int free(int node) {
        return free[node];
    }

    public int capacity(int node) {
        return capacity[node];
    }

    public int maxNodeGpus() {
        return maxNodeGpus;
    }

    /** Free GPUs on placeable nodes. */
    public long freeGpus() {
        return freeTotal;
    }

    /** GPUs held by jobs (on any node, up or not). */
    public long allocatedGpus() {
        return allocatedTotal;
    }

    public long capacityGpus() {
        return capacityTotal;
    }

    /** Placeable and with every GPU free. */
    public boolean fullyFree(int node) {
        return free[node] == capacity[node] && placeable(node);
    }

    public int fullyFreeInRack(int rack) {
        return fullyFreeInRack[rack];
    }

    public int fullyFreeInPod(int pod) {
        return fullyFreeInPod[pod];
    }

    /** GPUs of completely free placeable nodes: an upper bound on what a gang can get. */
    public long fullyFreeGpus() {
        return fullyFreeGpus;
    }

    /** Completely free nodes (read-only view: do not modify). */
    BitSet fullyFreeNodes() {
        return fullyFreeNodes;
    }

    /** Nodes with exactly {@code f} free GPUs (read-only view: do not modify). */
    BitSet nodesWithFree(int f) {
        return byFree[f];
    }

    /** The isolation unit of a node at the configured level, or -1 with no isolation. */
    public int unitOf(int node) {
        return switch (isolation) {
            case NONE -> -1;
            case NODE -> node;
            case DOMAIN -> fleet.domainOfNode(node);
            case RACK -> fleet.rackOfNode(node);
            case POD -> fleet.podOfRack(fleet.rackOfNode(node));
        };
    }

    /** The tenant holding GPUs in the node's isolation unit, or -1 if none does (or isolation is off). */
    public int ownerOf(int node) {
        int unit = unitOf(node);
        return unit < 0 ? -1 : unitOwner[unit];
    }

    /** May {@code tenant} use GPUs of this node without sharing an isolation unit with another tenant? */
    public boolean allowed(int node, int tenant) {
        int unit = unitOf(node);
        return unit < 0 || unitOwner[unit] < 0 || unitOwner[unit] == tenant;
    }

    void allocate(int node, int gpus, int tenant) {
        if (gpus > free[node] || gpus < 1) {
            throw new IllegalStateException("node " + node + ": cannot take " + gpus + " GPUs with " + free[node] + " free");
        }
        if (!allowed(node, tenant)) {
            throw new IllegalStateException("node " + node + ": isolation unit held by tenant " + ownerOf(node));
        }
        if (!placeable(node)) {
            throw new IllegalStateException("node " + node + " is " + (down[node] ? "down" : "drained"));
        }
        boolean wasFullyFree = fullyFree(node);
        byFree[free[node]].clear(node);
        free[node] -= gpus;
        byFree[free[node]].set(node);
        freeTotal -= gpus;
        allocatedTotal += gpus;
        updateTree(node);
        if (wasFullyFree) {
            fullyFreeNodes.clear(node);
            fullyFreeGpus -= capacity[node];
            int rack = fleet.rackOfNode(node);
            fullyFreeInRack[rack]--;
            fullyFreeInPod[fleet.podOfRack(rack)]--;
        }
        int unit = unitOf(node);
        if (unit >= 0) {
            unitOwner[unit] = tenant;
            unitUsed[unit] += gpus;
        }
    }

    void release(int node, int gpus) {
        if (free[node] + gpus > capacity[node]) {
            throw new IllegalStateException("node " + node + ": releasing " + gpus + " GPUs over capacity");
        }
        boolean indexed = placeable(node);
        if (indexed) {
            byFree[free[node]].clear(node);
        }
        free[node] += gpus;
        allocatedTotal -= gpus;
        updateTree(node);
        if (indexed) {
            byFree[free[node]].set(node);
            freeTotal += gpus;
        }
        if (indexed && fullyFree(node)) {
            fullyFreeNodes.set(node);
            fullyFreeGpus += capacity[node];
            int rack = fleet.rackOfNode(node);
            fullyFreeInRack[rack]++;
            fullyFreeInPod[fleet.podOfRack(rack)]++;
        }
        int unit = unitOf(node);
        if (unit >= 0) {
            unitUsed[unit] -= gpus;
            if (unitUsed[unit] == 0) {
                unitOwner[unit] = -1;
            }
        }
    }
}
