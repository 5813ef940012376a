package org.colossus.sim;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.perf.JobSpeed;
import org.colossus.scheduler.Allocation;
import org.colossus.scheduler.Decision;
import org.colossus.scheduler.Event;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.JobSpec;
import org.colossus.scheduler.Scheduler;
import org.colossus.scheduler.SchedulerConfig;

/**
 * Replays a workload through the scheduler core on a virtual clock. At each instant the simulator applies every
 * completion, then stops of preempted jobs, repairs, failures and arrivals, then one scheduling pass
 * ({@link Event.Tick}). A job runs its remaining work after a restart cost (if it ran before); checkpoints every
 * {@code checkpointIntervalSeconds} of work; a node failure loses the work since the last checkpoint, a preemption
 * loses nothing (the grace period is for a checkpoint). Single-threaded and deterministic: the same inputs and seed
 * give the same result, bit for bit.
 */
public final class Simulation {
    private static final int FINISH = 0;
    private static final int STOP = 1;
    private static final int REPAIR = 2;
    private static final int FAILURE = 3;
    private static final int ARRIVAL = 4;
    private static final int CONTRACT = 5;
    /** A job reaches its time limit. */
    private static final int TIMEOUT = 6;
    private static final int SAMPLES = 400;

    /** A reserved-capacity contract: from {@code fromSeconds} on, {@code tenant} has {@code gpus} reserved. */
    public record ContractChange(double fromSeconds, String tenant, int gpus) {
    }

    private final Fleet fleet;
    private final SchedulerConfig config;
    private final FailureModel failures;
    private final long seed;
    private final double durationLimitSeconds;
    private final List<ContractChange> contracts;
    private final JobSpeed speed;
    private final SimBilling billing;
    private final Estimates estimates;

    public Simulation(Fleet fleet, SchedulerConfig config) {
        this(fleet, config, FailureModel.OFF, 0, Double.POSITIVE_INFINITY, List.of());
    }

    public Simulation(Fleet fleet, SchedulerConfig config, FailureModel failures, long seed, double durationLimitSeconds,
                      List<ContractChange> contracts) {
        this(fleet, config, failures, seed, durationLimitSeconds, contracts, null);
    }

    /**
     * @param durationLimitSeconds stop the clock here (jobs still queued or running are reported so)
     * @param speed placement-dependent speed of jobs with a planner profile; null if none has one
     */
    public Simulation(Fleet fleet, SchedulerConfig config, FailureModel failures, long seed, double durationLimitSeconds,
                      List<ContractChange> contracts, JobSpeed speed) {
        this(fleet, config, failures, seed, durationLimitSeconds, contracts, speed, null, Estimates.USER);
    }

    private Simulation(Fleet fleet, SchedulerConfig config, FailureModel failures, long seed,
                       double durationLimitSeconds, List<ContractChange> contracts, JobSpeed speed, SimBilling billing,
                       Estimates estimates) {
        this.billing = billing;
        this.estimates = estimates;
        this.speed = speed;
        this.fleet = fleet;
        this.config = config;
        this.failures = failures;
        this.seed = seed;
        this.durationLimitSeconds = durationLimitSeconds;
        this.contracts = List.copyOf(contracts);
    }

    /** The same simulation, billed by the ledger at these prices (revenue, energy, emissions in its result). */
    public Simulation billed(SimBilling prices) {
        return new Simulation(fleet, config, failures, seed, durationLimitSeconds, contracts, speed, prices, estimates);
    }

    /** The same simulation, its scheduler planning with these estimates of run time. */
    public Simulation estimating(Estimates e) {
        return new Simulation(fleet, config, failures, seed, durationLimitSeconds, contracts, speed, billing, e);
    }

    public Estimates estimates() {
        return estimates;
    }

    public SimResult run(Workload w) {
        return run(w, t -> {
        });
    }

    /** @param progress called now and then with the simulated time reached (for a progress line) */
    public SimResult run(Workload w, DoubleConsumer progress) {
        int n = w.size();
        for (int i = 0; i < n; i++) {
            if (w.gpus()[i] > fleet.gpuCount()) {
                throw new SimException(w.name() + ": job " + w.ids()[i] + " needs " + w.gpus()[i] + " GPUs; the fleet "
                        + fleet.name() + " has " + fleet.gpuCount());
            }
        }
        return new Run(w, progress).execute();
    }

