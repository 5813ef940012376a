package org.colossus.server.dataplane;

import java.util.List;
import java.util.Set;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;

/**
 * Where placed jobs actually run: the embedded {@link SimulatedFleet}, or a real cluster manager. The engine tells
 * it what the scheduler decided and polls it for what happened; everything it reports is journaled. Calls come
 * from the engine's thread only.
 */
public interface DataPlane extends AutoCloseable {
    /**
     * Start a job on its nodes with {@code workDoneMillis} of its {@code durationMillis} already saved; it is stopped
     * (reported finished at its time limit) when its work reaches {@code limitMillis} ({@code Long.MAX_VALUE}: none).
     */
    void launch(ControlState.Launch launch, long nowMillis);

    /** The operator drained ({@code true}) or returned a node: a cluster manager underneath is told too. */
    default void drain(int node, boolean drained) {
    }

    /** Before {@link #adopt} or {@link #resync}: the nodes the journal says are drained (by anyone). */
    default void drained(Set<Integer> nodes) {
    }

    /** Null while the data plane can act; else why it cannot (its controller is unreachable, say). */
    default String unavailable() {
        return null;
    }

    /** Checkpoint within {@code graceMillis} and stop; report {@link Payload.JobStopped}. */
    void preempt(long jobId, long graceMillis, long nowMillis);

    /** Stop the job now without a report (cancelled, or its node failed). Unknown jobs are ignored. */
    void abort(long jobId);

    /**
     * What happened up to {@code nowMillis}, oldest first: {@link Payload.JobFinished}, {@link Payload.JobCheckpointed},
     * {@link Payload.JobStopped}, {@link Payload.NodeFailed}, {@link Payload.NodeRepaired}.
     */
    List<Payload> poll(long nowMillis);

    /** After a restart, take over the jobs the journal says hold GPUs, and the nodes it says are down. */
    void adopt(List<ControlState.RunningJob> jobs, Set<Integer> downNodes, long nowMillis);

    /**
     * After the control plane rebuilt its state from the journal (a failed commit): forget every run and take over
     * exactly the jobs the journal says hold GPUs.
     */
    void resync(List<ControlState.RunningJob> jobs, Set<Integer> downNodes, long nowMillis);

    /**
     * This server stepped down (high availability): stop driving the cluster, and leave what runs there to the new
     * leader's data plane.
     */
    default void stepDown(long nowMillis) {
        resync(List.of(), Set.of(), nowMillis);
    }

    String describe();

    @Override
    default void close() {
    }
}
