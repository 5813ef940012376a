package org.colossus.fleet.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Physical dimensions that data files write as {@code "<number> <unit>"}, and their units with the
 * factor to the SI base unit the code uses (watts, watt-hours, bytes, bytes per second, kgCO2e/MWh).
 * A bare number is refused on purpose: "150" could be kW or MW, and a fleet off by 1000x is worse
 * than an error.
 */
public enum Unit {
    POWER("a power", "150 MW", units("W", 1, "kW", 1e3, "MW", 1e6, "GW", 1e9)),
    ENERGY("an energy", "600 MWh", units("Wh", 1, "kWh", 1e3, "MWh", 1e6, "GWh", 1e9)),
    DATA_SIZE("a data size", "80 GB", units("B", 1, "kB", 1e3, "MB", 1e6, "GB", 1e9, "TB", 1e12,
            "KiB", 1024.0, "MiB", 1024.0 * 1024, "GiB", 1024.0 * 1024 * 1024, "TiB", 1024.0 * 1024 * 1024 * 1024)),
    DATA_RATE("a bandwidth", "400 Gbps", units("Gbps", 1e9 / 8, "Tbps", 1e12 / 8, "Mbps", 1e6 / 8,
            "MB/s", 1e6, "GB/s", 1e9, "TB/s", 1e12)),
    EMISSION_FACTOR("an emission factor", "400 kgCO2e/MWh", units("kgCO2e/MWh", 1, "gCO2e/kWh", 1, "tCO2e/MWh", 1000,
            "lbCO2e/MWh", 0.45359237));

    private static final Pattern QUANTITY =
            Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\\s*([A-Za-z][A-Za-z0-9/]*)\\s*");

    private final String description;
    private final String example;
    private final Map<String, Double> factors;

    Unit(String description, String example, Map<String, Double> factors) {
        this.description = description;
        this.example = example;
        this.factors = factors;
    }

    private static Map<String, Double> units(Object... unitAndFactor) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < unitAndFactor.length; i += 2) {
            map.put((String) unitAndFactor[i], ((Number) unitAndFactor[i + 1]).doubleValue());
        }
        return map;
    }

    /** What the error says is expected, e.g. {@code a power with a unit (W, kW, MW, GW), e.g. '150 MW'}. */
    public String expectation() {
        return description + " with a unit (" + String.join(", ", factors.keySet()) + "), e.g. '" + example + "'";
    }

    /**
     * Parses {@code text} to the SI base unit of this dimension.
     *
     * @throws IllegalArgumentException with a message saying what was wrong (the caller adds where)
     */
    public double parse(String text) {
        Matcher m = QUANTITY.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + expectation());
        }
        Double factor = factors.get(m.group(2));
        if (factor == null) {
            for (Unit other : values()) {
                if (other != this && other.factors.containsKey(m.group(2))) {
                    throw new IllegalArgumentException("'" + m.group(2) + "' is a unit of " + other.description.substring(
                            other.description.indexOf(' ') + 1) + ", not of " + description.substring(
                            description.indexOf(' ') + 1) + "; expected " + expectation());
                }
            }
            throw new IllegalArgumentException("unknown unit '" + m.group(2) + "'; expected " + expectation());
        }
        return Double.parseDouble(m.group(1)) * factor;
    }
}
