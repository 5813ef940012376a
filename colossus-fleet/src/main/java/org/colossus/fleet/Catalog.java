package org.colossus.fleet;

import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.colossus.fleet.config.Resources;
import org.colossus.fleet.config.Unit;
import org.colossus.fleet.config.YamlNode;

/**
 * The hardware catalog: GPU models, node types and NICs, each figure with its source. The standard
 * catalog ships as {@code catalog.yaml} in this module; {@link #parse} reads any file of that format.
 */
public final class Catalog {
    private static final String RESOURCE = "catalog.yaml";

    private final Map<String, String> references;
    private final Map<String, GpuModel> gpus;
    private final Map<String, NodeType> nodeTypes;
    private final Map<String, Nic> nics;

    private Catalog(Map<String, String> references, Map<String, GpuModel> gpus, Map<String, NodeType> nodeTypes,
                    Map<String, Nic> nics) {
        this.references = references;
        this.gpus = gpus;
        this.nodeTypes = nodeTypes;
        this.nics = nics;
    }

    private static final class Standard {
        static final Catalog INSTANCE = load();

        private static Catalog load() {
            return parse(RESOURCE, Resources.text(Catalog.class, RESOURCE, FleetException::new));
        }
    }

    /** The catalog shipped with Colossus. */
    public static Catalog standard() {
        return Standard.INSTANCE;
    }

    public static Catalog parse(String file, String yamlText) {
        YamlNode root = YamlNode.parse(file, yamlText).allowOnly("references", "gpus", "nodeTypes", "nics");
        Map<String, String> references = new LinkedHashMap<>();
        root.get("references").entries().forEach((key, value) -> references.put(key, value.text()));

        Map<String, GpuModel> gpus = new LinkedHashMap<>();
        for (YamlNode g : root.get("gpus").nonEmptyList()) {
            GpuModel gpu = readGpu(g, references);
            if (gpus.putIfAbsent(gpu.id(), gpu) != null) {
                throw g.get("id").fail("duplicate GPU id; each GPU model needs its own id");
            }
        }
        Map<String, NodeType> nodeTypes = new LinkedHashMap<>();
        for (YamlNode n : root.get("nodeTypes").nonEmptyList()) {
            NodeType type = readNodeType(n, gpus, references);
            if (nodeTypes.putIfAbsent(type.id(), type) != null) {
                throw n.get("id").fail("duplicate node type id; each node type needs its own id");
            }
        }
        Map<String, Nic> nics = new LinkedHashMap<>();
        for (YamlNode n : root.find("nics").map(YamlNode::list).orElse(List.of())) {
            n.allowOnly("id", "name", "bandwidth", "sources");
            Nic nic = new Nic(n.get("id").name(), n.get("name").text(), n.get("bandwidth").positiveQuantity(Unit.DATA_RATE),
                    readSources(n, List.of("bandwidth"), references));
            if (nics.putIfAbsent(nic.id(), nic) != null) {
                throw n.get("id").fail("duplicate NIC id");
            }
        }
        return new Catalog(Map.copyOf(references), unmodifiable(gpus), unmodifiable(nodeTypes), unmodifiable(nics));
    }

    private static <V> Map<String, V> unmodifiable(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(map);
    }

    private static GpuModel readGpu(YamlNode g, Map<String, String> references) {
        g.allowOnly("id", "name", "architecture", "formFactor", "denseTflops", "hbm", "hbmBandwidth",
                "nvlinkBandwidth", "nvlinkDomainGpus", "scaleOutBandwidth", "nic", "tdp", "sources", "notes");
        Map<Precision, Double> tflops = new EnumMap<>(Precision.class);
        YamlNode rates = g.get("denseTflops");
        rates.allowOnly(java.util.Arrays.stream(Precision.values()).map(Precision::key).toArray(String[]::new));
        for (Precision p : Precision.values()) {
            rates.find(p.key()).ifPresent(v -> {
                double value = v.numberAtLeast(0);
                if (value <= 0) {
                    throw v.fail("expected a peak rate greater than zero (leave the precision out if the GPU has none)");
                }
                tflops.put(p, value);
            });
        }
        if (!tflops.containsKey(Precision.BF16)) {
            throw rates.fail("expected at least a bf16 rate (training runs in BF16 or lower)");
        }
        List<String> figures = new java.util.ArrayList<>();
        tflops.keySet().forEach(p -> figures.add(p.key()));
        figures.addAll(List.of("hbm", "hbmBandwidth", "nvlinkBandwidth", "nvlinkDomainGpus", "scaleOutBandwidth", "tdp"));
        return new GpuModel(
                g.get("id").name(),
                g.get("name").text(),
                g.get("architecture").name(),
                g.find("formFactor").map(YamlNode::text).orElse(""),
                tflops,
                g.get("hbm").positiveQuantity(Unit.DATA_SIZE),
                g.get("hbmBandwidth").positiveQuantity(Unit.DATA_RATE),
                g.get("nvlinkBandwidth").positiveQuantity(Unit.DATA_RATE),
                g.get("nvlinkDomainGpus").intAtLeast(1),
                g.get("scaleOutBandwidth").positiveQuantity(Unit.DATA_RATE),
                g.find("nic").map(YamlNode::text).orElse(""),
                g.get("tdp").positiveQuantity(Unit.POWER),
                readSources(g, figures, references),
                g.find("notes").map(YamlNode::text).orElse(""));
    }

