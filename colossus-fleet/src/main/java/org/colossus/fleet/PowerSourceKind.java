package org.colossus.fleet;

import java.util.Locale;

/** Where a facility's power comes from. */
public enum PowerSourceKind {
    GRID,
    GAS_TURBINE,
    BATTERY,
    SOLAR,
    WIND,
    NUCLEAR,
    DIESEL;

    /** The spelling in fleet files: {@code gas-turbine}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
