package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.colossus.fleet.Fleet;

/**
 * The scheduling core: a deterministic state machine over one fleet. Feed it {@link Event}s with
 * {@link #apply}; a {@link Event.Tick} runs a scheduling pass and returns placements and preemptions, a
 * {@link Event.NodeFailed} returns the jobs it interrupted. No clock, no threads, no I/O: the simulator and the
 * live server drive the same object.
 *
 * <p>The parts: the queue policy is a {@link QueueDiscipline} (one class per policy), placement a {@link Placement}
 * (filters and weighers), tenants' reservations and use {@link TenantQuotas}, the preemption order
 * {@link Preemption}; this class owns the jobs and the cluster state they change, and runs each event. Over 500
 * lines because the job lifecycle (submit, start, release, failure), the snapshot and its restore all read and write
 * the same records and must stay in step.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final ClusterState state;
    private final JobTable jobs = new JobTable();
    private final QueueDiscipline discipline;
    private final TenantQuotas quotas = new TenantQuotas();
    private final Preemption preemption;
    private final Pass pass = new Pass();
    /** Running (and preempting) jobs by expected end, for reservations; O(log n) updates. */
    private final TreeSet<JobRecord> runningByEnd = new TreeSet<>(Comparator
            .comparingDouble((JobRecord r) -> r.expectedEnd).thenComparingLong(r -> r.seq));
    /** Jobs holding GPUs on each node (for failures). */
    private final NodeJobs onNode;
    private int queued;
    private int running;
    private long sequence;
    private double now = Double.NEGATIVE_INFINITY;

    /** What a caller may see of a job. */
    public record JobView(JobSpec spec, JobState state, double submittedSeconds, double startedSeconds,
                          Allocation allocation, int restarts) {
    }

    public Scheduler(Fleet fleet, SchedulerConfig config) {
        this.config = config;
        this.discipline = QueueDiscipline.of(config.policy());
        this.preemption = new Preemption(discipline.preempts());
        this.state = new ClusterState(fleet, config.isolation(), config.hotSpareDomainsPerPod());
        onNode = new NodeJobs(fleet.nodeCount(), state.maxNodeGpus());
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
     * @return placements and preemptions for a {@link Event.Tick}, requeues for a {@link Event.NodeFailed}, else empty
     * @throws SchedulerException for an event that does not fit the state (unknown job, duplicate id, bad node, ...)
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
            case Event.JobStopped e -> {
                stopped(e.jobId(), e.remainingSeconds());
                yield List.of();
            }
            case Event.NodeFailed e -> nodeFailed(node(e.node()));
            case Event.NodeRepaired e -> {
                state.setDown(node(e.node()), false);
                yield List.of();
            }
            case Event.DrainRequested e -> {
                state.setDrained(node(e.node()), e.drain());
                yield List.of();
            }
            case Event.ContractChanged e -> {
                if (e.reservedGpus() < 0) {
                    throw new SchedulerException("tenant " + e.tenant() + ": reserved GPUs " + e.reservedGpus() + "; expected >= 0");
                }
                quotas.setReserved(quotas.id(e.tenant()), e.reservedGpus());
                yield List.of();
            }
            case Event.Tick t -> schedule();
        };
    }

    private int node(int node) {
        if (node < 0 || node >= state.nodeCount()) {
            throw new SchedulerException("node " + node + " does not exist (the fleet has " + state.nodeCount() + ")");
        }
        return node;
    }

    private void submit(JobSpec spec) {
        if (jobs.get(spec.id()) != null) {
            throw new SchedulerException("job " + spec.id() + " was already submitted");
        }
        if (spec.id() == Long.MIN_VALUE) {
            throw new SchedulerException("job id " + spec.id() + ": expected another id (this one is reserved)");
        }
        checkFeasible(spec);
        JobRecord r = new JobRecord(spec, quotas.id(spec.tenant()), sequence++);
        r.submitted = now;
        jobs.add(spec.id(), r);
        enqueue(r, false);
    }

    /** A job the fleet could never hold would block a FIFO queue forever: refuse it with the reason. */
    private void checkFeasible(JobSpec spec) {
        Fleet fleet = state.fleet();
        if (spec.gpus() > state.capacityGpus()) {
            throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs, but the fleet has "
                    + state.capacityGpus());
        }
        if (spec.gpus() > state.capacityGpus() - state.spareGpus()) {
            throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs, but the fleet offers "
                    + (state.capacityGpus() - state.spareGpus()) + " outside its " + state.spareGpus()
                    + " hot-spare GPUs");
        }
        Constraints c = spec.constraints();
        if (c.withinPod()) {
            long largest = 0;
            for (int p = 0; p < fleet.podCount(); p++) {
                largest = Math.max(largest, fleet.gpusInPod(p));
            }
            if (spec.gpus() > largest) {
                throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs within one pod, but the"
                        + " largest pod has " + largest);
            }
        }
        if (c.maxRacks() > 0) {
            long largest = 0;
            for (int r = 0; r < fleet.rackCount(); r++) {
                int first = fleet.firstNodeOfRack(r);
                largest = Math.max(largest, fleet.firstGpu(first + fleet.nodesInRack(r) - 1)
                        + fleet.gpusOnNode(first + fleet.nodesInRack(r) - 1) - fleet.firstGpu(first));
            }
            if (spec.gpus() > largest * c.maxRacks()) {
                throw new SchedulerException("job " + spec.id() + ": " + spec.gpus() + " GPUs in at most "
                        + c.maxRacks() + " racks, but the largest rack has " + largest + " GPUs");
            }
        }
    }

    private void enqueue(JobRecord r, boolean front) {
        r.state = JobState.QUEUED;
        queued++;
        quotas.queuedChanged(r.tenant, 1);
        discipline.enqueue(r, front);
    }

    private void dequeue(JobRecord r) {
        queued--;
        quotas.queuedChanged(r.tenant, -1);
        discipline.dequeue(r);
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
        if (r.state != JobState.RUNNING && r.state != JobState.PREEMPTING) {
            throw new SchedulerException("job " + jobId + " finished but is " + r.state);
        }
        release(r);
        r.state = JobState.COMPLETED;
    }

    private void cancel(long jobId) {
        JobRecord r = require(jobId);
        switch (r.state) {
            case QUEUED -> dequeue(r);
            case RUNNING, PREEMPTING -> release(r);
            case COMPLETED, CANCELLED, FAILED -> throw new SchedulerException("job " + jobId + " is already " + r.state);
        }
        r.state = JobState.CANCELLED;
    }

    private void stopped(long jobId, double remainingSeconds) {
        JobRecord r = require(jobId);
        if (r.state != JobState.PREEMPTING) {
            throw new SchedulerException("job " + jobId + " reported stopped but is " + r.state + ", not PREEMPTING");
        }
        release(r);
        if (remainingSeconds > 0) {
            r.spec = r.spec.withDuration(remainingSeconds);
        }
        enqueue(r, true);
    }

    private List<Decision> nodeFailed(int node) {
        List<Decision> decisions = new ArrayList<>();
        List<JobRecord> hit = onNode.on(node);
        hit.sort(Comparator.comparingLong(r -> r.seq));
        for (JobRecord r : hit) {
            release(r);
            r.restarts++;
            if (r.restarts > config.maxRestarts()) {
                r.state = JobState.FAILED;
                decisions.add(new Decision.MarkFailed(r.spec.id(), "interrupted " + r.restarts + " times (limit "
                        + config.maxRestarts() + ")"));
            } else {
                r.interruptedByFailure = true;
                enqueue(r, true);
                decisions.add(new Decision.Requeue(r.spec.id(), node));
            }
        }
        state.setDown(node, true);
        return decisions;
    }

    private void release(JobRecord r) {
        Allocation a = r.allocation;
        if (r.onOneNode >= 0) {
            // most jobs sit on one node: its number is in the record, no need to reach the allocation's arrays
            state.release(r.onOneNode, r.onOneNodeGpus);
            onNode.remove(r.onOneNode, r);
        } else {
            for (int i = 0; i < a.nodes().length; i++) {
                state.release(a.nodes()[i], a.gpus()[i]);
                onNode.remove(a.nodes()[i], r);
            }
        }
        running--;
        preemption.released(r);
        if (discipline.usesReservations()) {
            runningByEnd.remove(r);
        }
        quotas.released(r, a.totalGpus());
        r.guaranteed = false;
        if (r.preemptedFor != null) {
            r.preemptedFor.awaitingPreemptions--; // stopped, finished or failed: one less to wait for
            r.preemptedFor = null;
        }
        r.allocation = null;
        r.onOneNode = -1;
    }

    private boolean tryStart(JobRecord r, List<Decision> decisions) {
        if (r.interruptedByFailure && state.spareNodeCount() > 0) {
            // a job a failure interrupted may restart on the hot spares
            state.unlockSpares(true);
            try {
                return tryStartNow(r, decisions);
            } finally {
                state.unlockSpares(false);
            }
        }
        return tryStartNow(r, decisions);
    }

    private boolean tryStartNow(JobRecord r, List<Decision> decisions) {
        if (r.spec.gpus() > state.freeGpus()) {
            return false;
        }
        if (r.spec.gpus() > state.maxNodeGpus() && r.spec.gpus() > state.fullyFreeGpus()) {
            return false; // a gang takes whole free nodes: not enough of them
        }
        Constraints c = r.spec.constraints();
        Allocation a = c.wholeRacks() ? WholeRacks.place(state, r.spec.gpus(), r.tenant, c)
                : config.placement().place(state, r.spec.gpus(), r.tenant);
        if (a == null || !c.allows(a, state.fleet())) {
            return false; // placements that break a job's constraints are refused, never bent
        }
        for (int i = 0; i < a.nodes().length; i++) {
            int n = a.nodes()[i];
            state.allocate(n, a.gpus()[i], r.tenant);
            onNode.add(n, r);
        }
        dequeue(r);
        r.allocation = a;
        r.onOneNode = a.nodes().length == 1 ? a.nodes()[0] : -1;
        r.onOneNodeGpus = a.gpus()[0];
        r.state = JobState.RUNNING;
        r.started = now;
        r.expectedEnd = now + r.spec.durationSeconds();
        r.awaitingPreemptions = 0;
        r.interruptedByFailure = false;
        running++;
        if (discipline.usesReservations()) {
            runningByEnd.add(r);
        }
        r.guaranteed = quotas.withinReservation(r);
        quotas.holding(r, a.totalGpus());
        r.runRank = runningRank(r);
        preemption.started(r);
        decisions.add(new Decision.Place(r.spec.id(), a));
        return true;
    }

    /** 0: reserved within quota; 1: on-demand or reserved beyond quota; 2: preemptible. */
    private int rank(JobRecord r) {
        return switch (r.spec.jobClass()) {
            case RESERVED -> quotas.withinReservation(r) ? 0 : 1;
            case ON_DEMAND -> 1;
            case PREEMPTIBLE -> 2;
        };
    }

    private int runningRank(JobRecord r) {
        return r.guaranteed ? 0 : r.spec.jobClass() == JobClass.PREEMPTIBLE ? 2 : 1;
    }

    private List<Decision> schedule() {
        List<Decision> decisions = new ArrayList<>();
        discipline.pass(pass, decisions);
        return decisions;
    }

    /** What the queue discipline reaches of the scheduler during a pass. */
    private final class Pass implements QueueDiscipline.Pass {
        @Override
        public double now() {
            return now;
        }

        @Override
        public boolean tryStart(JobRecord r, List<Decision> decisions) {
            return Scheduler.this.tryStart(r, decisions);
        }

        @Override
        public boolean preempt(JobRecord r, List<Decision> decisions) {
            return Scheduler.this.preempt(r, decisions);
        }

        @Override
        public PendingReason diagnose(JobRecord r) {
            return Scheduler.this.diagnose(r);
        }

        @Override
        public double[] reservation(JobRecord head) {
            return Scheduler.this.reservation(head);
        }

        @Override
        public long freeGpus() {
            return state.freeGpus();
        }

        @Override
        public int backfillDepth() {
            return config.backfillDepth();
        }

        @Override
        public int tenants() {
            return quotas.count();
        }

        @Override
        public boolean before(JobRecord a, JobRecord b) {
            int ra = rank(a);
            int rb = rank(b);
            if (ra != rb) {
                return ra < rb;
            }
            if (a.tenant != b.tenant) {
                double sa = quotas.share(a.tenant);
                double sb = quotas.share(b.tenant);
                if (sa != sb) {
                    return sa < sb;
                }
            }
            if (a.spec.priority() != b.spec.priority()) {
                return a.spec.priority() > b.spec.priority();
            }
            return a.seq < b.seq;
        }
    }

    /** The head's reservation: [shadow time, GPUs spare at that time], counting GPUs only. */
    private double[] reservation(JobRecord head) {
        long available = state.freeGpus();
        double shadow = now;
        if (head.spec.gpus() > state.capacityGpus()) {
            return new double[] {Double.POSITIVE_INFINITY, 0};
        }
        for (JobRecord r : runningByEnd) {
            if (available >= head.spec.gpus()) {
                break;
            }
            available += r.allocation.totalGpus();
            shadow = Math.max(now, r.expectedEnd);
        }
        if (available < head.spec.gpus()) {
            return new double[] {Double.POSITIVE_INFINITY, 0}; // capacity is down: no reservation can be promised
        }
        return new double[] {shadow, available - head.spec.gpus()};
    }

    /**
     * Makes room for {@code r} by preempting running jobs of a lower rank ({@link Preemption#victims}): returns false,
     * preempting nothing, if that cannot make room.
     */
    private boolean preempt(JobRecord r, List<Decision> decisions) {
        List<JobRecord> chosen = preemption.victims(rank(r), r.spec.gpus(), state.freeGpus());
        if (chosen.isEmpty()) {
            return false;
        }
        for (JobRecord v : chosen) {
            v.state = JobState.PREEMPTING;
            v.preemptedFor = r;
            decisions.add(new Decision.Preempt(v.spec.id(), config.preemptionGraceSeconds(), r.spec.id()));
        }
        r.awaitingPreemptions = chosen.size();
        return true;
    }

    /** The whole state as values (see {@link SchedulerSnapshot}); jobs in submission order. */
    public SchedulerSnapshot snapshot() {
        List<JobRecord> all = jobs.values();
        all.sort(Comparator.comparingLong(r -> r.seq));
        List<SchedulerSnapshot.Job> out = new ArrayList<>(all.size());
        for (JobRecord r : all) {
            List<Integer> nodes = new ArrayList<>();
            List<Integer> gpus = new ArrayList<>();
            if (r.allocation != null) {
                for (int i = 0; i < r.allocation.nodes().length; i++) {
                    nodes.add(r.allocation.nodes()[i]);
                    gpus.add(r.allocation.gpus()[i]);
                }
            }
            boolean holds = r.allocation != null; // rank and guarantee mean something only while GPUs are held
            out.add(new SchedulerSnapshot.Job(r.spec, r.state, r.seq, r.submitted, r.started, r.expectedEnd, nodes, gpus,
                    holds && r.guaranteed, holds ? r.runRank : 0, r.restarts, r.awaitingPreemptions,
                    r.preemptedFor == null ? -1 : r.preemptedFor.spec.id(), r.reason, r.interruptedByFailure));
        }
        List<Long> order = discipline.order();
        List<Integer> reserved = new ArrayList<>();
        for (int t = 0; t < quotas.count(); t++) {
            reserved.add(quotas.reserved(t));
        }
        List<Integer> down = new ArrayList<>();
        List<Integer> drained = new ArrayList<>();
        for (int n = 0; n < state.nodeCount(); n++) {
            if (state.isDown(n)) {
                down.add(n);
            }
            if (state.isDrained(n)) {
                drained.add(n);
            }
        }
        return new SchedulerSnapshot(now, quotas.names(), reserved, out, order, down, drained, sequence);
    }

    /**
     * A core in exactly the state of {@code snapshot}: fed the same events afterwards, it makes the same decisions.
     *
     * @throws SchedulerException if the snapshot does not fit this fleet (unknown node, over-full node)
     */
    public static Scheduler restore(Fleet fleet, SchedulerConfig config, SchedulerSnapshot snapshot) {
        Scheduler s = new Scheduler(fleet, config);
        s.now = snapshot.timeSeconds();
        for (int t = 0; t < snapshot.tenants().size(); t++) {
            s.quotas.setReserved(s.quotas.id(snapshot.tenants().get(t)), snapshot.reservedGpus().get(t));
        }
        Map<Long, JobRecord> byId = new HashMap<>();
        s.state.unlockSpares(true); // jobs may hold hot spares; they are locked again below
        for (SchedulerSnapshot.Job j : snapshot.jobs()) {
            JobRecord r = new JobRecord(j.spec(), s.quotas.id(j.spec().tenant()), j.sequence());
            r.state = j.state();
            r.submitted = j.submittedSeconds();
            r.started = j.startedSeconds();
            r.expectedEnd = j.expectedEndSeconds();
            r.restarts = j.restarts();
            r.awaitingPreemptions = j.awaitingPreemptions();
            r.reason = j.reason();
            r.interruptedByFailure = j.interruptedByFailure();
            if (s.jobs.get(j.spec().id()) != null) {
                throw new SchedulerException("the snapshot lists job " + j.spec().id() + " twice");
            }
            s.jobs.add(j.spec().id(), r);
            byId.put(j.spec().id(), r);
            if (!j.nodes().isEmpty()) {
                int[] nodes = j.nodes().stream().mapToInt(Integer::intValue).toArray();
                int[] gpus = j.gpus().stream().mapToInt(Integer::intValue).toArray();
                r.allocation = new Allocation(nodes, gpus);
                r.onOneNode = nodes.length == 1 ? nodes[0] : -1;
                r.onOneNodeGpus = gpus[0];
                for (int i = 0; i < nodes.length; i++) {
                    int n = s.node(nodes[i]);
                    try {
                        s.state.allocate(n, gpus[i], r.tenant);
                    } catch (IllegalStateException e) {
                        throw new SchedulerException("snapshot: job " + j.spec().id() + " on node " + n + ": " + e.getMessage());
                    }
                    s.onNode.add(n, r);
                }
                r.guaranteed = j.guaranteed();
                r.runRank = j.runRank();
                s.running++;
                s.preemption.started(r);
                s.quotas.holding(r, r.allocation.totalGpus());
                if (s.discipline.usesReservations()) {
                    s.runningByEnd.add(r);
                }
            }
        }
        s.state.unlockSpares(false);
        for (SchedulerSnapshot.Job j : snapshot.jobs()) {
            if (j.preemptedFor() >= 0) {
                byId.get(j.spec().id()).preemptedFor = byId.get(j.preemptedFor());
            }
        }
        // A single queue's order is in the snapshot; the fair queues order themselves.
        List<Long> order = config.policy() == QueuePolicy.FAIR
                ? snapshot.jobs().stream().filter(j -> j.state() == JobState.QUEUED).map(j -> j.spec().id()).toList()
                : snapshot.queueOrder();
        for (long id : order) {
            JobRecord r = byId.get(id);
            s.queued++;
            s.quotas.queuedChanged(r.tenant, 1);
            s.discipline.enqueue(r, false);
        }
        for (int n : snapshot.downNodes()) {
            s.state.setDown(s.node(n), true);
        }
        for (int n : snapshot.drainedNodes()) {
            s.state.setDrained(s.node(n), true);
        }
        s.sequence = snapshot.nextSequence();
        return s;
    }

    public JobView job(long jobId) {
        JobRecord r = require(jobId);
        return new JobView(r.spec, r.state, r.submitted, r.started, r.allocation, r.restarts);
    }

    /** Why a queued job is not running, machine-readable; empty if it is not queued. */
    public Optional<PendingReason> pendingReason(long jobId) {
        JobRecord r = require(jobId);
        if (r.state != JobState.QUEUED) {
            return Optional.empty();
        }
        if (discipline.head() == r) {
            return Optional.of(diagnose(r));
        }
        return Optional.of(r.reason);
    }

    private PendingReason diagnose(JobRecord r) {
        int gpus = r.spec.gpus();
        if (gpus > state.capacityGpus()) {
            return PendingReason.LARGER_THAN_FLEET;
        }
        if (gpus > state.freeGpus()) {
            return PendingReason.NO_CAPACITY;
        }
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
        return state.fullyFreeGpus() >= gpus;
    }

    public int queuedJobs() {
        return queued;
    }

    public int runningJobs() {
        return running;
    }

    public long allocatedGpus() {
        return state.allocatedGpus();
    }

    public double timeSeconds() {
        return now;
    }

    public List<String> tenants() {
        return quotas.names();
    }

    public int reservedGpus(String tenant) {
        int t = quotas.find(tenant);
        return t < 0 ? 0 : quotas.reserved(t);
    }

    /** Jobs of {@code tenant} waiting in the queue (0 for a tenant the core has not seen). */
    public int queuedJobs(String tenant) {
        int t = quotas.find(tenant);
        return t < 0 ? 0 : quotas.queued(t);
    }

    public long usedGpus(String tenant) {
        int t = quotas.find(tenant);
        return t < 0 ? 0 : quotas.used(t);
    }
}
