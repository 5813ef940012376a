package org.colossus.server.dataplane.slurm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.NodeType;
import org.colossus.server.error.ServerException;

/**
 * Reads a Slurm cluster (nodes with their GPU GRES, the switch tree of topology.conf) into a fleet file
 * (docs/fleet-format.md) whose {@code nodeNames} map Colossus node ids to Slurm node names. Each top-level switch
 * becomes a pod, each leaf switch under it a rack; without a topology the whole cluster is one pod with one rack per
 * node type. The output is the same for the same cluster (nodes sorted within a leaf, leaves and pods by name).
 */
public final class SlurmFleetImport {
    private static final Pattern GPU_GRES = Pattern.compile("(?:^|,)gpu:([A-Za-z0-9_.-]+):(\\d+)");
    private static final Pattern FLEET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    /**
     * @param name the fleet's name
     * @param partition only nodes of this partition, or null for all
     * @param nodeTypes GRES type (h100) to catalog node type id (hgx-h100) where the default guess is wrong
     * @param pue the facility's PUE to record
     */
    public record Options(String name, String partition, Map<String, String> nodeTypes, double pue) {
        public Options {
            if (name == null || !FLEET_NAME.matcher(name).matches()) {
                throw new ServerException("--name " + name + ": expected 1-63 of a-z, 0-9, '.', '_', '-'");
            }
            if (!(pue >= 1.0 && pue <= 3.0)) {
                throw new ServerException("--pue " + pue + ": expected 1.0 to 3.0");
            }
            nodeTypes = Map.copyOf(nodeTypes);
        }
    }

    private SlurmFleetImport() {
    }

