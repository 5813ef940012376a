package org.colossus.server.dataplane.slurm;

import java.util.List;
import java.util.Map;

/**
 * The calls the Slurm data plane makes to a Slurm cluster. {@link SlurmCommands} makes them with Slurm's own
 * commands; every call may throw {@link SlurmException}.
 */
public interface Slurm {
    /**
     * One batch job pinned to {@code nodes}.
     *
     * @param name what squeue shows as the job's name
     * @param comment what squeue shows as its comment (the data plane finds its jobs again by it)
     * @param script the batch script (starts with #!)
     * @param env the job's environment, exported to it; nothing of the submitting process's own environment leaks
     * @param timeLimitSeconds 0 for none (the partition's limit)
     * @param workdir null for Slurm's default
     * @param cpusPerGpu, memoryPerGpuMb a partial node's share of CPUs and memory (0: Slurm's default); a job
     *                    without them would take the whole node's memory and keep others off it
     */
    record Submission(String name, String comment, List<String> nodes, int gpusPerNode, boolean exclusive,
                      String script, Map<String, String> env, long timeLimitSeconds, String workdir, String output,
                      int cpusPerGpu, long memoryPerGpuMb) {
    }

    /**
     * A job as Slurm reports it.
     *
     * @param state Slurm's job state in capitals (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...)
     * @param nodes the node names it holds or held
     * @param exitStatus the wait status of the batch script (exit code times 256, plus a signal)
     */
    record Job(String id, String name, String comment, String state, List<String> nodes, int exitStatus,
               String reason) {
        public int exitCode() {
            return (exitStatus >> 8) & 0xff;
        }

        public int signal() {
            return exitStatus & 0x7f;
        }
    }

    /**
     * A node as Slurm reports it.
     *
     * @param state lower-case base state (idle, allocated, mixed, down, ...)
     * @param flags state flags in capitals (DRAIN, NOT_RESPONDING, ...)
     * @param gres its generic resources as configured, e.g. {@code gpu:h100:8}
     */
    record Node(String name, String state, List<String> flags, String reason, String gres, List<String> partitions,
                int cpus, long memoryMb) {
    }

    String submit(Submission job);

    void cancel(String jobId);

    /** Sends {@code signal} (e.g. USR1) to the job's batch script. */
    void signal(String jobId, String signal);

    /** Every job the controller still knows, finished ones included (for MinJobAge after they end). */
    List<Job> jobs();

    List<Node> nodes();

    /** Drains ({@code true}, with {@code reason}) or resumes a node. */
    void drain(String node, boolean drain, String reason);

    /** The switch tree from topology.conf: switch name to its nodes (leaves) or child switches. */
    List<Switch> topology();

    record Switch(String name, int level, List<String> nodes, List<String> switches) {
    }
}
