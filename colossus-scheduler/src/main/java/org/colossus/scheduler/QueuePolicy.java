package org.colossus.scheduler;

import java.util.Locale;
import org.colossus.fleet.config.Keys;

/** Which queued job may start. */
public enum QueuePolicy {
    /** Strict first-in first-out: the head job blocks every job behind it. */
    FIFO,
    /**
     * EASY backfill: the head job gets a reservation at the earliest time enough GPUs will be free (from the running
     * jobs' durations); a later job may start now if it fits and either ends before that time or uses only GPUs the
     * head will not need.
     */
    BACKFILL,
    /**
     * Classes and fair share: reserved jobs within their tenant's reserved capacity first, then on-demand, then
     * preemptible; within a class the tenant using the fewest GPUs first, then priority, then submission. The first
     * job that cannot start gets an EASY reservation; a guaranteed reserved job that cannot start preempts borrowers
     * (preemptible jobs first, then on-demand and over-quota jobs), each with a checkpoint grace period.
     */
    FAIR;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static QueuePolicy parse(String text) {
        return Keys.parse(values(), QueuePolicy::key, text, "policy", SchedulerException::new);
    }
}
