package org.colossus.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built fleet: the tree fleet → pods → racks → NVLink domains → nodes → GPUs, held as flat int
 * arrays (struct of arrays) so that 100k+ GPUs cost a few MB and every parent lookup is one array read.
 *
 * <p>Every level is numbered densely from 0 in file order, and children of one parent are contiguous,
 * so "the GPUs of node n" is the range {@code [firstGpu(n), firstGpu(n) + gpusOnNode(n))}. A GPU's id is
 * its index; its path is {@code pod-P/rack-R/node-NN/gpu-G} with P and R fleet-wide, NN within the rack
 * and G within the node. Ids and paths are stable as long as the fleet file only grows at its end.
 */
public final class Fleet {
    private final FleetSpec spec;
    private final List<String> halls;
    private final int[] podHall;
    private final double[] podOversubscription;
    private final int[] podFirstRack;      // pods + 1
    private final int[] rackPod;
    private final int[] rackFirstDomain;   // racks + 1
    private final int[] rackFirstNode;     // racks + 1
    private final int[] domainRack;
    private final int[] domainFirstNode;   // domains + 1
    private final int[] nodeDomain;
    private final int[] nodeRack;
    private final int[] nodeFirstGpu;      // nodes + 1
    private final NodeType[] nodeTypes;    // distinct types
    private final byte[] nodeTypeIndex;
    private final int[] gpuNode;
    private final Map<String, Integer> nodeByName = new java.util.HashMap<>();

    private Fleet(FleetSpec spec, Sizes s) {
        this.spec = spec;
        this.halls = new ArrayList<>();
        this.podHall = new int[s.pods];
        this.podOversubscription = new double[s.pods];
        this.podFirstRack = new int[s.pods + 1];
        this.rackPod = new int[s.racks];
        this.rackFirstDomain = new int[s.racks + 1];
        this.rackFirstNode = new int[s.racks + 1];
        this.domainRack = new int[s.domains];
        this.domainFirstNode = new int[s.domains + 1];
        this.nodeDomain = new int[s.nodes];
        this.nodeRack = new int[s.nodes];
        this.nodeFirstGpu = new int[s.nodes + 1];
        this.nodeTypeIndex = new byte[s.nodes];
        this.gpuNode = new int[s.gpus];
        Map<NodeType, Integer> typeIndex = new LinkedHashMap<>();

        int pod = 0, rack = 0, domain = 0, node = 0, gpu = 0;
        for (PodGroup pg : spec.podGroups()) {
            int hall = halls.indexOf(pg.hall());
            if (hall < 0) {
                halls.add(pg.hall());
                hall = halls.size() - 1;
            }
            for (int p = 0; p < pg.count(); p++, pod++) {
                podHall[pod] = hall;
                podOversubscription[pod] = pg.oversubscription();
                podFirstRack[pod] = rack;
                for (RackGroup rg : pg.rackGroups()) {
                    NodeType type = rg.nodeType();
                    int t = typeIndex.computeIfAbsent(type, k -> typeIndex.size());
                    int perNode = type.gpusPerNode();
                    int perDomain = type.nodesPerNvlinkDomain();
                    for (int r = 0; r < rg.count(); r++, rack++) {
                        rackPod[rack] = pod;
                        rackFirstDomain[rack] = domain;
                        rackFirstNode[rack] = node;
                        for (int n = 0; n < rg.nodesPerRack(); n++, node++) {
                            if (n % perDomain == 0) {
                                domainRack[domain] = rack;
                                domainFirstNode[domain] = node;
                                domain++;
                            }
                            nodeDomain[node] = domain - 1;
                            nodeRack[node] = rack;
                            nodeTypeIndex[node] = (byte) t;
                            nodeFirstGpu[node] = gpu;
                            for (int g = 0; g < perNode; g++, gpu++) {
                                gpuNode[gpu] = node;
                            }
                        }
                    }
                }
            }
        }
        podFirstRack[pod] = rack;
        rackFirstDomain[rack] = domain;
        rackFirstNode[rack] = node;
        domainFirstNode[domain] = node;
        nodeFirstGpu[node] = gpu;
        this.nodeTypes = typeIndex.keySet().toArray(NodeType[]::new);
        for (int n = 0; n < spec.nodeNames().size(); n++) {
            nodeByName.put(spec.nodeNames().get(n), n);
        }
    }

