package org.colossus.fleet;

import java.util.List;

/**
 * The building around the fleet.
 *
 * @param powerCapacityWatts the most the site may draw at the meter (IT load x PUE must stay below it)
 * @param pue power usage effectiveness: facility power / IT power
 */
public record Facility(String site, double powerCapacityWatts, double pue, List<PowerSource> powerSources) {
    public Facility {
        powerSources = List.copyOf(powerSources);
    }

    public double sourceCapacityWatts() {
        return powerSources.stream().mapToDouble(PowerSource::capacityWatts).sum();
    }
}