    private final class Run {
        final Workload w;
        final DoubleConsumer progress;
        final int n;
        final Scheduler scheduler = new Scheduler(fleet, config);
        final EventCalendar calendar = new EventCalendar();
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] start;
        final double[] end;
        final double[] runStart;
        final double[] runOverhead;
        final double[] runSpeed;
        final double[] workDone;
        final int[] epoch;
        final int[] restarts;
        final int[] preempted;
        final int[] interrupted;
        final int[] racks;
        final int[] pods;
        final double[] allocatedGpuSeconds;
        final int[] heldGpus;
        final boolean[] failed;
        /** What the scheduler planned each job with (its estimate of the run time). */
        final double[] planned;
        /** Each job's limit when the model supplies them (else the workload's, {@link Workload#limitOf}). */
        final double[] limits;
        final boolean[] timedOut;
        /** Per tenant: the actual run times of its last two completed jobs, and how many there are (predictor). */
        final double[][] lastRuntimes;
        final int[] runtimesSeen;
        final String[] tenants;
        final IsolationAudit audit;
        /** The ledger fed this run, or null when it is not billed. */
        final org.colossus.ledger.Ledger ledger;
        long ledgerSeq;
        double productiveGpuSeconds;
        double lostGpuSeconds;
        int nodeFailures;
        long events;
        int activeJobs; // submitted and not final

        Run(Workload w, DoubleConsumer progress) {
            this.w = w;
            this.progress = progress;
            n = w.size();
            start = nan(n);
            end = nan(n);
            runStart = new double[n];
            runOverhead = new double[n];
            runSpeed = new double[n];
            workDone = new double[n];
            epoch = new int[n];
            restarts = new int[n];
            preempted = new int[n];
            interrupted = new int[n];
            racks = new int[n];
            pods = new int[n];
            allocatedGpuSeconds = new double[n];
            heldGpus = new int[n];
            failed = new boolean[n];
            planned = new double[n];
            limits = switch (estimates) {
                case EXACT, USER -> null;
                case MODELED, PREDICTOR -> UserEstimates.limits(w, seed);
            };
            timedOut = new boolean[n];
            lastRuntimes = new double[w.tenants().size()][2];
            runtimesSeen = new int[w.tenants().size()];
            tenants = w.tenants().toArray(String[]::new);
            audit = new IsolationAudit(fleet, config.isolation());
            ledger = billing == null ? null : billing.ledger(fleet, w.tenants(), contracts, durationLimitSeconds);
        }

        /** Tells the ledger a holding ended ({@code finished}, {@code stopped}, {@code requeued}, {@code failed}). */
        private void billRelease(int job, double now, String release) {
            if (ledger != null) {
                ledger.released(job, release, billing.millis(now), ++ledgerSeq);
            }
        }

        private static double[] nan(int n) {
            double[] a = new double[n];
            Arrays.fill(a, Double.NaN);
            return a;
        }

