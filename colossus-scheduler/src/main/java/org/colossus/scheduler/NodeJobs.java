package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * The jobs holding GPUs on each node (the failure path needs them), in one flat array: a node's jobs sit in its
 * own run of {@code stride} slots, where {@code stride} is the most GPUs a node has, since every job on a node
 * holds at least one of its GPUs. A list per node cost two dependent cache misses on every release of a
 * million-job simulation (the list, then its array); a node's slots share a cache line or two.
 */
final class NodeJobs {
    private final JobRecord[] slots;
    private final int[] counts;
    private final int stride;

    NodeJobs(int nodes, int maxGpusPerNode) {
        this.stride = Math.max(1, maxGpusPerNode);
        this.slots = new JobRecord[Math.multiplyExact(nodes, stride)];
        this.counts = new int[nodes];
    }

    void add(int node, JobRecord r) {
        int n = counts[node];
        if (n == stride) {
            throw new IllegalStateException("node " + node + " already holds " + n + " jobs, one per GPU");
        }
        slots[node * stride + n] = r;
        counts[node] = n + 1;
    }

    /** Removes {@code r} itself (no {@code equals} calls); the order of a node's jobs does not matter. */
    void remove(int node, JobRecord r) {
        int base = node * stride;
        int last = base + counts[node] - 1;
        for (int i = base; i <= last; i++) {
            if (slots[i] == r) {
                slots[i] = slots[last];
                slots[last] = null;
                counts[node]--;
                return;
            }
        }
    }

    /** A copy of the jobs on {@code node}, in no particular order. */
    List<JobRecord> on(int node) {
        List<JobRecord> out = new ArrayList<>(counts[node]);
        for (int i = 0; i < counts[node]; i++) {
            out.add(slots[node * stride + i]);
        }
        return out;
    }
}
