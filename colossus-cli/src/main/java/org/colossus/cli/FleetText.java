package org.colossus.cli;

import java.util.Locale;
import java.util.stream.Collectors;
import org.colossus.fleet.FleetSummary;

/** The human-readable form of a {@link FleetSummary}. */
final class FleetText {
    private FleetText() {
    }

    static String render(FleetSummary s) {
        StringBuilder b = new StringBuilder();
        b.append("Fleet ").append(s.name());
        if (!s.description().isEmpty()) {
            b.append(": ").append(s.description());
        }
        b.append('\n');
        b.append("\nTopology\n");
        row(b, "GPUs", number(s.gpus()), s.gpusByModel().stream()
                .map(m -> number(m.gpus()) + " x " + m.name() + " [" + m.model() + "]")
                .collect(Collectors.joining(", ")));
        row(b, "Nodes", number(s.nodes()), s.nodesByType().stream()
                .map(t -> number(t.nodes()) + " x " + t.name() + " (" + t.gpusPerNode() + " GPUs)")
                .collect(Collectors.joining(", ")));
        row(b, "NVLink domains", number(s.nvlinkDomains()), s.nvlinkDomainsBySize().stream()
                .map(d -> number(d.domains()) + " of " + d.gpusPerDomain() + " GPUs")
                .collect(Collectors.joining(", ")));
        row(b, "Racks", number(s.racks()), "");
        row(b, "Pods", number(s.pods()), "network pods (scale-out blocks) in " + s.halls()
                + (s.halls() == 1 ? " data hall" : " data halls"));

        b.append("\nPeak dense compute\n");
        s.peakDensePflops().forEach((precision, pflops) ->
                row(b, precision.toUpperCase(Locale.ROOT), number(pflops, 1), "PFLOPS"));
        b.append("\nMemory and network\n");
        row(b, "HBM", number(s.hbmTotalTB(), 1), "TB in total");
        row(b, "NVLink", number(s.nvlinkTotalTBps(), 1), "TB/s summed over GPUs (both directions)");
        row(b, "Scale-out", number(s.scaleOutInjectionTbps(), 1), "Tb/s injection (all NICs, one direction)");
        row(b, "Pod uplinks", number(s.podUplinkTbps(), 1), "Tb/s to the spine (after oversubscription)");
        if (!s.networkFabric().isEmpty()) {
            row(b, "Fabric", "", s.networkFabric());
        }
        b.append("\nPower\n");
        row(b, "GPU TDP", number(s.gpuTdpMW(), 1), "MW");
        row(b, "IT power", number(s.itPowerMW(), 1), "MW at node peak");
        row(b, "Facility", number(s.facilityPowerMW(), 1), "MW at PUE " + s.pue());
        row(b, "Capacity", number(s.facilityCapacityMW(), 1), s.facilityHeadroomMW() >= 0
                ? "MW (headroom " + number(s.facilityHeadroomMW(), 1) + " MW)"
                : "MW (OVER by " + number(-s.facilityHeadroomMW(), 1) + " MW: the fleet must be power-capped)");
        for (FleetSummary.Source src : s.powerSources()) {
            String energy = src.energyMWh() > 0 ? ", " + number(src.energyMWh(), 0) + " MWh stored" : "";
            row(b, "  " + src.kind(), number(src.capacityMW(), 1),
                    "MW " + src.name() + energy + ", " + number(src.emissionKgCo2ePerMWh(), 0) + " kgCO2e/MWh");
        }
        return b.toString().stripTrailing();
    }

    private static void row(StringBuilder b, String label, String value, String detail) {
        b.append(String.format(Locale.ROOT, "  %-15s %12s  %s", label, value, detail).stripTrailing()).append('\n');
    }

    static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