        SimResult execute() {
            if (n > 0) {
                calendar.push(w.submitSeconds()[0], ARRIVAL, 0);
            }
            for (int c = 0; c < contracts.size(); c++) {
                calendar.push(contracts.get(c).fromSeconds(), CONTRACT, c);
            }
            double failureRatePerSecond = failures.enabled()
                    ? failures.interruptionsPerGpuHour() * fleet.gpuCount() / 3600 : 0;
            if (failureRatePerSecond > 0) {
                calendar.push(exponential(1 / failureRatePerSecond), FAILURE, 0);
            }
            double lastTime = 0;
            double allocatedIntegral = 0;
            double strandedIntegral = 0;
            double freeIntegral = 0;
            double horizonGuess = Double.isInfinite(durationLimitSeconds)
                    ? (n == 0 ? 1 : Math.max(1, w.submitSeconds()[n - 1] * 1.5)) : durationLimitSeconds;
            double sampleStep = horizonGuess / SAMPLES;
            double[] sampleTimes = new double[SAMPLES * 4];
            double[] sampleUtil = new double[SAMPLES * 4];
            int[] sampleQueue = new int[SAMPLES * 4];
            int samples = 0;
            double nextSample = 0;
            long steps = 0;
            int arrived = 0;
            while (!calendar.isEmpty()) {
                double now = calendar.peekTime();
                if (now > durationLimitSeconds) {
                    now = durationLimitSeconds;
                }
                long allocated = scheduler.allocatedGpus();
                long free = scheduler.cluster().freeGpus();
                allocatedIntegral += allocated * (now - lastTime);
                freeIntegral += free * (now - lastTime);
                strandedIntegral += stranded() * (now - lastTime);
                while (nextSample <= now && samples < sampleTimes.length) {
                    sampleTimes[samples] = nextSample;
                    sampleUtil[samples] = (double) allocated / fleet.gpuCount();
                    sampleQueue[samples] = scheduler.queuedJobs();
                    samples++;
                    nextSample += sampleStep;
                }
                lastTime = now;
                if (calendar.peekTime() > durationLimitSeconds) {
                    break;
                }
                while (!calendar.isEmpty() && calendar.peekTime() == now) {
                    int kind = calendar.peekKind();
                    int tag = calendar.peekTag();
                    int payload = calendar.pop();
                    events++;
                    switch (kind) {
                        case FINISH -> {
                            if (tag == epoch[payload]) {
                                scheduler.apply(new Event.JobFinished(now, payload));
                                account(payload, now, true);
                                billRelease(payload, now, "finished");
                                ranFor(payload);
                                end[payload] = now;
                                audit.release(payload);
                                epoch[payload]++; // a pending stop (it was being preempted) is now stale
                                activeJobs--;
                            }
                        }
                        case STOP -> {
                            if (tag == epoch[payload]) {
                                account(payload, now, true);
                                billRelease(payload, now, "stopped");
                                audit.release(payload);
                                epoch[payload]++;
                                scheduler.apply(new Event.JobStopped(now, payload, plannedRemaining(payload)));
                            }
                        }
                        case TIMEOUT -> {
                            if (tag == epoch[payload]) {
                                // Stopped at its time limit (Slurm's semantics): its GPUs are freed, it does not
                                // complete, and its work up to the limit was done.
                                scheduler.apply(new Event.JobFinished(now, payload));
                                account(payload, now, true);
                                billRelease(payload, now, "finished");
                                timedOut[payload] = true;
                                audit.release(payload);
                                epoch[payload]++;
                                activeJobs--;
                            }
                        }
                        case REPAIR -> scheduler.apply(new Event.NodeRepaired(now, payload));
                        case FAILURE -> {
                            failNode(now);
                            calendar.push(now + exponential(1 / failureRatePerSecond), FAILURE, 0);
                        }
                        case ARRIVAL -> {
                            planned[payload] = estimate(payload);
                            scheduler.apply(new Event.JobSubmitted(now, new JobSpec(payload, tenants[w.tenantOf()[payload]],
                                    w.jobClass()[payload], w.gpus()[payload], planned[payload],
                                    w.priority()[payload], w.constraints()[payload])));
                            activeJobs++;
                            arrived++;
                            if (payload + 1 < n) {
                                calendar.push(w.submitSeconds()[payload + 1], ARRIVAL, payload + 1);
                            }
                        }
                        case CONTRACT -> {
                            ContractChange c = contracts.get(payload);
                            scheduler.apply(new Event.ContractChanged(now, c.tenant(), c.gpus()));
                        }
                        default -> throw new IllegalStateException("event kind " + kind);
                    }
                }
                for (Decision d : scheduler.apply(new Event.Tick(now))) {
                    handle(d, now);
                }
                if ((++steps & 0x3FFF) == 0) {
                    progress.accept(now);
                }
                if (arrived == n && activeJobs == 0 && Double.isInfinite(durationLimitSeconds)) {
                    break; // only failures and repairs are left: the workload is done
                }
            }
            double horizon = Double.isInfinite(durationLimitSeconds) ? lastTime : durationLimitSeconds;
            if (!Double.isInfinite(durationLimitSeconds)) {
                for (int i = 0; i < n; i++) {
                    if (!Double.isNaN(start[i]) && Double.isNaN(end[i]) && !failed[i]
                            && scheduler.job(i).allocation() != null) {
                        account(i, horizon, true); // still running: its work so far is not lost
                    }
                }
            }
            return result(horizon, allocatedIntegral, freeIntegral, strandedIntegral,
                    Arrays.copyOf(sampleTimes, samples), Arrays.copyOf(sampleUtil, samples), Arrays.copyOf(sampleQueue, samples));
        }