    private record Sizes(int pods, int racks, int domains, int nodes, int gpus) {
    }

    /** Builds the topology; the spec's shapes were checked by {@link FleetLoader} or the records. */
    public static Fleet build(FleetSpec spec) {
        long pods = 0, racks = 0, domains = 0, nodes = 0, gpus = 0;
        java.util.Set<NodeType> types = new java.util.HashSet<>();
        for (PodGroup pg : spec.podGroups()) {
            pods += pg.count();
            for (RackGroup rg : pg.rackGroups()) {
                types.add(rg.nodeType());
                long r = (long) pg.count() * rg.count();
                racks += r;
                domains += r * (rg.nodesPerRack() / rg.nodeType().nodesPerNvlinkDomain());
                nodes += r * rg.nodesPerRack();
                gpus += r * rg.gpusPerRack();
            }
        }
        if (gpus > FleetLoader.MAX_GPUS) {
            throw new FleetException("fleet '" + spec.name() + "' has " + gpus + " GPUs; at most "
                    + FleetLoader.MAX_GPUS + " are supported");
        }
        if (types.size() > Byte.MAX_VALUE) {
            throw new FleetException("fleet '" + spec.name() + "' uses " + types.size()
                    + " node types; at most " + Byte.MAX_VALUE + " are supported");
        }
        return new Fleet(spec, new Sizes((int) pods, (int) racks, (int) domains, (int) nodes, (int) gpus));
    }

    /** Whether every node has a cluster manager's name ({@link FleetSpec#nodeNames()}). */
    public boolean hasNodeNames() {
        return !spec.nodeNames().isEmpty();
    }

    /** The node's name in the cluster manager; requires {@link #hasNodeNames()}. */
    public String nodeName(int node) {
        return spec.nodeNames().get(node);
    }

    /** The node of that cluster-manager name, or -1. */
    public int nodeNamed(String name) {
        Integer n = nodeByName.get(name);
        return n == null ? -1 : n;
    }

    public FleetSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Facility facility() {
        return spec.facility();
    }

    public int gpuCount() {
        return gpuNode.length;
    }

    public int nodeCount() {
        return nodeDomain.length;
    }

    public int domainCount() {
        return domainRack.length;
    }

    public int rackCount() {
        return rackPod.length;
    }

    public int podCount() {
        return podHall.length;
    }

    public List<String> halls() {
        return List.copyOf(halls);
    }

    /** The distinct node types of this fleet, in order of first appearance. */
    public List<NodeType> nodeTypes() {
        return List.of(nodeTypes);
    }

    // --- parents (one array read each) ---

    public int nodeOfGpu(int gpu) {
        return gpuNode[gpu];
    }

    public int domainOfNode(int node) {
        return nodeDomain[node];
    }

    public int rackOfNode(int node) {
        return nodeRack[node];
    }

    public int rackOfDomain(int domain) {
        return domainRack[domain];
    }

    public int podOfRack(int rack) {
        return rackPod[rack];
    }

    public String hallOfPod(int pod) {
        return halls.get(podHall[pod]);
    }

    public double oversubscriptionOfPod(int pod) {
        return podOversubscription[pod];
    }

    public NodeType nodeType(int node) {
        return nodeTypes[nodeTypeIndex[node]];
    }

    public GpuModel gpuModel(int gpu) {
        return nodeType(gpuNode[gpu]).gpu();
    }

    // --- children (contiguous ranges) ---

    public int firstGpu(int node) {
        return nodeFirstGpu[node];
    }

