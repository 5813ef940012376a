package org.colossus.scheduler;

import java.util.Locale;
import org.colossus.fleet.config.Keys;

/**
 * The unit two tenants never share. An invariant, not a preference: a placement that would put a second
 * tenant into a unit is never made.
 */
public enum Isolation {
    NONE, NODE, DOMAIN, RACK, POD;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Isolation parse(String text) {
        return Keys.parse(values(), Isolation::key, text, "isolation", SchedulerException::new);
    }
}
