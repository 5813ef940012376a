package org.colossus.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import org.colossus.fleet.Facility;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.NodeType;
import org.colossus.fleet.PowerSource;
import org.colossus.fleet.PowerSourceKind;

/**
 * What a GPU-hour of a job draws and emits, for the invoice's information lines.
 *
 * <p>A GPU's draw is its node's peak draw at the wall divided by the node's GPUs ({@link NodeType#maxPowerWatts}: the
 * GPUs at their TDP plus CPUs, NICs, fans and the node's share of switch trays, from the catalog and its cited
 * sources). Training holds GPUs near their power limit for most of a step, so the peak is the honest upper bound;
 * a measured per-job figure (DCGM) would replace it on a real data plane. Facility power is that times the PUE.
 * Emissions use the facility's supply mix: each generating source's intensity weighted by its capacity (batteries
 * store, they do not generate, and are left out); the presets cite each figure (docs/fleet-format.md#presets).
 *
 * @param wattsPerGpu by GPU model id
 * @param kgCo2ePerKwh of the supply mix
 */
public record EnergyFactors(Map<String, BigDecimal> wattsPerGpu, BigDecimal pue, BigDecimal kgCo2ePerKwh) {
    public static final EnergyFactors NONE = new EnergyFactors(Map.of(), BigDecimal.ONE, BigDecimal.ZERO);

    public EnergyFactors {
        wattsPerGpu = Map.copyOf(new TreeMap<>(wattsPerGpu));
    }

    public static EnergyFactors of(Fleet fleet) {
        Map<String, BigDecimal> watts = new TreeMap<>();
        for (NodeType t : fleet.nodeTypes()) {
            watts.putIfAbsent(t.gpu().id(), BigDecimal.valueOf(t.maxPowerWatts())
                    .divide(BigDecimal.valueOf(t.gpusPerNode()), 3, RoundingMode.HALF_EVEN).stripTrailingZeros());
        }
        Facility f = fleet.facility();
        double capacity = 0;
        double weighted = 0;
        for (PowerSource s : f.powerSources()) {
            if (s.kind() != PowerSourceKind.BATTERY) {
                capacity += s.capacityWatts();
                weighted += s.capacityWatts() * s.emissionKgCo2ePerMWh();
            }
        }
        BigDecimal intensity = capacity == 0 ? BigDecimal.ZERO
                : BigDecimal.valueOf(weighted / capacity / 1000.0).setScale(4, RoundingMode.HALF_EVEN);
        return new EnergyFactors(watts, BigDecimal.valueOf(f.pue()).stripTrailingZeros(), intensity.stripTrailingZeros());
    }

    public BigDecimal wattsPerGpu(String gpuModel) {
        return wattsPerGpu.getOrDefault(gpuModel, BigDecimal.ZERO);
    }
}
