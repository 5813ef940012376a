package org.colossus.scheduler;

/**
 * What the scheduler core is told. Most events only change state; a {@link Tick} runs a scheduling pass, and a
 * {@link NodeFailed} returns the jobs it interrupted, so that a driver can apply every event of one instant
 * (completions first) before the pass.
 */
public sealed interface Event {
    double timeSeconds();

    record JobSubmitted(double timeSeconds, JobSpec job) implements Event {
    }

    record JobFinished(double timeSeconds, long jobId) implements Event {
    }

    record JobCancelled(double timeSeconds, long jobId) implements Event {
    }

    /**
     * A preempted job has checkpointed and stopped; it goes back to the queue with {@code remainingSeconds} of work.
     */
    record JobStopped(double timeSeconds, long jobId, double remainingSeconds) implements Event {
    }

    /** A node (all its GPUs) failed: its jobs are interrupted and it takes no work until repaired. */
    record NodeFailed(double timeSeconds, int node) implements Event {
    }

    record NodeRepaired(double timeSeconds, int node) implements Event {
    }

    /** The operator drains a node: running jobs finish, no new ones start there. */
    record DrainRequested(double timeSeconds, int node, boolean drain) implements Event {
    }

    /** A tenant's reserved capacity (GPUs guaranteed to its reserved-class jobs) changes to {@code reservedGpus}. */
    record ContractChanged(double timeSeconds, String tenant, int reservedGpus) implements Event {
    }

    /** Time advanced to {@code timeSeconds}: start what can start, preempt what must yield. */
    record Tick(double timeSeconds) implements Event {
    }
}
