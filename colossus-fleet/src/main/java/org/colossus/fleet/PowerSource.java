package org.colossus.fleet;

/**
 * One supply of a facility.
 *
 * @param energyWattHours stored energy, for batteries; 0 for sources that generate
 * @param emissionKgCo2ePerMWh emissions per MWh delivered
 */
public record PowerSource(String name, PowerSourceKind kind, double capacityWatts, double energyWattHours,
                          double emissionKgCo2ePerMWh) {
}
