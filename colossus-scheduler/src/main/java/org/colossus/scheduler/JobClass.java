package org.colossus.scheduler;

import java.util.Locale;
import org.colossus.fleet.internal.Keys;

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
        return Keys.parse(values(), JobClass::key, text, "job class", SchedulerException::new);
    }
}
