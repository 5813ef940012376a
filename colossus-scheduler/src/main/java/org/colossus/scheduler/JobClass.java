package org.colossus.scheduler;

import java.util.Locale;
import org.colossus.fleet.config.Keys;

/** How a job pays for and holds its GPUs. */
public enum JobClass {
    /** Runs on a tenant's reserved capacity; never preempted by others. */
    RESERVED,
    /** Runs when capacity is free, by priority. */
    ON_DEMAND,
    /** Cheapest; preempted first. */
    PREEMPTIBLE;

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String key() {
        return key;
    }

    public static JobClass parse(String text) {
        // The exact keys are looked up first: journals replay millions of them.
        for (JobClass c : VALUES) {
            if (c.key().equals(text)) {
                return c;
            }
        }
        return Keys.parse(values(), JobClass::key, text, "job class", SchedulerException::new);
    }

    private static final JobClass[] VALUES = values();
}
