package org.colossus.scheduler;

import java.util.Objects;

/**
 * A job as submitted.
 *
 * @param durationSeconds how long it runs once started (its estimate, used by backfill; the simulator runs it
 *     for exactly this long)
 */
public record JobSpec(long id, String tenant, JobClass jobClass, int gpus, double durationSeconds) {
    public JobSpec {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(jobClass, "jobClass");
        if (gpus < 1) {
            throw new SchedulerException("job " + id + ": gpus = " + gpus + "; expected at least 1");
        }
        if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds)) {
            throw new SchedulerException("job " + id + ": duration = " + durationSeconds + " s; expected a positive finite number");
        }
    }
}
