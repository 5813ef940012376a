package org.colossus.scheduler;

import java.util.Arrays;

/** GPUs held by one job: {@code gpus[i]} GPUs on node {@code nodes[i]}, nodes ascending. */
public record Allocation(int[] nodes, int[] gpus) {
    public int totalGpus() {
        int sum = 0;
        for (int g : gpus) {
            sum += g;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Allocation a && Arrays.equals(nodes, a.nodes) && Arrays.equals(gpus, a.gpus);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(nodes) + Arrays.hashCode(gpus);
    }

    @Override
    public String toString() {
        return "Allocation" + Arrays.toString(nodes) + "x" + Arrays.toString(gpus);
    }
}
