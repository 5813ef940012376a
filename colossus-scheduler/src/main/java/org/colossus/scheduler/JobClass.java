package org.colossus.scheduler;

import java.util.Locale;

/** How a job pays for and holds its GPUs. */
public enum JobClass {
    /** Runs on a tenant's reserved capacity; never preempted by others. */
    RESERVED,
    /** Runs when capacity is free, by priority. */
    ON_DEMAND,
    /** Cheapest; preempted first. */
    PREEMPTIBLE;

    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static JobClass parse(String text) {
        for (JobClass c : values()) {
            if (c.key().equals(text)) {
                return c;
            }
        }
        throw new SchedulerException("unknown job class '" + text + "'; expected one of: reserved, on-demand, preemptible");
    }
}