        private long stranded() {
            var c = scheduler.cluster();
            long fullyFreeGpus = 0;
            // free GPUs on partly used nodes: total free minus GPUs of fully free nodes
            for (int p = 0; p < fleet.podCount(); p++) {
                fullyFreeGpus += (long) c.fullyFreeInPod(p) * c.maxNodeGpus();
            }
            return Math.max(0, c.freeGpus() - fullyFreeGpus);
        }

        private double exponential(double mean) {
            return -mean * Math.log(1 - random.nextDouble());
        }

        /** The scheduler's estimate for a job submitted now (see {@link Estimates}). */
        private double estimate(int job) {
            return switch (estimates) {
                case EXACT -> w.durationSeconds()[job];
                case USER, MODELED -> limitOf(job);
                case PREDICTOR -> {
                    int t = w.tenantOf()[job];
                    int seen = runtimesSeen[t];
                    if (seen == 0) {
                        yield limitOf(job);
                    }
                    double mean = seen == 1 ? lastRuntimes[t][0] : (lastRuntimes[t][0] + lastRuntimes[t][1]) / 2;
                    yield Math.min(limitOf(job), Math.max(1, mean));
                }
            };
        }

        private double limitOf(int job) {
            return limits != null ? limits[job] : w.limitOf(job);
        }

