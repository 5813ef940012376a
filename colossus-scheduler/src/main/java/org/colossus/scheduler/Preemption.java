package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Running jobs by rank (0 guaranteed, 1 borrowing: on-demand or reserved beyond quota, 2 preemptible), and the order
 * they are preempted in: lowest class first, then lowest priority, latest start. Only disciplines that preempt keep
 * the order up to date; the counts are always kept (preemption looks only if it can help).
 */
final class Preemption {
    private final boolean ordered;
    private final int[] runningByRank = new int[3];
    private final long[] gpusByRank = new long[3];
    private final TreeSet<JobRecord> victimOrder = new TreeSet<>(Comparator
            .comparingInt((JobRecord v) -> -v.runRank)
            .thenComparingInt(v -> v.spec.priority())
            .thenComparingDouble(v -> -v.started)
            .thenComparingLong(v -> -v.seq));

    /** @param ordered whether victims are chosen (the fair discipline); else only counts are kept */
    Preemption(boolean ordered) {
        this.ordered = ordered;
    }

    void started(JobRecord r) {
        runningByRank[r.runRank]++;
        gpusByRank[r.runRank] += r.allocation.totalGpus();
        if (ordered) {
            victimOrder.add(r);
        }
    }

    void released(JobRecord r) {
        runningByRank[r.runRank]--;
        gpusByRank[r.runRank] -= r.allocation.totalGpus();
        if (ordered) {
            victimOrder.remove(r);
        }
    }

    /**
     * The running jobs to stop so that {@code gpus} fit for a job of rank {@code rank}: lower ranks only, in victim
     * order, until the GPUs free now plus theirs cover it. Empty if even all of them would not (then nothing is
     * preempted), or if enough GPUs are free already and the obstacle is their shape.
     */
    List<JobRecord> victims(int rank, int gpus, long freeGpus) {
        long lower = 0;
        for (int k = rank + 1; k < gpusByRank.length; k++) {
            lower += gpusByRank[k];
        }
        long available = freeGpus;
        if (available + lower < gpus) {
            return List.of();
        }
        List<JobRecord> chosen = new ArrayList<>();
        for (JobRecord v : victimOrder) {
            if (available >= gpus || v.runRank <= rank) {
                break;
            }
            if (v.state != JobState.RUNNING) {
                continue; // already stopping
            }
            chosen.add(v);
            available += v.allocation.totalGpus();
        }
        return available < gpus ? List.of() : chosen;
    }
}
