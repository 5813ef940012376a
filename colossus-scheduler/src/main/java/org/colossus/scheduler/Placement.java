package org.colossus.scheduler;

import java.util.List;

/**
 * Where a job's GPUs go. Every placement applies the same filters (enough free GPUs on the node; the node's
 * isolation unit free or held by the same tenant) and differs in its weighers (which eligible nodes it prefers).
 * A job that fits on one node goes on one node; a larger job is a gang of whole nodes. Returns {@code null} when
 * the job cannot be placed now.
 */
public interface Placement {
    String name();

    Allocation place(ClusterState state, int gpus, int tenant);

    /** Placements by name, for configuration files and the command line. */
    static Placement named(String name) {
        return switch (name) {
            case "first-fit" -> new FirstFitPlacement();
            case "best-fit" -> new BestFitPlacement();
            case "topology" -> new TopologyPlacement();
            default -> throw new SchedulerException("unknown placement '" + name + "'; expected one of: "
                    + String.join(", ", names()));
        };
    }

    static List<String> names() {
        return List.of("first-fit", "best-fit", "topology");
    }
}
