package org.colossus.server.dataplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;

/**
 * The embedded data plane: a simulated fleet on the control plane's (accelerated) clock, with the simulator's
 * failure model. A launched job spends the restart time, then works; it checkpoints every checkpoint interval of
 * work and finishes when its work is done. Nodes fail as a Poisson process over the fleet's GPUs and come back after
 * an exponential repair time. Randomness comes from the seeded generator it is given.
 */
public final class SimulatedFleet implements DataPlane {
    private enum Kind { FINISH, CHECKPOINT, STOP, FAIL, REPAIR }

    private record Due(long timeMillis, long order, Kind kind, long id, long epoch) {
    }

    /** @param limitMillis work at which the job is stopped (its time limit; {@code Long.MAX_VALUE} for none) */
    private record Run(long id, long workStartMillis, long workAtStartMillis, long durationMillis, long epoch,
                       long limitMillis) {
        long stopsAt() {
            return Math.min(durationMillis, limitMillis);
        }

        long workAt(long t) {
            return Math.min(durationMillis, workAtStartMillis + Math.max(0, t - workStartMillis));
        }
    }

    private final Fleet fleet;
    private final FailureModel failures;
    private final RandomGenerator random;
    private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> a.timeMillis != b.timeMillis
            ? Long.compare(a.timeMillis, b.timeMillis) : Long.compare(a.order, b.order));
    private final Map<Long, Run> runs = new HashMap<>();
    private final Set<Integer> down = new HashSet<>();
    private long order;
    private long epoch;
    private boolean failuresScheduled;

    public SimulatedFleet(Fleet fleet, FailureModel failures, RandomGenerator random) {
        this.fleet = fleet;
        this.failures = failures;
        this.random = random;
    }

    private void schedule(long t, Kind kind, long id, long runEpoch) {
        queue.add(new Due(t, order++, kind, id, runEpoch));
    }

    private long exponentialMillis(double meanMillis) {
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanMillis));
    }

    private void scheduleNextFailure(long from) {
        double perHour = failures.interruptionsPerGpuHour() * fleet.gpuCount();
        if (failures.enabled() && perHour > 0) {
            schedule(from + exponentialMillis(3_600_000 / perHour), Kind.FAIL, -1, 0);
        }
    }

    private void startFailures(long nowMillis) {
        if (!failuresScheduled) {
            failuresScheduled = true;
            scheduleNextFailure(nowMillis);
        }
    }

    private long restartMillis() {
        return Math.round(failures.restartSeconds() * 1000);
    }

    private long checkpointMillis() {
        return Math.round(failures.checkpointIntervalSeconds() * 1000);
    }

    @Override
    public void launch(ControlState.Launch l, long nowMillis) {
        startFailures(nowMillis);
        start(new Run(l.id(), nowMillis + restartMillis(), l.workDoneMillis(), l.durationMillis(), ++epoch,
                l.limitMillis()), nowMillis);
    }

    private void start(Run run, long nowMillis) {
        runs.put(run.id, run);
        long finish = run.workStartMillis + Math.max(0, run.stopsAt() - run.workAtStartMillis);
        schedule(Math.max(finish, nowMillis), Kind.FINISH, run.id, run.epoch);
        scheduleCheckpoint(run, nowMillis);
    }

    private void scheduleCheckpoint(Run run, long afterMillis) {
        long interval = checkpointMillis();
        long worked = Math.max(0, afterMillis - run.workStartMillis);
        long next = run.workStartMillis + (worked / interval + 1) * interval;
        if (run.workAt(next) < run.stopsAt()) {
            schedule(next, Kind.CHECKPOINT, run.id, run.epoch);
        }
    }

    @Override
    public void preempt(long jobId, long graceMillis, long nowMillis) {
        Run run = runs.get(jobId);
        if (run != null) {
            // Checkpointing a large job takes a while; a minute of the grace period, or all of it if shorter.
            schedule(nowMillis + Math.min(graceMillis, 60_000), Kind.STOP, jobId, run.epoch);
        }
    }

    @Override
    public void abort(long jobId) {
        runs.remove(jobId);
    }

    @Override
    public List<Payload> poll(long nowMillis) {
        startFailures(nowMillis);
        List<Payload> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().timeMillis <= nowMillis) {
            Due d = queue.poll();
            switch (d.kind) {
                case FAIL -> {
                    int node = random.nextInt(fleet.nodeCount());
                    if (down.add(node)) {
                        out.add(new Payload.NodeFailed(node));
                        schedule(d.timeMillis + exponentialMillis(failures.meanRepairSeconds() * 1000), Kind.REPAIR, node, 0);
                    }
                    scheduleNextFailure(d.timeMillis);
                }
                case REPAIR -> {
                    if (down.remove((int) d.id)) {
                        out.add(new Payload.NodeRepaired((int) d.id));
                    }
                }
                default -> {
                    Run run = runs.get(d.id);
                    if (run == null || run.epoch != d.epoch) {
                        continue; // stale: the run was aborted or restarted since
                    }
                    switch (d.kind) {
                        case FINISH -> {
                            runs.remove(d.id);
                            out.add(new Payload.JobFinished(d.id, run.limitMillis < run.durationMillis));
                        }
                        case CHECKPOINT -> {
                            out.add(new Payload.JobCheckpointed(d.id, run.workAt(d.timeMillis)));
                            scheduleCheckpoint(run, d.timeMillis);
                        }
                        case STOP -> {
                            runs.remove(d.id);
                            out.add(new Payload.JobStopped(d.id, run.durationMillis - run.workAt(d.timeMillis)));
                        }
                        default -> throw new IllegalStateException(d.kind.name());
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void adopt(List<ControlState.RunningJob> jobs, Set<Integer> downNodes, long nowMillis) {
        startFailures(nowMillis);
        for (ControlState.RunningJob j : jobs) {
            // The jobs kept running while the control plane was away: their progress follows from their start.
            Run run = new Run(j.id(), j.runStartMillis() + restartMillis(), j.workAtRunStartMillis(), j.durationMillis(),
                    ++epoch, j.limitMillis());
            start(run, nowMillis);
            if (j.preempting()) {
                schedule(nowMillis, Kind.STOP, j.id(), run.epoch);
            }
        }
        for (int n : downNodes) {
            if (down.add(n)) {
                schedule(nowMillis + exponentialMillis(failures.meanRepairSeconds() * 1000), Kind.REPAIR, n, 0);
            }
        }
    }

    @Override
    public void resync(List<ControlState.RunningJob> jobs, Set<Integer> downNodes, long nowMillis) {
        runs.clear();
        queue.removeIf(d -> d.kind != Kind.FAIL && d.kind != Kind.REPAIR);
        adopt(jobs, downNodes, nowMillis);
    }

    /** Jobs it is running now (for tests). */
    public int runningCount() {
        return runs.size();
    }

    @Override
    public String describe() {
        return "simulated fleet '" + fleet.name() + "' (" + fleet.gpuCount() + " GPUs, failures "
                + (failures.enabled() ? String.format("%.3g per GPU-hour", failures.interruptionsPerGpuHour()) : "off") + ")";
    }
}
