package org.colossus.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.colossus.fleet.Fleet;

/**
 * The scheduling core: a deterministic state machine over one fleet. Feed it {@link Event}s with
 * {@link #apply}; a {@link Event.Tick} runs a scheduling pass and returns the placements. No clock, no threads,
 * no I/O: the simulator and the live server drive the same object.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final ClusterState state;
    private final Map<Long, JobRecord> jobs = new HashMap<>();
    private final ArrayDeque<JobRecord> queue = new ArrayDeque<>();
    private final Map<String, Integer> tenantIds = new HashMap<>();
    private final List<String> tenants = new ArrayList<>();
    /** Running jobs by expected end, kept only for backfill (which needs the order); O(log n) updates. */
    private final TreeSet<JobRecord> runningByEnd =
            new TreeSet<>((a, b) -> a.expectedEnd != b.expectedEnd
                    ? Double.compare(a.expectedEnd, b.expectedEnd) : Long.compare(a.spec.id(), b.spec.id()));
    private int running;
    private double now = Double.NEGATIVE_INFINITY;

    private static final class JobRecord {
        final JobSpec spec;
        final int tenant;
        JobState state = JobState.QUEUED;
        Allocation allocation;
        double submitted;
        double started = Double.NaN;
        double expectedEnd = Double.NaN;

        JobRecord(JobSpec spec, int tenant) {
            this.spec = spec;
            this.tenant = tenant;
        }
    }

    /** What a caller may see of a job. */
    public record JobView(JobSpec spec, JobState state, double submittedSeconds, double startedSeconds,
                          Allocation allocation) {
    }

    public Scheduler(Fleet fleet, SchedulerConfig config) {
        this.config = config;
        this.state = new ClusterState(fleet, config.isolation());
    }

    public SchedulerConfig config() {
        return config;
    }

    public ClusterState cluster() {
        return state;
    }

    /**
     * Applies one event. Times must not go backwards.
     *
     * @return the placements of a {@link Event.Tick}; empty for every other event
     * @throws SchedulerException for an event that does not fit the state (unknown job, duplicate id, ...)
     */
    public List<Decision> apply(Event event) {
        if (event.timeSeconds() < now) {
            throw new SchedulerException("event at " + event.timeSeconds() + " s is before the scheduler's time " + now + " s");
        }
        now = event.timeSeconds();
        return switch (event) {
            case Event.JobSubmitted e -> {
                submit(e.job());
                yield List.of();
            }
            case Event.JobFinished e -> {
                finish(e.jobId());
                yield List.of();
            }
            case Event.JobCancelled e -> {
                cancel(e.jobId());
                yield List.of();
            }
            case Event.Tick t -> schedule();
        };
    }

    private void submit(JobSpec spec) {
        if (jobs.containsKey(spec.id())) {
            throw new SchedulerException("job " + spec.id() + " was already submitted");
        }
        int tenant = tenantIds.computeIfAbsent(spec.tenant(), t -> {
            tenants.add(t);
            return tenants.size() - 1;
        });
        JobRecord r = new JobRecord(spec, tenant);
        r.submitted = now;
        jobs.put(spec.id(), r);
        queue.addLast(r);
    }

    private JobRecord require(long jobId) {
        JobRecord r = jobs.get(jobId);
        if (r == null) {
            throw new SchedulerException("job " + jobId + " is not known to the scheduler");
        }
        return r;
    }

    private void finish(long jobId) {
        JobRecord r = require(jobId);
        if (r.state != JobState.RUNNING) {
            throw new SchedulerException("job " + jobId + " finished but is " + r.state);
        }
        release(r);
        r.state = JobState.COMPLETED;
    }

    private void cancel(long jobId) {
        JobRecord r = require(jobId);
        switch (r.state) {
            case QUEUED -> queue.remove(r);
            case RUNNING -> release(r);
            case COMPLETED, CANCELLED -> throw new SchedulerException("job " + jobId + " is already " + r.state);
        }
        r.state = JobState.CANCELLED;
    }

    private void release(JobRecord r) {
        Allocation a = r.allocation;
        for (int i = 0; i < a.nodes().length; i++) {
            state.release(a.nodes()[i], a.gpus()[i]);
        }
        running--;
        if (config.policy() == QueuePolicy.BACKFILL) {
            runningByEnd.remove(r);
        }
    }

    private List<Decision> schedule() {
        List<Decision> decisions = new ArrayList<>();
        while (!queue.isEmpty()) {
            JobRecord head = queue.peekFirst();
            if (!tryStart(head, decisions)) {
                break;
            }
            queue.pollFirst();
        }
        if (config.policy() == QueuePolicy.BACKFILL && queue.size() > 1) {
            backfill(decisions);
        }
        return decisions;
    }

    private boolean tryStart(JobRecord r, List<Decision> decisions) {
        if (r.spec.gpus() > state.freeGpus()) {
            return false;
        }
        Allocation a = config.placement().place(state, r.spec.gpus(), r.tenant);
        if (a == null) {
            return false;
        }
        for (int i = 0; i < a.nodes().length; i++) {
            state.allocate(a.nodes()[i], a.gpus()[i], r.tenant);
        }
        r.allocation = a;
        r.state = JobState.RUNNING;
        r.started = now;
        r.expectedEnd = now + r.spec.durationSeconds();
        running++;
        if (config.policy() == QueuePolicy.BACKFILL) {
            runningByEnd.add(r);
        }
        decisions.add(new Decision.Place(r.spec.id(), a));
        return true;
    }

    /**
     * EASY backfill. The head's reservation ("shadow time") is when, counting GPUs only, enough will be free for it
     * as running jobs end at their expected times; the GPUs beyond its need at that time are the "extra" ones. A later
     * job starts now if it fits and either ends by the shadow time or needs no more than the extra GPUs.
     */
    private void backfill(List<Decision> decisions) {
        JobRecord head = queue.peekFirst();
        long free = state.freeGpus();
        double shadow = Double.POSITIVE_INFINITY;
        long extra = 0;
        if (head.spec.gpus() <= state.capacityGpus()) {
            long available = free;
            for (JobRecord r : runningByEnd) {
                if (available >= head.spec.gpus()) {
                    break;
                }
                available += r.allocation.totalGpus();
                shadow = r.expectedEnd;
            }
            if (available >= head.spec.gpus() && Double.isInfinite(shadow)) {
                shadow = now;
            }
            extra = available - head.spec.gpus();
        }
        int looked = 0;
        Iterator<JobRecord> it = queue.iterator();
        it.next(); // the head keeps its reservation
        while (it.hasNext() && looked++ < config.backfillDepth() && state.freeGpus() > 0) {
            JobRecord r = it.next();
            boolean endsInTime = now + r.spec.durationSeconds() <= shadow;
            boolean usesExtraOnly = r.spec.gpus() <= extra;
            if (!endsInTime && !usesExtraOnly) {
                continue;
            }
            if (tryStart(r, decisions)) {
                it.remove();
                if (!endsInTime) {
                    extra -= r.spec.gpus();
                }
            }
        }
    }

    public JobView job(long jobId) {
        JobRecord r = require(jobId);
        return new JobView(r.spec, r.state, r.submitted, r.started, r.allocation);
    }

    /** Why a queued job is not running, machine-readable; empty if it is not queued. */
    public java.util.Optional<PendingReason> pendingReason(long jobId) {
        JobRecord r = require(jobId);
        if (r.state != JobState.QUEUED) {
            return java.util.Optional.empty();
        }
        if (queue.peekFirst() != r) {
            return java.util.Optional.of(config.policy() == QueuePolicy.BACKFILL
                    ? PendingReason.WAITING_FOR_RESERVATION : PendingReason.QUEUE_ORDER);
        }
        return java.util.Optional.of(diagnose(r));
    }

    private PendingReason diagnose(JobRecord r) {
        int gpus = r.spec.gpus();
        if (gpus > state.capacityGpus()) {
            return PendingReason.LARGER_THAN_FLEET;
        }
        if (gpus > state.freeGpus()) {
            return PendingReason.NO_CAPACITY;
        }
        // would it fit if isolation did not apply? Ask the placement on behalf of an owner-free view.
        if (state.isolation() != Isolation.NONE && fitsIgnoringIsolation(gpus)) {
            return PendingReason.ISOLATION;
        }
        return PendingReason.FRAGMENTATION;
    }

    private boolean fitsIgnoringIsolation(int gpus) {
        if (gpus <= state.maxNodeGpus()) {
            for (int f = gpus; f <= state.maxNodeGpus(); f++) {
                if (!state.nodesWithFree(f).isEmpty()) {
                    return true;
                }
            }
            return false;
        }
        long wholeNodeGpus = 0;
        var free = state.fullyFreeNodes();
        for (int n = free.nextSetBit(0); n >= 0; n = free.nextSetBit(n + 1)) {
            wholeNodeGpus += state.capacity(n);
        }
        return wholeNodeGpus >= gpus;
    }

    public int queuedJobs() {
        return queue.size();
    }

    public int runningJobs() {
        return running;
    }

    public long allocatedGpus() {
        return state.capacityGpus() - state.freeGpus();
    }

    public double timeSeconds() {
        return now;
    }
}
