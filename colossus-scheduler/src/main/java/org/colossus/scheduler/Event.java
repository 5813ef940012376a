package org.colossus.scheduler;

/**
 * What the scheduler core is told. Events only change state; a {@link Tick} runs a scheduling pass and is the
 * only event that yields placements, so that a driver can apply every event of one instant (completions first)
 * before the pass.
 */
public sealed interface Event {
    double timeSeconds();

    record JobSubmitted(double timeSeconds, JobSpec job) implements Event {
    }

    record JobFinished(double timeSeconds, long jobId) implements Event {
    }

    record JobCancelled(double timeSeconds, long jobId) implements Event {
    }

    /** Time advanced to {@code timeSeconds}: start what can start. */
    record Tick(double timeSeconds) implements Event {
    }
}
