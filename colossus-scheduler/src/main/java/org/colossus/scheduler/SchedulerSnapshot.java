package org.colossus.scheduler;

import java.util.List;

/**
 * Everything the scheduler core knows, as plain values: enough to rebuild an identical core with
 * {@link Scheduler#restore}, so that a live server can start from a snapshot plus the journal's tail instead of
 * replaying the whole journal. Cluster indexes are not stored; they are derived again from the allocations.
 *
 * @param queueOrder queued job ids in queue order (FIFO and BACKFILL; FAIR orders by its own keys)
 * @param nextSequence the submission counter (ties in FAIR order and the running-set order depend on it)
 */
public record SchedulerSnapshot(double timeSeconds, List<String> tenants, List<Integer> reservedGpus,
                                List<Job> jobs, List<Long> queueOrder, List<Integer> downNodes,
                                List<Integer> drainedNodes, long nextSequence) {

    /** One job; {@code nodes}/{@code gpus} empty unless it holds GPUs; {@code preemptedFor} -1 if none. */
    public record Job(JobSpec spec, JobState state, long sequence, double submittedSeconds, double startedSeconds,
                      double expectedEndSeconds, List<Integer> nodes, List<Integer> gpus, boolean guaranteed,
                      int runRank, int restarts, int awaitingPreemptions, long preemptedFor, PendingReason reason,
                      boolean interruptedByFailure) {
    }

    public SchedulerSnapshot {
        tenants = List.copyOf(tenants);
        reservedGpus = List.copyOf(reservedGpus);
        jobs = List.copyOf(jobs);
        queueOrder = List.copyOf(queueOrder);
        downNodes = List.copyOf(downNodes);
        drainedNodes = List.copyOf(drainedNodes);
    }
}