    public int gpusOnNode(int node) {
        return nodeFirstGpu[node + 1] - nodeFirstGpu[node];
    }

    public int firstNodeOfDomain(int domain) {
        return domainFirstNode[domain];
    }

    public int nodesInDomain(int domain) {
        return domainFirstNode[domain + 1] - domainFirstNode[domain];
    }

    public int gpusInDomain(int domain) {
        return nodeFirstGpu[domainFirstNode[domain + 1]] - nodeFirstGpu[domainFirstNode[domain]];
    }

    public int firstNodeOfRack(int rack) {
        return rackFirstNode[rack];
    }

    public int nodesInRack(int rack) {
        return rackFirstNode[rack + 1] - rackFirstNode[rack];
    }

    public int firstDomainOfRack(int rack) {
        return rackFirstDomain[rack];
    }

    public int domainsInRack(int rack) {
        return rackFirstDomain[rack + 1] - rackFirstDomain[rack];
    }

    public int firstRackOfPod(int pod) {
        return podFirstRack[pod];
    }

    public int racksInPod(int pod) {
        return podFirstRack[pod + 1] - podFirstRack[pod];
    }

    public int gpusInPod(int pod) {
        return nodeFirstGpu[rackFirstNode[podFirstRack[pod + 1]]] - nodeFirstGpu[rackFirstNode[podFirstRack[pod]]];
    }

    // --- names ---

    public String podPath(int pod) {
        return "pod-" + pod;
    }

    public String rackPath(int rack) {
        return podPath(rackPod[rack]) + "/rack-" + rack;
    }

    /** NVLink domains are named within their rack: {@code pod-0/rack-3/nvl-0}. */
    public String domainPath(int domain) {
        int rack = domainRack[domain];
        return rackPath(rack) + "/nvl-" + (domain - rackFirstDomain[rack]);
    }

    public String nodePath(int node) {
        int rack = nodeRack[node];
        int local = node - rackFirstNode[rack];
        return rackPath(rack) + (local < 10 ? "/node-0" : "/node-") + local;
    }

    public String gpuPath(int gpu) {
        int node = gpuNode[gpu];
        return nodePath(node) + "/gpu-" + (gpu - nodeFirstGpu[node]);
    }

    /**
     * The id of the GPU at a canonical path such as {@code pod-3/rack-17/node-05/gpu-2}; O(1).
     *
     * @throws FleetException naming the path and what is wrong with it
     */
    public int gpuId(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length != 4) {
            throw new FleetException("GPU path '" + path + "': expected pod-P/rack-R/node-NN/gpu-G");
        }
        int pod = number(path, parts[0], "pod-", podCount());
        int rack = number(path, parts[1], "rack-", rackCount());
        if (rackPod[rack] != pod) {
            throw new FleetException("GPU path '" + path + "': rack-" + rack + " is in pod-" + rackPod[rack]
                    + ", not pod-" + pod);
        }
        int node = rackFirstNode[rack] + number(path, parts[2], "node-", nodesInRack(rack));
        int gpu = nodeFirstGpu[node] + number(path, parts[3], "gpu-", gpusOnNode(node));
        if (!gpuPath(gpu).equals(path)) {
            throw new FleetException("GPU path '" + path + "': not canonical; the GPU's path is " + gpuPath(gpu));
        }
        return gpu;
    }

    private static int number(String path, String part, String prefix, int limit) {
        if (!part.startsWith(prefix) || part.length() == prefix.length() || part.length() > prefix.length() + 9) {
            throw new FleetException("GPU path '" + path + "': expected '" + prefix + "<number>' but got '" + part + "'");
        }
        int value = 0;
        for (int i = prefix.length(); i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                throw new FleetException("GPU path '" + path + "': expected '" + prefix + "<number>' but got '" + part + "'");
            }
            value = value * 10 + (c - '0');
        }
        if (value >= limit) {
            throw new FleetException("GPU path '" + path + "': " + part + " does not exist (there are " + limit + ")");
        }
        return value;
    }
}
