package org.colossus.scheduler;

/** What the scheduler core decides; the driver (simulator or live data plane) carries it out. */
public sealed interface Decision {
    long jobId();

    /** Start the job on these GPUs: {@code gpusPerNode[i]} GPUs of node {@code nodes[i]}. */
    record Place(long jobId, Allocation allocation) implements Decision {
    }
}
