package org.colossus.scheduler;

import java.util.Objects;

/**
 * @param backfillDepth how many queued jobs behind the head a backfill pass looks at (Slurm's bf_max_job_test)
 */
public record SchedulerConfig(QueuePolicy policy, Placement placement, Isolation isolation, int backfillDepth) {
    public SchedulerConfig {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(isolation, "isolation");
        if (backfillDepth < 0) {
            throw new SchedulerException("backfill depth " + backfillDepth + ": expected >= 0");
        }
    }

    public static SchedulerConfig of(QueuePolicy policy, Placement placement, Isolation isolation) {
        return new SchedulerConfig(policy, placement, isolation, 1000);
    }
}
