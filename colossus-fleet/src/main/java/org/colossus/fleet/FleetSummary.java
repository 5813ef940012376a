package org.colossus.fleet;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code colossus fleet show} prints: counts, peak compute, memory, network and power of a fleet.
 * Field names carry their units; serialized as-is to JSON.
 *
 * @param peakDensePflops summed dense peak per precision, only for precisions every GPU of the fleet has
 * @param scaleOutInjectionTbps all GPUs' NICs together, one direction
 * @param podUplinkTbps all pods' uplinks to the spine together (injection / oversubscription per pod)
 * @param itPowerMW sum of node peak power
 * @param facilityPowerMW IT power x PUE
 */
public record FleetSummary(
        String name,
        String description,
        int gpus,
        List<ModelCount> gpusByModel,
        int nodes,
        List<NodeTypeCount> nodesByType,
        int nvlinkDomains,
        List<DomainSize> nvlinkDomainsBySize,
        int racks,
        int pods,
        int halls,
        Map<String, Double> peakDensePflops,
        double hbmTotalTB,
        double nvlinkTotalTBps,
        double scaleOutInjectionTbps,
        double podUplinkTbps,
        String networkFabric,
        double gpuTdpMW,
        double itPowerMW,
        double pue,
        double facilityPowerMW,
        double facilityCapacityMW,
        double facilityHeadroomMW,
        List<Source> powerSources) {

    public record ModelCount(String model, String name, int gpus) {
    }

    public record NodeTypeCount(String nodeType, String name, int nodes, int gpusPerNode) {
    }

    public record DomainSize(int gpusPerDomain, int domains) {
    }

    public record Source(String name, String kind, double capacityMW, double energyMWh, double emissionKgCo2ePerMWh) {
    }

    public static FleetSummary of(Fleet fleet) {
        Map<NodeType, Integer> nodesByType = new LinkedHashMap<>();
        for (int n = 0; n < fleet.nodeCount(); n++) {
            nodesByType.merge(fleet.nodeType(n), 1, Integer::sum);
        }
        Map<GpuModel, Integer> gpusByModel = new LinkedHashMap<>();
        Map<Precision, Double> tflops = new EnumMap<>(Precision.class);
        for (Precision p : Precision.values()) {
            tflops.put(p, 0.0);
        }
        double hbmBytes = 0, nvlinkBytesPerSecond = 0, nicBytesPerSecond = 0, gpuWatts = 0, itWatts = 0;
        for (var e : nodesByType.entrySet()) {
            NodeType type = e.getKey();
            GpuModel gpu = type.gpu();
            int gpus = e.getValue() * type.gpusPerNode();
            gpusByModel.merge(gpu, gpus, Integer::sum);
            for (Precision p : Precision.values()) {
                tflops.computeIfPresent(p, (k, sum) -> gpu.denseTflops(p).isPresent()
                        ? sum + gpus * gpu.denseTflops(p).getAsDouble() : null);
            }
            hbmBytes += gpus * gpu.hbmBytes();
            nvlinkBytesPerSecond += gpus * gpu.nvlinkBytesPerSecond();
            nicBytesPerSecond += gpus * gpu.scaleOutBytesPerSecond();
            gpuWatts += gpus * gpu.tdpWatts();
            itWatts += e.getValue() * type.maxPowerWatts();
        }
        double uplinkBytesPerSecond = 0;
        for (int pod = 0; pod < fleet.podCount(); pod++) {
            double podNic = 0;
            int firstNode = fleet.firstNodeOfRack(fleet.firstRackOfPod(pod));
            int endNode = fleet.firstNodeOfRack(fleet.firstRackOfPod(pod) + fleet.racksInPod(pod));
            for (int n = firstNode; n < endNode; n++) {
                podNic += fleet.gpusOnNode(n) * fleet.nodeType(n).gpu().scaleOutBytesPerSecond();
            }
            uplinkBytesPerSecond += podNic / fleet.oversubscriptionOfPod(pod);
        }
        Map<Integer, Integer> domainSizes = new java.util.TreeMap<>();
        for (int d = 0; d < fleet.domainCount(); d++) {
            domainSizes.merge(fleet.gpusInDomain(d), 1, Integer::sum);
        }

        Map<String, Double> pflops = new LinkedHashMap<>();
        tflops.forEach((p, sum) -> pflops.put(p.key(), round(sum / 1000.0, 1)));

        List<ModelCount> models = new ArrayList<>();
        gpusByModel.forEach((g, count) -> models.add(new ModelCount(g.id(), g.name(), count)));
        List<NodeTypeCount> types = new ArrayList<>();
        nodesByType.forEach((t, count) -> types.add(new NodeTypeCount(t.id(), t.name(), count, t.gpusPerNode())));
        List<DomainSize> domains = new ArrayList<>();
        domainSizes.forEach((size, count) -> domains.add(new DomainSize(size, count)));
        Facility facility = fleet.facility();
        List<Source> sources = facility.powerSources().stream().map(s -> new Source(s.name(), s.kind().key(),
                round(s.capacityWatts() / 1e6, 3), round(s.energyWattHours() / 1e6, 3),
                round(s.emissionKgCo2ePerMWh(), 3))).toList();
        double facilityWatts = itWatts * facility.pue();
        return new FleetSummary(fleet.name(), fleet.spec().description(), fleet.gpuCount(), models, fleet.nodeCount(),
                types, fleet.domainCount(), domains, fleet.rackCount(), fleet.podCount(), fleet.halls().size(), pflops,
                round(hbmBytes / 1e12, 1), round(nvlinkBytesPerSecond / 1e12, 1),
                round(nicBytesPerSecond * 8 / 1e12, 1), round(uplinkBytesPerSecond * 8 / 1e12, 1),
                fleet.spec().networkFabric(), round(gpuWatts / 1e6, 3), round(itWatts / 1e6, 3), facility.pue(),
                round(facilityWatts / 1e6, 3), round(facility.powerCapacityWatts() / 1e6, 3),
                round((facility.powerCapacityWatts() - facilityWatts) / 1e6, 3), sources);
    }

    /** Decimal rounding so that JSON output is stable and free of float noise like 100.00000000001. */
    private static double round(double value, int decimals) {
        return new java.math.BigDecimal(value).setScale(decimals, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }
}
