package org.colossus.fleet;

import java.util.List;

/**
 * A fleet as written in its YAML file: what {@link Fleet#build} turns into a topology.
 *
 * @param nodeNames each node's name in the cluster manager that runs it (a Slurm node name), in node-id order; empty
 *                  when the fleet is not bound to one (the embedded data plane needs none)
 */
public record FleetSpec(String name, String description, Facility facility, String networkFabric,
                        List<PodGroup> podGroups, List<String> nodeNames) {
    public FleetSpec {
        podGroups = List.copyOf(podGroups);
        nodeNames = List.copyOf(nodeNames);
    }

    public FleetSpec(String name, String description, Facility facility, String networkFabric,
                     List<PodGroup> podGroups) {
        this(name, description, facility, networkFabric, podGroups, List.of());
    }
}
