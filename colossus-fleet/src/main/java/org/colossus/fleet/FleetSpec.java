package org.colossus.fleet;

import java.util.List;

/** A fleet as written in its YAML file: what {@link Fleet#build} turns into a topology. */
public record FleetSpec(String name, String description, Facility facility, String networkFabric,
                        List<PodGroup> podGroups) {
    public FleetSpec {
        podGroups = List.copyOf(podGroups);
    }
}
