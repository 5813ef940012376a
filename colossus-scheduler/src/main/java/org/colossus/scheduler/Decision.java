package org.colossus.scheduler;

/** What the scheduler core decides; the driver (simulator or live data plane) carries it out. */
public sealed interface Decision {
    long jobId();

    /** Start the job on these GPUs. */
    record Place(long jobId, Allocation allocation) implements Decision {
    }

    /** Checkpoint within {@code graceSeconds} and stop; report {@link Event.JobStopped}. */
    record Preempt(long jobId, double graceSeconds, long forJobId) implements Decision {
    }

    /** The job lost its GPUs (a node failed) and is queued again; it restarts from its last checkpoint. */
    record Requeue(long jobId, int failedNode) implements Decision {
    }

    /** The job will not run again (it failed more often than allowed). */
    record MarkFailed(long jobId, String reason) implements Decision {
    }
}
