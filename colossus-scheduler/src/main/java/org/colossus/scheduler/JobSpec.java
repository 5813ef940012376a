package org.colossus.scheduler;

import java.util.Objects;

/**
 * A job as submitted.
 *
 * @param durationSeconds how long it runs once started, at nominal speed (its estimate, used by backfill; the
 *     simulator runs it for exactly this long unless it is interrupted)
 * @param priority higher runs first among jobs of the same class and tenant share
 */
public record JobSpec(long id, String tenant, JobClass jobClass, int gpus, double durationSeconds, int priority,
                      Constraints constraints) {
    public JobSpec {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(jobClass, "jobClass");
        if (gpus < 1) {
            throw new SchedulerException("job " + id + ": gpus = " + gpus + "; expected at least 1");
        }
        if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds)) {
            throw new SchedulerException("job " + id + ": duration = " + durationSeconds + " s; expected a positive finite number");
        }
    }

    public JobSpec(long id, String tenant, JobClass jobClass, int gpus, double durationSeconds, int priority) {
        this(id, tenant, jobClass, gpus, durationSeconds, priority, Constraints.NONE);
    }

    public JobSpec(long id, String tenant, JobClass jobClass, int gpus, double durationSeconds) {
        this(id, tenant, jobClass, gpus, durationSeconds, 0, Constraints.NONE);
    }

    public JobSpec withDuration(double seconds) {
        return new JobSpec(id, tenant, jobClass, gpus, seconds, priority, constraints);
    }
}
