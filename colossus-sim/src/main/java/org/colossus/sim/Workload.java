package org.colossus.sim;

import java.util.List;

/**
 * Jobs to replay, in submission order (ties keep file order), held as parallel arrays so that a million jobs
 * stay a few tens of MB.
 *
 * @param tenantOf index into {@code tenants} per job
 */
public record Workload(String name, long[] ids, double[] submitSeconds, int[] gpus, double[] durationSeconds,
                       int[] tenantOf, List<String> tenants) {
    public int size() {
        return ids.length;
    }
}