    private static NodeType readNodeType(YamlNode n, Map<String, GpuModel> gpus, Map<String, String> references) {
        n.allowOnly("id", "name", "gpu", "gpusPerNode", "nodesPerNvlinkDomain", "cpu", "maxPower", "sources");
        YamlNode gpuKey = n.get("gpu");
        GpuModel gpu = gpus.get(gpuKey.text());
        if (gpu == null) {
            throw gpuKey.fail("unknown GPU model; expected one of: " + String.join(", ", gpus.keySet()));
        }
        YamlNode perNode = n.get("gpusPerNode");
        YamlNode perDomain = n.get("nodesPerNvlinkDomain");
        NodeType type = new NodeType(n.get("id").name(), n.get("name").text(), gpu, perNode.intAtLeast(1),
                perDomain.intAtLeast(1), n.find("cpu").map(YamlNode::text).orElse(""),
                n.get("maxPower").positiveQuantity(Unit.POWER), readSources(n, List.of("maxPower"), references));
        if (type.gpusPerNvlinkDomain() != gpu.nvlinkDomainGpus()) {
            throw perDomain.fail("gpusPerNode x nodesPerNvlinkDomain = " + type.gpusPerNvlinkDomain()
                    + " GPUs, but an NVLink domain of " + gpu.id() + " has " + gpu.nvlinkDomainGpus() + " GPUs");
        }
        if (type.maxPowerWatts() < type.gpusPerNode() * gpu.tdpWatts()) {
            throw n.get("maxPower").fail("expected at least the GPUs' own TDP ("
                    + type.gpusPerNode() + " x " + gpu.tdpWatts() + " W)");
        }
        return type;
    }

    /** Every figure must cite a reference that exists; the map holds figure key → citation text. */
    private static Map<String, String> readSources(YamlNode entry, List<String> figures, Map<String, String> references) {
        YamlNode sources = entry.get("sources");
        Map<String, YamlNode> given = sources.entries();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String figure : figures) {
            YamlNode ref = given.get(figure);
            if (ref == null) {
                throw new FleetException(entry.file() + ": " + sources.path() + "." + figure
                        + ": missing; every figure needs a source (a key of 'references')");
            }
            String citation = references.get(ref.text());
            if (citation == null) {
                throw ref.fail("unknown reference; expected a key of 'references'");
            }
            resolved.put(figure, citation);
        }
        for (var e : given.entrySet()) {
            if (!figures.contains(e.getKey())) {
                throw e.getValue().fail("source for a figure this entry does not have; expected one of: "
                        + String.join(", ", figures));
            }
        }
        return resolved;
    }

    public Collection<GpuModel> gpus() {
        return gpus.values();
    }

    public Collection<NodeType> nodeTypes() {
        return nodeTypes.values();
    }

    public Collection<Nic> nics() {
        return nics.values();
    }

    public Map<String, String> references() {
        return references;
    }

    public Optional<GpuModel> gpu(String id) {
        return Optional.ofNullable(gpus.get(id));
    }

    public Optional<NodeType> nodeType(String id) {
        return Optional.ofNullable(nodeTypes.get(id));
    }

    /**
     * The GPU model with this id or name (case-insensitive), or the one whose id starts with it
     * ({@code H100} → {@code h100-sxm-80gb}); otherwise a clear error listing the ids.
     */
    public GpuModel requireGpu(String idOrName) {
        GpuModel byId = gpus.get(idOrName);
        if (byId != null) {
            return byId;
        }
        for (GpuModel g : gpus.values()) {
            if (g.id().equalsIgnoreCase(idOrName) || g.name().equalsIgnoreCase(idOrName)) {
                return g;
            }
        }
        String prefix = idOrName.toLowerCase(java.util.Locale.ROOT);
        List<GpuModel> matches = gpus.values().stream().filter(g -> g.id().startsWith(prefix)).toList();
        if (matches.size() == 1 && !prefix.isEmpty()) {
            return matches.get(0);
        }
        throw new FleetException("unknown GPU model '" + idOrName + "'; expected one of: "
                + String.join(", ", gpus.keySet()));
    }
}
