package org.colossus.fleet;

import java.util.Objects;

/** {@code count} identical racks of {@code nodesPerRack} nodes of one type. */
public record RackGroup(int count, NodeType nodeType, int nodesPerRack) {
    public RackGroup {
        Objects.requireNonNull(nodeType, "nodeType");
        if (count < 1 || nodesPerRack < 1 || nodesPerRack % nodeType.nodesPerNvlinkDomain() != 0) {
            throw new IllegalArgumentException("rack group: count " + count + " and nodesPerRack " + nodesPerRack
                    + " must be positive, nodesPerRack a multiple of " + nodeType.nodesPerNvlinkDomain());
        }
    }

    public int gpusPerRack() {
        return nodesPerRack * nodeType.gpusPerNode();
    }
}