    /** The fleet file's YAML text. */
    public static String fleetYaml(Slurm slurm, Catalog catalog, Options options) {
        Map<String, NodeType> typeOf = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Slurm.Node n : slurm.nodes()) {
            if (options.partition() != null && !n.partitions().contains(options.partition())) {
                continue;
            }
            Matcher m = GPU_GRES.matcher(n.gres());
            if (!m.find()) {
                skipped.add(n.name());
                continue;
            }
            typeOf.put(n.name(), nodeType(catalog, options, n.name(), m.group(1), Integer.parseInt(m.group(2))));
        }
        if (typeOf.isEmpty()) {
            throw new ServerException("no node with typed GPU GRES (gpu:TYPE:COUNT)" + (options.partition() == null ? ""
                    : " in partition " + options.partition()) + "; nodes without: " + skipped);
        }
        List<Slurm.Switch> switches = slurm.topology();
        List<List<List<String>>> pods = pods(switches, typeOf.keySet());
        StringBuilder y = new StringBuilder();
        y.append("# Imported from Slurm by colossus fleet import slurm: ").append(typeOf.size()).append(" GPU nodes");
        if (!skipped.isEmpty()) {
            y.append(" (").append(skipped.size()).append(" without GPUs left out)");
        }
        y.append(".\n# Pods are top-level switches of topology.conf, racks its leaf switches.\n");
        y.append("name: ").append(options.name()).append('\n');
        y.append("description: Slurm cluster, ").append(typeOf.size()).append(" GPU nodes\n");
        double watts = 0;
        for (NodeType t : typeOf.values()) {
            watts += t.maxPowerWatts();
        }
        y.append("facility:\n  powerCapacity: ").append(Math.max(1, (long) Math.ceil(watts * options.pue() / 1000)))
                .append(" kW\n  pue: ").append(options.pue()).append('\n');
        y.append("pods:\n");
        List<String> names = new ArrayList<>();
        for (List<List<String>> pod : pods) {
            y.append("  - count: 1\n    racks:\n");
            for (List<String> leaf : pod) {
                // A leaf with several node types is several racks: each rack group is of one type.
                Map<NodeType, List<String>> byType = new LinkedHashMap<>();
                for (String node : leaf) {
                    byType.computeIfAbsent(typeOf.get(node), k -> new ArrayList<>()).add(node);
                }
                for (Map.Entry<NodeType, List<String>> e : byType.entrySet()) {
                    NodeType t = e.getKey();
                    if (e.getValue().size() % t.nodesPerNvlinkDomain() != 0) {
                        throw new ServerException("switch leaf with nodes " + e.getValue() + ": " + e.getValue().size()
                                + " nodes of type " + t.id() + " are not whole NVLink domains of "
                                + t.nodesPerNvlinkDomain() + " nodes");
                    }
                    y.append("      - count: 1\n        nodeType: ").append(t.id()).append("\n        nodesPerRack: ")
                            .append(e.getValue().size()).append('\n');
                    names.addAll(e.getValue());
                }
            }
        }
        y.append("nodeNames:\n");
        for (String n : names) {
            y.append("  - ").append(n).append('\n');
        }
        return y.toString();
    }

    private static NodeType nodeType(Catalog catalog, Options options, String node, String gresType, int gpus) {
        String wanted = options.nodeTypes().get(gresType);
        List<NodeType> matches = new ArrayList<>();
        for (NodeType t : catalog.nodeTypes()) {
            if (wanted != null ? t.id().equals(wanted)
                    : t.gpu().id().toLowerCase(Locale.ROOT).startsWith(gresType.toLowerCase(Locale.ROOT))
                    && t.gpusPerNode() == gpus) {
                matches.add(t);
            }
        }
        if (matches.size() != 1) {
            throw new ServerException("node " + node + " has GRES gpu:" + gresType + ":" + gpus + ", which matches "
                    + (matches.isEmpty() ? "no" : matches.size()) + " node types of the catalog"
                    + (matches.isEmpty() ? "" : " " + matches.stream().map(NodeType::id).toList())
                    + "; name one with --node-type " + gresType + "=ID (colossus fleet catalog lists them)");
        }
        NodeType t = matches.get(0);
        if (t.gpusPerNode() != gpus) {
            throw new ServerException("node " + node + " has " + gpus + " GPUs; node type " + t.id() + " has "
                    + t.gpusPerNode());
        }
        return t;
    }

    /** Pods of leaves of node names, from the switch tree; nodes outside it form one more pod. */
    static List<List<List<String>>> pods(List<Slurm.Switch> switches, Set<String> gpuNodes) {
        Map<String, Slurm.Switch> byName = new HashMap<>();
        Set<String> children = new HashSet<>();
        for (Slurm.Switch s : switches) {
            byName.put(s.name(), s);
            children.addAll(s.switches());
        }
        List<List<List<String>>> pods = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        List<Slurm.Switch> tops = switches.stream().filter(s -> !children.contains(s.name()))
                .sorted(java.util.Comparator.comparing(Slurm.Switch::name)).toList();
        for (Slurm.Switch top : tops) {
            List<List<String>> leaves = new ArrayList<>();
            collectLeaves(top, byName, leaves, gpuNodes, placed, new HashSet<>());
            if (!leaves.isEmpty()) {
                pods.add(leaves);
            }
        }
        List<String> rest = gpuNodes.stream().filter(n -> !placed.contains(n)).sorted().toList();
        if (!rest.isEmpty()) {
            pods.add(List.of(rest));
        }
        return pods;
    }

    private static void collectLeaves(Slurm.Switch s, Map<String, Slurm.Switch> byName, List<List<String>> out,
                                      Set<String> gpuNodes, Set<String> placed, Set<String> seen) {
        if (!seen.add(s.name())) {
            return;
        }
        if (s.switches().isEmpty()) {
            List<String> leaf = s.nodes().stream().filter(gpuNodes::contains).filter(placed::add).sorted().toList();
            if (!leaf.isEmpty()) {
                out.add(leaf);
            }
            return;
        }
        for (String child : s.switches().stream().sorted().toList()) {
            Slurm.Switch c = byName.get(child);
            if (c != null) {
                collectLeaves(c, byName, out, gpuNodes, placed, seen);
            }
        }
    }
}
