package org.colossus.fleet;

import java.util.List;

/**
 * {@code count} identical network pods (scale-out blocks) in one data hall.
 *
 * @param oversubscription ratio of a pod's GPU-facing bandwidth to its uplink bandwidth (1 = non-blocking)
 */
public record PodGroup(int count, String hall, double oversubscription, List<RackGroup> rackGroups) {
    public PodGroup {
        rackGroups = List.copyOf(rackGroups);
        if (count < 1 || oversubscription < 1 || rackGroups.isEmpty()) {
            throw new IllegalArgumentException("pod group: count >= 1, oversubscription >= 1, at least one rack group");
        }
    }
}
