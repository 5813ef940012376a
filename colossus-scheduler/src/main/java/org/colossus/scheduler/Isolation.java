package org.colossus.scheduler;

import java.util.Locale;

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
        for (Isolation i : values()) {
            if (i.key().equals(text)) {
                return i;
            }
        }
        throw new SchedulerException("unknown isolation '" + text + "'; expected one of: none, node, domain, rack, pod");
    }
}