        /** [median of estimate / run time, share underestimated] over the completed jobs ([1, 0] if none). */
        private double[] estimateAccuracy() {
            double[] r = new double[n];
            int k = 0;
            int under = 0;
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(end[i])) {
                    double actual = w.durationSeconds()[i];
                    r[k++] = planned[i] / actual;
                    if (planned[i] < actual) {
                        under++;
                    }
                }
            }
            if (k == 0) {
                return new double[] {1, 0};
            }
            return new double[] {SimResult.quantiles(r, k, 0.5)[0], (double) under / k};
        }

        /** A job completed: its actual run time feeds the predictor. */
        private void ranFor(int job) {
            int t = w.tenantOf()[job];
            lastRuntimes[t][1] = lastRuntimes[t][0];
            lastRuntimes[t][0] = w.durationSeconds()[job];
            runtimesSeen[t] = Math.min(2, runtimesSeen[t] + 1);
        }

        /** Work left before the job's time limit stops it (unlimited when the scheduler plans with exact times). */
        private double limitRemaining(int job) {
            return estimates == Estimates.EXACT ? Double.POSITIVE_INFINITY
                    : Math.max(1e-9, limitOf(job) - workDone[job]);
        }

        /** What the scheduler should plan for the rest of a stopped job: its estimate less the work done. */
        private double plannedRemaining(int job) {
            return Math.max(1e-9, planned[job] - workDone[job]);
        }

        private double remaining(int job) {
            return Math.max(1e-9, w.durationSeconds()[job] - workDone[job]);
        }

        /** Books the run that ends now: allocated GPU-seconds, work kept (all of it if {@code keep}), work lost. */
        private void account(int job, double now, boolean keep) {
            double ran = now - runStart[job];
            double worked = Math.max(0, Math.min((ran - runOverhead[job]) * runSpeed[job], remaining(job)));
            double kept = keep ? worked
                    : Math.floor(worked / failures.checkpointIntervalSeconds()) * failures.checkpointIntervalSeconds();
            if (!keep && ledger != null && kept > 0) {
                // The work kept ends at the run's last checkpoint: the ledger reports what came after it as lost.
                ledger.checkpointed(job, billing.millis(runStart[job] + runOverhead[job] + kept / runSpeed[job]));
            }
            int gpus = heldGpus[job]; // a whole-racks job may hold more than it asked for
            allocatedGpuSeconds[job] += ran * gpus;
            productiveGpuSeconds += kept * gpus;
            lostGpuSeconds += (ran - kept) * gpus;
            workDone[job] += kept;
        }

        private void failNode(double now) {
            int node = random.nextInt(fleet.nodeCount());
            if (scheduler.cluster().isDown(node)) {
                return; // already out: the failure hits a node being repaired
            }
            nodeFailures++;
            for (Decision d : scheduler.apply(new Event.NodeFailed(now, node))) {
                int job = (int) d.jobId();
                account(job, now, false);
                billRelease(job, now, d instanceof Decision.MarkFailed ? "failed" : "requeued");
                audit.release(job);
                epoch[job]++;
                interrupted[job]++;
                restarts[job]++;
                if (d instanceof Decision.MarkFailed) {
                    failed[job] = true;
                    activeJobs--;
                }
            }
            calendar.push(now + exponential(failures.meanRepairSeconds()), REPAIR, node);
        }

        private void handle(Decision d, double now) {
            switch (d) {
                case Decision.Place p -> {
                    int job = (int) p.jobId();
                    if (Double.isNaN(start[job])) {
                        start[job] = now;
                    }
                    runStart[job] = now;
                    heldGpus[job] = p.allocation().totalGpus();
                    // a job that ran before pays the restart cost (reschedule, NCCL init, checkpoint load)
                    runOverhead[job] = restarts[job] > 0 || preempted[job] > 0 ? failures.restartSeconds() : 0;
                    int profile = w.speedProfileOf()[job];
                    runSpeed[job] = profile < 0 || speed == null ? 1
                            : speed.factor(w.speedProfiles().get(profile), profile, p.allocation().nodes());
                    double toLimit = limitRemaining(job);
                    if (toLimit < remaining(job)) {
                        calendar.push(now + runOverhead[job] + toLimit / runSpeed[job], TIMEOUT, job, epoch[job]);
                    } else {
                        calendar.push(now + runOverhead[job] + remaining(job) / runSpeed[job], FINISH, job, epoch[job]);
                    }
                    racks[job] = distinct(p.allocation(), true);
                    pods[job] = distinct(p.allocation(), false);
                    audit.place(job, w.tenantOf()[job], p.allocation());
                    if (ledger != null) {
                        ledger.placed(job, tenants[w.tenantOf()[job]], w.jobClass()[job],
                                fleet.nodeType(p.allocation().nodes()[0]).gpu().id(), heldGpus[job], billing.millis(now),
                                ++ledgerSeq);
                    }
                }
                case Decision.Preempt p -> {
                    int job = (int) p.jobId();
                    preempted[job]++;
                    calendar.push(now + p.graceSeconds(), STOP, job, epoch[job]);
                }
                case Decision.Requeue r -> throw new IllegalStateException("requeue outside a node failure: " + r);
                case Decision.MarkFailed f -> failed[(int) f.jobId()] = true;
            }
        }

        private int distinct(Allocation a, boolean byRack) {
            int count = 0;
            int last = -1;
            for (int node : a.nodes()) { // nodes ascending, so racks and pods ascending too
                int unit = byRack ? fleet.rackOfNode(node) : fleet.podOfRack(fleet.rackOfNode(node));
                if (unit != last) {
                    count++;
                    last = unit;
                }
            }
            return count;
        }

        private SimResult result(double horizon, double allocatedIntegral, double freeIntegral, double strandedIntegral,
                                 double[] times, double[] util, int[] queue) {
            String[] state = new String[n];
            int completed = 0;
            int failedJobs = 0;
            int unfinished = 0;
            double makespan = 0;
            double waitSum = 0;
            double jctSum = 0;
            int waited = 0;
            int started = 0;
            int timeouts = 0;
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(end[i])) {
                    state[i] = "completed";
                    completed++;
                    makespan = Math.max(makespan, end[i]);
                    jctSum += end[i] - w.submitSeconds()[i];
                } else if (failed[i]) {
                    state[i] = "failed";
                    failedJobs++;
                } else if (timedOut[i]) {
                    state[i] = "timeout";
                    timeouts++;
                } else {
                    state[i] = Double.isNaN(start[i]) || scheduler.job(i).allocation() == null ? "queued" : "running";
                    unfinished++;
                }
                if (!Double.isNaN(start[i])) {
                    started++;
                    double wait = start[i] - w.submitSeconds()[i];
                    waitSum += wait;
                    if (wait > 0) {
                        waited++;
                    }
                }
            }
            double[] ratios = estimateAccuracy();
            double p99Wait = SimResult.p99Wait(w, start);
            double capacity = (double) fleet.gpuCount() * horizon;
            double allocated = Arrays.stream(allocatedGpuSeconds).sum();
            SimResult.Summary summary = new SimResult.Summary(n, completed, failedJobs, unfinished, makespan, horizon,
                    started == 0 ? 0 : waitSum / started,
                    p99Wait,
                    waited, completed == 0 ? 0 : jctSum / completed,
                    capacity > 0 ? allocatedIntegral / capacity : 0,
                    capacity > 0 ? productiveGpuSeconds / capacity : 0,
                    allocated > 0 ? productiveGpuSeconds / allocated : 1,
                    Arrays.stream(preempted).sum(), nodeFailures, Arrays.stream(interrupted).sum(),
                    lostGpuSeconds / 3600, freeIntegral > 0 ? strandedIntegral / freeIntegral : 0,
                    audit.violations(), events, timeouts, estimates.key(), ratios[0], ratios[1]);
            // The default (the jobs' own limits) keeps the policy's name; other estimates are named beside it.
            String label = config.policy().key() + (estimates == Estimates.USER ? "" : "/" + estimates.key());
            return new SimResult(label, config.placement().name(), config.isolation().key(), w, start,
                    end, state, restarts, racks, pods, summary,
                    SimResult.groups(w, start, end, preempted, interrupted, allocatedGpuSeconds, true),
                    SimResult.groups(w, start, end, preempted, interrupted, allocatedGpuSeconds, false),
                    new SimResult.Series(times, util, queue),
                    ledger == null ? null : billing.revenue(ledger, w.tenants(), horizon));
        }
    }

    /** Counts, independently of the scheduler, placements that put two tenants into one isolation unit. */
    static final class IsolationAudit {
        private final Fleet fleet;
        private final Isolation level;
        private final int[] owner;
        private final int[] count;
        private final java.util.Map<Integer, int[]> unitsOf = new java.util.HashMap<>();
        private long violations;

        IsolationAudit(Fleet fleet, Isolation level) {
            this.fleet = fleet;
            this.level = level;
            int units = switch (level) {
                case NONE -> 0;
                case NODE -> fleet.nodeCount();
                case DOMAIN -> fleet.domainCount();
                case RACK -> fleet.rackCount();
                case POD -> fleet.podCount();
            };
            owner = new int[units];
            count = new int[units];
            Arrays.fill(owner, -1);
        }

        private int unit(int node) {
            return switch (level) {
                case NONE -> -1;
                case NODE -> node;
                case DOMAIN -> fleet.domainOfNode(node);
                case RACK -> fleet.rackOfNode(node);
                case POD -> fleet.podOfRack(fleet.rackOfNode(node));
            };
        }

        void place(int job, int tenant, Allocation a) {
            if (level == Isolation.NONE) {
                return;
            }
            int[] units = new int[a.nodes().length];
            for (int i = 0; i < units.length; i++) {
                int u = unit(a.nodes()[i]);
                units[i] = u;
                if (owner[u] >= 0 && owner[u] != tenant) {
                    violations++;
                }
                owner[u] = tenant;
                count[u]++;
            }
            unitsOf.put(job, units);
        }

        void release(int job) {
            int[] units = unitsOf.remove(job);
            if (units == null) {
                return;
            }
            for (int u : units) {
                if (--count[u] == 0) {
                    owner[u] = -1;
                }
            }
        }

        long violations() {
            return violations;
        }
    }
}
