package org.colossus.scheduler;

import java.util.Objects;

/**
 * @param backfillDepth how many queued jobs behind the blocked one a pass looks at (Slurm's bf_max_job_test)
 * @param preemptionGraceSeconds time a preempted job gets to checkpoint before it must stop
 * @param maxRestarts a job interrupted by failures more often than this is marked failed
 * @param hotSpareDomainsPerPod NVLink domains at the end of each pod kept out of normal placement, for restarting
 *     jobs that a node failure interrupted (they restart at once instead of waiting for capacity)
 */
public record SchedulerConfig(QueuePolicy policy, Placement placement, Isolation isolation, int backfillDepth,
                              double preemptionGraceSeconds, int maxRestarts, int hotSpareDomainsPerPod) {

    public SchedulerConfig(QueuePolicy policy, Placement placement, Isolation isolation, int backfillDepth,
                           double preemptionGraceSeconds, int maxRestarts) {
        this(policy, placement, isolation, backfillDepth, preemptionGraceSeconds, maxRestarts, 0);
    }

    public SchedulerConfig {
        if (hotSpareDomainsPerPod < 0) {
            throw new SchedulerException("hot spare domains per pod " + hotSpareDomainsPerPod + ": expected >= 0");
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(isolation, "isolation");
        if (backfillDepth < 0 || preemptionGraceSeconds < 0 || maxRestarts < 0) {
            throw new SchedulerException("backfill depth, preemption grace and max restarts must be >= 0; got "
                    + backfillDepth + ", " + preemptionGraceSeconds + ", " + maxRestarts);
        }
    }

    public static SchedulerConfig of(QueuePolicy policy, Placement placement, Isolation isolation) {
        return new SchedulerConfig(policy, placement, isolation, 1000, 300, 1000);
    }
}
