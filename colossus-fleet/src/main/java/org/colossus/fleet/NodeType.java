package org.colossus.fleet;

import java.util.Map;
import java.util.Objects;

/**
 * What a scheduler places and a failure takes down: an 8-GPU HGX server, or one 4-GPU compute tray
 * of an NVL72 rack. {@code nodesPerNvlinkDomain} nodes share one NVLink domain.
 *
 * @param maxPowerWatts peak draw at the wall, including the node's share of rack switch trays
 */
public record NodeType(
        String id,
        String name,
        GpuModel gpu,
        int gpusPerNode,
        int nodesPerNvlinkDomain,
        String cpu,
        double maxPowerWatts,
        Map<String, String> sources) {

    public NodeType {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(gpu, "gpu");
        if (gpusPerNode < 1 || nodesPerNvlinkDomain < 1) {
            throw new IllegalArgumentException("node type " + id + ": counts must be positive");
        }
        sources = Map.copyOf(sources);
    }

    public int gpusPerNvlinkDomain() {
        return gpusPerNode * nodesPerNvlinkDomain;
    }
}
