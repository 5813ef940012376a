package org.colossus.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.colossus.fleet.config.Unit;
import org.colossus.fleet.config.YamlNode;

/**
 * Reads fleet files (format: docs/fleet-format.md) into a {@link FleetSpec}. Every rejection names
 * the file, the key path, the value and what was expected; nothing is half-read.
 */
public final class FleetLoader {
    /** Ids are Java ints and per-GPU arrays must stay small: 16.7M GPUs is 160x the largest fleet today. */
    public static final long MAX_GPUS = 1L << 24;

    private final Catalog catalog;

    public FleetLoader(Catalog catalog) {
        this.catalog = catalog;
    }

    public FleetSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FleetException(file + ": no such file");
        } catch (IOException e) {
            throw new FleetException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    public FleetSpec parse(String file, String yamlText) {
        YamlNode root = YamlNode.parse(file, yamlText).allowOnly("name", "description", "facility", "network", "pods", "nodeNames");
        String name = root.get("name").name();
        String description = root.find("description").map(YamlNode::text).orElse("");
        Facility facility = readFacility(root.get("facility"));
        String fabric = root.find("network").map(n -> {
            n.allowOnly("fabric");
            return n.find("fabric").map(YamlNode::text).orElse("");
        }).orElse("");

        List<PodGroup> pods = new ArrayList<>();
        long gpus = 0;
        for (YamlNode p : root.get("pods").nonEmptyList()) {
            p.allowOnly("count", "hall", "oversubscription", "racks");
            int podCount = p.get("count").intAtLeast(1);
            String hall = p.find("hall").map(YamlNode::name).orElse("hall-0");
            double oversubscription = p.find("oversubscription").map(n -> n.numberAtLeast(1)).orElse(1.0);
            List<RackGroup> racks = new ArrayList<>();
            for (YamlNode r : p.get("racks").nonEmptyList()) {
                RackGroup group = readRackGroup(r);
                racks.add(group);
                gpus += (long) podCount * group.count() * group.gpusPerRack();
                if (gpus > MAX_GPUS) {
                    throw r.fail("the fleet grows past " + MAX_GPUS + " GPUs here; at most " + MAX_GPUS
                            + " GPUs are supported in one fleet");
                }
            }
            pods.add(new PodGroup(podCount, hall, oversubscription, racks));
        }
        return new FleetSpec(name, description, facility, fabric, pods, readNodeNames(root, pods));
    }

    /** A node name as Slurm and hostnames allow: letters, digits, '.', '_' and '-', at most 64 characters. */
    private static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static List<String> readNodeNames(YamlNode root, List<PodGroup> pods) {
        if (!root.has("nodeNames")) {
            return List.of();
        }
        YamlNode list = root.get("nodeNames");
        long nodes = 0;
        for (PodGroup p : pods) {
            for (RackGroup r : p.rackGroups()) {
                nodes += (long) p.count() * r.count() * r.nodesPerRack();
            }
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode n : list.nonEmptyList()) {
            String name = n.text();
            if (!NODE_NAME.matcher(name).matches()) {
                throw n.fail("expected a node name of letters, digits, '.', '_' and '-' (at most 64 characters)");
            }
            if (!seen.add(name)) {
                throw n.fail("duplicate node name");
            }
            names.add(name);
        }
        if (names.size() != nodes) {
            throw list.fail(names.size() + " node names for " + nodes + " nodes; expected one name per node, in node order");
        }
        return names;
    }

    private RackGroup readRackGroup(YamlNode r) {
        r.allowOnly("count", "nodeType", "nodesPerRack", "gpusPerRack");
        int count = r.get("count").intAtLeast(1);
        YamlNode typeKey = r.get("nodeType");
        NodeType type = catalog.nodeType(typeKey.text()).orElseThrow(() -> typeKey.fail(
                "unknown node type; expected one of: " + String.join(", ",
                        catalog.nodeTypes().stream().map(NodeType::id).toList())));
        int domainNodes = type.nodesPerNvlinkDomain();
        int domainGpus = type.gpusPerNvlinkDomain();
        Integer nodesPerRack = null;
        if (r.has("nodesPerRack")) {
            YamlNode n = r.get("nodesPerRack");
            nodesPerRack = n.intAtLeast(1);
            if (nodesPerRack % domainNodes != 0) {
                throw n.fail("expected a whole number of NVLink domains of node type " + type.id()
                        + " (" + domainNodes + " nodes each)");
            }
        }
        if (r.has("gpusPerRack")) {
            YamlNode g = r.get("gpusPerRack");
            int gpusPerRack = g.intAtLeast(1);
            if (gpusPerRack % domainGpus != 0) {
                throw g.fail("expected a whole number of NVLink domains of node type " + type.id()
                        + " (" + domainGpus + " GPUs each)");
            }
            int nodes = gpusPerRack / type.gpusPerNode();
            if (nodesPerRack != null && nodesPerRack != nodes) {
                throw g.fail("disagrees with nodesPerRack = " + nodesPerRack + " (" + nodesPerRack * type.gpusPerNode()
                        + " GPUs of node type " + type.id() + "); give one of the two");
            }
            nodesPerRack = nodes;
        }
        if (nodesPerRack == null) {
            nodesPerRack = domainNodes;
        }
        return new RackGroup(count, type, nodesPerRack);
    }

    private static Facility readFacility(YamlNode f) {
        f.allowOnly("site", "powerCapacity", "pue", "powerSources");
        List<PowerSource> sources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode s : f.find("powerSources").map(YamlNode::list).orElse(List.of())) {
            s.allowOnly("name", "kind", "capacity", "energy", "emissionFactor");
            YamlNode nameNode = s.get("name");
            String name = nameNode.name();
            if (!names.add(name)) {
                throw nameNode.fail("duplicate power source name");
            }
            YamlNode kindNode = s.get("kind");
            PowerSourceKind kind = null;
            for (PowerSourceKind k : PowerSourceKind.values()) {
                if (k.key().equals(kindNode.text())) {
                    kind = k;
                }
            }
            if (kind == null) {
                throw kindNode.fail("unknown power source kind; expected one of: " + String.join(", ",
                        java.util.Arrays.stream(PowerSourceKind.values()).map(PowerSourceKind::key).toList()));
            }
            double energy = 0;
            if (kind == PowerSourceKind.BATTERY) {
                energy = s.get("energy").positiveQuantity(Unit.ENERGY);
            } else if (s.has("energy")) {
                throw s.get("energy").fail("only a battery stores energy; remove this key or set kind: battery");
            }
            sources.add(new PowerSource(name, kind, s.get("capacity").positiveQuantity(Unit.POWER), energy,
                    s.get("emissionFactor").quantity(Unit.EMISSION_FACTOR)));
        }
        return new Facility(f.find("site").map(YamlNode::text).orElse(""),
                f.get("powerCapacity").positiveQuantity(Unit.POWER),
                f.get("pue").numberBetween(1.0, 3.0), sources);
    }
}
