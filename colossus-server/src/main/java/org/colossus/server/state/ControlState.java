package org.colossus.server.state;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.colossus.fleet.Fleet;
import org.colossus.ledger.Usage;
import org.colossus.scheduler.Constraints;
import org.colossus.scheduler.Decision;
import org.colossus.scheduler.Event;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobSpec;
import org.colossus.scheduler.JobState;
import org.colossus.scheduler.Scheduler;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;

/**
 * Everything the control plane knows, as a projection of the journal: tenants, credentials, contracts, jobs, usage and
 * the scheduler core. {@link #apply} is the only way it changes, and it is deterministic: the same entries give the
 * same state, bit for bit ({@link #stateHash()}). Scheduler decisions are returned by the entry that caused them
 * and must then be applied as the following (derived) entries; during replay a derived entry that differs from
 * what the core decides again is a {@link JournalDivergedException}.
 *
 * <p>Not thread-safe: one thread (the engine's) owns it. Only {@link #credential} may be read concurrently.

 * <p>Over 500 lines: {@link #apply}'s exhaustive switch over every journal payload is most of it, and it must stay one
 * method to stay one deterministic transition. The read side is {@code StateViews}, snapshots and the state hash are
 * {@code StateCodec}, metering is the ledger's {@code Usage}.
 */
public final class ControlState {

    final Fleet fleet;
    final SchedulerConfig config;
    final Scheduler scheduler;
    long originMillis = Long.MIN_VALUE;
    long lastSeq;
    long lastTimeMillis = Long.MIN_VALUE;
    final Map<String, TenantRecord> tenants = new TreeMap<>();
    final Map<String, Credential> credentials = new ConcurrentHashMap<>();
    final TreeMap<Long, ContractRecord> contracts = new TreeMap<>();
    final TreeMap<Long, JobRecord> jobs = new TreeMap<>();
    final Map<Integer, Set<Long>> jobsOnNode = new HashMap<>();
    final ArrayDeque<Payload> expected = new ArrayDeque<>();
    final Set<String> gpuModels;
    private final StateViews views = new StateViews(this);

    /** A tenant and its running totals. */
    static final class TenantRecord {
        final String name;
        final long createdMillis;
        /** Its ids' prefix (Payload.TenantCreated); 0 for tenants of older journals, which share one sequence. */
        final int idPrefix;
        final Usage usage = new Usage();
        /** The operator's own limits for this tenant, or null for the server's defaults. */
        Payload.TenantLimitsSet limits;
        final List<Long> jobIds = new ArrayList<>();
        int completed;

        TenantRecord(String name, long createdMillis, int idPrefix) {
            this.name = name;
            this.createdMillis = createdMillis;
            this.idPrefix = idPrefix;
        }
    }

    /** PENDING before its start, ACTIVE during its period, ENDED after (or when the operator ends it). */
    public enum ContractStatus { PENDING, ACTIVE, ENDED }

    static final class ContractRecord {
        final Payload.ContractSigned signed;
        final JobClass jobClass;
        final BigDecimal price;
        ContractStatus status = ContractStatus.PENDING;
        long endedMillis = -1;
        String endReason;

        ContractRecord(Payload.ContractSigned signed) {
            this.signed = signed;
            this.jobClass = JobClass.parse(signed.jobClass());
            this.price = new BigDecimal(signed.pricePerGpuHour());
        }
    }

    static final class JobRecord {
        final Payload.JobSubmitted spec;
        final String tenant;
        final JobClass jobClass;
        final long submittedMillis;
        long runStartMillis = -1;
        long lastStartMillis = -1;
        long endedMillis = -1;
        long workDoneMillis;
        long workAtRunStartMillis;
        long gpuMillis;
        BigDecimal price = BigDecimal.ZERO;
        int restarts;
        List<Integer> nodes = List.of();
        String failureReason;
        /** The data plane's id of the current run (a Slurm job id), once it reported the launch; else null. */
        String handle;
        /** The exit code a real data plane reported when the job ended, or null. */
        Integer exitCode;

        JobRecord(Payload.JobSubmitted spec, String tenant, long submittedMillis) {
            this.spec = spec;
            this.tenant = tenant;
            this.jobClass = JobClass.parse(spec.jobClass());
            this.submittedMillis = submittedMillis;
        }
    }

    public ControlState(Fleet fleet, SchedulerConfig config) {
        this(fleet, config, new Scheduler(fleet, config));
    }

    ControlState(Fleet fleet, SchedulerConfig config, Scheduler scheduler) {
        this.fleet = fleet;
        this.config = config;
        this.scheduler = scheduler;
        Set<String> models = new TreeSet<>();
        for (int n = 0; n < fleet.nodeCount(); n++) {
            models.add(fleet.nodeType(n).gpu().id());
        }
        this.gpuModels = Set.copyOf(models);
    }

    /** The first journal entry for this fleet and configuration. */
    public Payload.ControlPlaneDefined definition(String fleetName) {
        return new Payload.ControlPlaneDefined(fleetName, fleet.nodeCount(), fleet.gpuCount(), config.policy().key(),
                config.placement().name(), config.isolation().key());
    }

    public Fleet fleet() {
        return fleet;
    }

    public SchedulerConfig config() {
        return config;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long lastTimeMillis() {
        return lastTimeMillis;
    }

    public Set<String> gpuModels() {
        return gpuModels;
    }

    /** Read by request threads: keyId to verifier. */
    public Credential credential(String keyId) {
        return credentials.get(keyId);
    }

    /** The ids of a tenant's valid API keys, sorted. */
    public List<String> tenantKeyIds(String tenant) {
        return credentials.values().stream().filter(c -> tenant.equals(c.tenant())).map(Credential::keyId).sorted()
                .toList();
    }

    /** A tenant's admission limits: {@code defaults} with the operator's overrides for it. */
    public AdmissionLimits limitsOf(String tenant, AdmissionLimits defaults) {
        TenantRecord t = tenants.get(tenant);
        return t == null ? defaults : defaults.with(t.limits);
    }

    /** Jobs of {@code tenant} waiting in the queue. */
    public int queuedJobs(String tenant) {
        return scheduler.queuedJobs(tenant);
    }

    public boolean hasOperatorKey() {
        return credentials.values().stream().anyMatch(Credential::operator);
    }

    public boolean hasTenant(String name) {
        return tenants.containsKey(name);
    }

    /** Ids of tenants without a prefix (journals written before prefixes) share one sequence below this. */
    private static final long ID_SPACE = 1L << 32;
    /** Prefixes lie in [1, 2^20): ids stay below 2^52, exact in JavaScript and JSON readers that use doubles. */
    static final int ID_PREFIXES = 1 << 20;

    /**
     * The first prefix no tenant has, probing upward from one drawn from {@code seed}: which prefix a tenant gets
     * reveals nothing of how many came before it, and its ids then count only its own jobs and contracts.
     */
    public int freeIdPrefix(long seed) {
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (TenantRecord t : tenants.values()) {
            taken.add(t.idPrefix);
        }
        int p = (int) Math.floorMod(seed, (long) (ID_PREFIXES - 1)) + 1;
        while (taken.contains(p)) {
            p = p == ID_PREFIXES - 1 ? 1 : p + 1;
        }
        return p;
    }

    public long nextJobId(String tenant) {
        return nextId(jobs, tenants.get(tenant).idPrefix);
    }

    public long nextContractId(String tenant) {
        return nextId(contracts, tenants.get(tenant).idPrefix);
    }

    private static long nextId(TreeMap<Long, ?> byId, int prefix) {
        long base = (long) prefix * ID_SPACE;
        Long last = byId.lowerKey(base + ID_SPACE);
        return last == null || last < base ? base + 1 : last + 1;
    }

    /** The job's tenant, or null if there is no such job. */
    public String jobTenant(long id) {
        JobRecord r = jobs.get(id);
        return r == null ? null : r.tenant;
    }

    public JobState jobState(long id) {
        return scheduler.job(id).state();
    }

    public boolean contractExists(long id) {
        return contracts.containsKey(id);
    }

    public ContractStatus contractStatus(long id) {
        return contracts.get(id).status;
    }

    public boolean nodeDown(int node) {
        return scheduler.cluster().isDown(node);
    }

    public Set<Integer> drainedNodes() {
        Set<Integer> out = new TreeSet<>();
        for (int n = 0; n < fleet.nodeCount(); n++) {
            if (scheduler.cluster().isDrained(n)) {
                out.add(n);
            }
        }
        return out;
    }

    public Set<Integer> downNodes() {
        Set<Integer> out = new TreeSet<>();
        for (int n = 0; n < fleet.nodeCount(); n++) {
            if (scheduler.cluster().isDown(n)) {
                out.add(n);
            }
        }
        return out;
    }

    public boolean nodeDrained(int node) {
        return scheduler.cluster().isDrained(node);
    }

    /** Active contract GPUs of this tenant for this class and GPU model. */
    public int activeContractGpus(String tenant, JobClass jobClass, String gpuModel) {
        int sum = 0;
        for (ContractRecord c : contracts.values()) {
            if (c.status == ContractStatus.ACTIVE && c.signed.tenant().equals(tenant) && c.jobClass == jobClass
                    && c.signed.gpuModel().equals(gpuModel)) {
                sum += c.signed.gpus();
            }
        }
        return sum;
    }

    /** Contracts whose start or end time has come by {@code nowMillis}: what the clock must journal next. */
    public List<Payload> contractTransitions(long nowMillis) {
        List<Payload> out = new ArrayList<>();
        for (ContractRecord c : contracts.values()) {
            if (c.status == ContractStatus.PENDING && c.signed.startMillis() <= nowMillis) {
                out.add(new Payload.ContractStarted(c.signed.id()));
            }
            if (c.status != ContractStatus.ENDED && c.signed.endMillis() <= nowMillis) {
                out.add(new Payload.ContractEnded(c.signed.id(), "expired"));
            }
        }
        return out;
    }

    /**
     * Jobs holding GPUs, for a data plane taking over after a restart.
     *
     * @param limitMillis work at which the job is stopped (its time limit), or {@code Long.MAX_VALUE} for none
     */
    public record RunningJob(long id, long runStartMillis, long workAtRunStartMillis, long durationMillis,
                             boolean preempting, List<Integer> nodes, long limitMillis, String handle, Launch launch) {
    }

    /**
     * Everything a data plane needs to start one run of a placed job.
     *
     * @param gpusPerNode GPUs the job uses on each of its nodes
     * @param exclusive whole nodes for this job alone, even apart from the tenant's other jobs (a confidential job)
     * @param limitMillis work at which the job is stopped, or {@code Long.MAX_VALUE} for none
     * @param run what it runs, or null for a job with nothing to run (the embedded fleet simulates it)
     * @param planned its duration is the planner's estimate (a model + tokens job), not one the tenant declared
     */
    public record Launch(long id, String tenant, String name, List<Integer> nodes, int gpusPerNode,
                         long workDoneMillis, long durationMillis, long limitMillis, boolean exclusive,
                         Payload.JobRun run, boolean planned) {
        /**
         * How long a real run may take, or 0 for no limit: the time limit asked for, else a declared duration (a
         * real job's duration is its limit), but not a planner's estimate; less the work already saved.
         */
        public long wallLimitMillis() {
            long limit = limitMillis != Long.MAX_VALUE ? limitMillis : planned ? 0 : durationMillis;
            return limit == 0 ? 0 : Math.max(60_000, limit - workDoneMillis);
        }
    }

    /** The launch of the job's current placement. */
    public Launch launch(long jobId) {
        JobRecord r = jobs.get(jobId);
        int perNode = r.nodes.isEmpty() ? r.spec.gpus() : Math.max(1, r.spec.gpus() / r.nodes.size());
        // Hopper's CC mode protects a whole node (docs/trust.md): no other job, not even the tenant's own, shares it.
        boolean exclusive = r.spec.confidentialComputing();
        return new Launch(jobId, r.tenant, r.spec.name(), r.nodes, perNode, r.workDoneMillis, r.spec.durationMillis(),
                limitMillis(jobId), exclusive, r.spec.run(), r.spec.model() != null);
    }

    public List<RunningJob> holdingJobs() {
        List<RunningJob> out = new ArrayList<>();
        for (JobRecord r : jobs.values()) {
            if (r.runStartMillis >= 0) {
                JobState s = scheduler.job(r.spec.id()).state();
                out.add(new RunningJob(r.spec.id(), r.runStartMillis, r.workAtRunStartMillis, r.spec.durationMillis(),
                        s == JobState.PREEMPTING, r.nodes, limitMillis(r.spec.id()), r.handle, launch(r.spec.id())));
            }
        }
        return out;
    }

    public long workDoneMillis(long jobId) {
        return jobs.get(jobId).workDoneMillis;
    }

    public long durationMillis(long jobId) {
        return jobs.get(jobId).spec.durationMillis();
    }

    /** The job's time limit (work at which it is stopped), or {@code Long.MAX_VALUE} for none. */
    public long limitMillis(long jobId) {
        Long l = jobs.get(jobId).spec.timeLimitMillis();
        return l == null ? Long.MAX_VALUE : l;
    }

    /** Why a job ended without completing, when it was stopped at its time limit. */
    public static final String TIME_LIMIT = "stopped at its time limit";

    // ---------------------------------------------------------------------------------------------------------------
    // Applying entries

    private double seconds(long millis) {
        return (millis - originMillis) / 1000.0;
    }

    /**
     * Applies the next entry.
     *
     * @return the scheduler decisions it caused, as the derived payloads that must follow it in the journal
     * @throws JournalDivergedException if the entry does not continue the journal or contradicts a decision
     */
    public List<Payload> apply(Entry e) {
        return apply(e, Payload.of(e));
    }

    /** As {@link #apply(Entry)}, with the entry's payload already parsed (the engine has it at hand). */
    public List<Payload> apply(Entry e, Payload p) {
        if (e.seq() != lastSeq + 1) {
            throw new JournalDivergedException("entry " + e.seq() + " does not follow entry " + lastSeq);
        }
        if (lastTimeMillis != Long.MIN_VALUE && e.timeMillis() < lastTimeMillis) {
            throw new JournalDivergedException("entry " + e.seq() + " at " + e.timeMillis() + " ms goes back in time from "
                    + lastTimeMillis + " ms");
        }
        if (originMillis == Long.MIN_VALUE) {
            originMillis = e.timeMillis();
        }
        lastSeq = e.seq();
        lastTimeMillis = e.timeMillis();
        long t = e.timeMillis();
        if (p.derived()) {
            Payload want = expected.poll();
            if (!p.equals(want)) {
                throw new JournalDivergedException("entry " + e.seq() + " says " + e.type() + " " + e.payload()
                        + " but the scheduler decides " + (want == null ? "nothing" : want.type() + " " + Canonical.json(want)));
            }
            applyDerived(p, t);
            return List.of();
        }
        if (!expected.isEmpty()) {
            throw new JournalDivergedException("entry " + e.seq() + " (" + e.type() + ") where the scheduler's decision "
                    + expected.peek().type() + " " + Canonical.json(expected.peek()) + " belongs");
        }
        double s = seconds(t);
        List<Decision> decisions = switch (p) {
            case Payload.ControlPlaneDefined d -> {
                Payload.ControlPlaneDefined mine = definition(d.fleet());
                if (!mine.equals(d)) {
                    throw new JournalDivergedException("the journal was written for " + Canonical.json(d)
                            + " but this server runs " + Canonical.json(mine));
                }
                yield List.of();
            }
            case Payload.OperatorKeyIssued k -> {
                credentials.put(k.keyId(), new Credential(k.keyId(), null, k.salt(), k.hash()));
                yield List.of();
            }
            case Payload.TenantCreated c -> {
                tenants.put(c.name(), new TenantRecord(c.name(), t, c.idPrefix() == null ? 0 : c.idPrefix()));
                credentials.put(c.keyId(), new Credential(c.keyId(), c.name(), c.salt(), c.hash()));
                yield List.of();
            }
            case Payload.TenantKeyIssued k -> {
                credentials.put(k.keyId(), new Credential(k.keyId(), k.name(), k.salt(), k.hash()));
                yield List.of();
            }
            case Payload.TenantKeyRevoked k -> {
                credentials.remove(k.keyId());
                yield List.of();
            }
            case Payload.TenantLimitsSet l -> {
                tenants.get(l.name()).limits = l;
                yield List.of();
            }
            case Payload.ContractSigned c -> {
                contracts.put(c.id(), new ContractRecord(c));
                yield List.of();
            }
            case Payload.ContractStarted c -> {
                ContractRecord r = contracts.get(c.id());
                r.status = ContractStatus.ACTIVE;
                yield reservedChanged(r, s);
            }
            case Payload.ContractEnded c -> {
                ContractRecord r = contracts.get(c.id());
                boolean wasActive = r.status == ContractStatus.ACTIVE;
                r.status = ContractStatus.ENDED;
                r.endedMillis = t;
                r.endReason = c.reason();
                yield wasActive ? reservedChanged(r, s) : List.of();
            }
            case Payload.JobSubmitted j -> {
                JobRecord r = new JobRecord(j, e.tenant(), t);
                jobs.put(j.id(), r);
                tenants.get(r.tenant).jobIds.add(j.id());
                JobSpec spec = new JobSpec(j.id(), r.tenant, r.jobClass, j.gpus(), j.plannedMillis() / 1000.0,
                        j.priority(), new Constraints(j.withinPod(), j.maxRacks(), j.wholeRacks()));
                yield scheduler.apply(new Event.JobSubmitted(s, spec));
            }
            case Payload.JobCancelled c -> {
                JobRecord r = jobs.get(c.id());
                release(r, t);
                r.endedMillis = t;
                yield scheduler.apply(new Event.JobCancelled(s, c.id()));
            }
            case Payload.NodeDrain d -> scheduler.apply(new Event.DrainRequested(s, d.node(), d.drain()));
            case Payload.CheckpointSealed ignored -> List.of(); // a record in the log; no state
            case Payload.InvoiceIssued i -> {
                invoicesApplied.add(i.id()); // the ledger keeps invoices; this only guards one batch (below)
                yield List.of();
            }
            case Payload.JobFinished f -> {
                JobRecord r = jobs.get(f.id());
                long worked = r.runStartMillis < 0 ? r.workDoneMillis : r.workAtRunStartMillis + (t - r.runStartMillis);
                release(r, t);
                // A failed run did only what it did; a done one did all its work (a real job may end early).
                r.workDoneMillis = f.failure() != null ? Math.min(r.spec.stopsAtMillis(), Math.max(r.workDoneMillis, worked))
                        : r.spec.stopsAtMillis();
                r.endedMillis = t;
                r.exitCode = f.exitCode();
                if (Boolean.TRUE.equals(f.timeLimit())) {
                    r.failureReason = TIME_LIMIT;
                } else if (f.failure() != null) {
                    r.failureReason = f.failure();
                } else {
                    tenants.get(r.tenant).completed++;
                }
                yield scheduler.apply(new Event.JobFinished(s, f.id()));
            }
            case Payload.JobLaunched l -> {
                jobs.get(l.id()).handle = l.handle();
                yield List.of();
            }
            case Payload.JobCheckpointed c -> {
                jobs.get(c.id()).workDoneMillis = c.workMillis();
                yield List.of();
            }
            case Payload.JobStopped st -> {
                JobRecord r = jobs.get(st.id());
                release(r, t);
                r.workDoneMillis = r.spec.durationMillis() - st.remainingMillis();
                yield scheduler.apply(new Event.JobStopped(s, st.id(), st.remainingMillis() / 1000.0));
            }
            case Payload.NodeFailed f -> scheduler.apply(new Event.NodeFailed(s, f.node()));
            case Payload.NodeRepaired r -> scheduler.apply(new Event.NodeRepaired(s, r.node()));
            case Payload.SchedulerPass ignored -> scheduler.apply(new Event.Tick(s));
            case Payload.JobPlaced x -> throw new IllegalStateException("derived");
            case Payload.JobPreempting x -> throw new IllegalStateException("derived");
            case Payload.JobRequeued x -> throw new IllegalStateException("derived");
            case Payload.JobFailed x -> throw new IllegalStateException("derived");
        };
        if (decisions.isEmpty()) {
            return List.of();
        }
        List<Payload> out = new ArrayList<>(decisions.size());
        for (Decision d : decisions) {
            out.add(switch (d) {
                case Decision.Place pl -> new Payload.JobPlaced(pl.jobId(), boxed(pl.allocation().nodes()),
                        boxed(pl.allocation().gpus()));
                case Decision.Preempt pr -> new Payload.JobPreempting(pr.jobId(), pr.forJobId(),
                        Math.round(pr.graceSeconds() * 1000));
                case Decision.Requeue rq -> new Payload.JobRequeued(rq.jobId(), rq.failedNode());
                case Decision.MarkFailed mf -> new Payload.JobFailed(mf.jobId(), mf.reason());
            });
        }
        expected.addAll(out);
        return out;
    }

    private List<Decision> reservedChanged(ContractRecord r, double s) {
        if (r.jobClass != JobClass.RESERVED) {
            return List.of();
        }
        int reserved = 0;
        for (ContractRecord c : contracts.values()) {
            if (c.status == ContractStatus.ACTIVE && c.jobClass == JobClass.RESERVED
                    && c.signed.tenant().equals(r.signed.tenant())) {
                reserved += c.signed.gpus();
            }
        }
        return scheduler.apply(new Event.ContractChanged(s, r.signed.tenant(), reserved));
    }

    private static List<Integer> boxed(int[] values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    private void applyDerived(Payload p, long t) {
        switch (p) {
            case Payload.JobPlaced pl -> {
                JobRecord r = jobs.get(pl.id());
                r.runStartMillis = t;
                r.lastStartMillis = t;
                r.workAtRunStartMillis = r.workDoneMillis;
                r.nodes = pl.nodes();
                r.handle = null; // a new run: the data plane reports its id
                r.price = priceFor(r);
                for (int n : pl.nodes()) {
                    jobsOnNode.computeIfAbsent(n, k -> new TreeSet<>()).add(pl.id());
                }
            }
            case Payload.JobRequeued rq -> {
                JobRecord r = jobs.get(rq.id());
                release(r, t);
                r.restarts++;
            }
            case Payload.JobFailed f -> {
                JobRecord r = jobs.get(f.id());
                release(r, t);
                r.failureReason = f.reason();
                r.endedMillis = t;
            }
            case Payload.JobPreempting ignored -> {
            }
            default -> throw new IllegalStateException("not derived: " + p.type());
        }
    }

    /** The job stops holding GPUs at {@code t}: its usage is metered. Idempotent. */
    private void release(JobRecord r, long t) {
        if (r.runStartMillis < 0) {
            return;
        }
        long gpuMillis = (t - r.runStartMillis) * (long) r.spec.gpus();
        r.gpuMillis += gpuMillis;
        TenantRecord tr = tenants.get(r.tenant);
        tr.usage.add(r.jobClass, gpuMillis, r.price);
        for (int n : r.nodes) {
            Set<Long> on = jobsOnNode.get(n);
            if (on != null) {
                on.remove(r.spec.id());
                if (on.isEmpty()) {
                    jobsOnNode.remove(n);
                }
            }
        }
        r.runStartMillis = -1;
        r.nodes = List.of();
    }


    /** The price of the tenant's active contract for the job's class and GPU (the oldest), else its latest one. */
    private BigDecimal priceFor(JobRecord r) {
        BigDecimal latest = BigDecimal.ZERO;
        for (ContractRecord c : contracts.values()) {
            if (c.signed.tenant().equals(r.tenant) && c.jobClass == r.jobClass
                    && c.signed.gpuModel().equals(r.spec.gpuModel())) {
                if (c.status == ContractStatus.ACTIVE) {
                    return c.price;
                }
                latest = c.price;
            }
        }
        return latest;
    }

    /**
     * Invoice ids this state has applied since it was loaded. The ledger ({@code Billing}) holds every issued invoice,
     * but hears of a batch only once it commits; two requests to issue the same invoice in one batch are told apart
     * here. Not part of snapshots or the state hash: after a restart the ledger has them all.
     */
    private final Set<String> invoicesApplied = new java.util.HashSet<>();

    public boolean invoiceAppliedSinceLoad(String id) {
        return invoicesApplied.contains(id);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views (StateViews)

    public List<Views.Tenant> tenants() {
        return views.tenants();
    }

    public List<Views.Contract> contracts(String tenant) {
        return views.contracts(tenant);
    }

    public Views.Contract contract(long id) {
        return views.contract(id);
    }

    public Views.Page<Views.Job> jobs(String tenant, JobState state, long afterId, int limit) {
        return views.jobs(tenant, state, afterId, limit);
    }

    public Views.Job job(long id) {
        return views.job(id);
    }

    public String nodeState(int n) {
        return views.nodeState(n);
    }

    public Views.Page<Views.Node> nodes(String state, int afterId, int limit) {
        return views.nodes(state, afterId, limit);
    }

    public Views.Node node(int n) {
        return views.node(n);
    }

    public Views.Fleet fleetView(long nowMillis) {
        return views.fleetView(nowMillis);
    }

    /** GPUs held by tenant and class, the queue and failed GPUs now (the console's time series). */
    public Views.Occupancy occupancy() {
        return views.occupancy();
    }

    /** The console's fleet map as {@code viewer} may see it (null: the operator). */
    public Views.FleetMap fleetMap(String viewer) {
        return views.fleetMap(viewer);
    }

    public int queuedJobs() {
        return views.queuedJobs();
    }

    public int runningJobs() {
        return views.runningJobs();
    }

    public long allocatedGpus() {
        return views.allocatedGpus();
    }

    /** A tenant's usage with its admission limits ({@code defaults} with the operator's overrides). */
    public Views.Usage usage(String tenant, long nowMillis, AdmissionLimits defaults) {
        return views.usage(tenant, nowMillis, limitsOf(tenant, defaults));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Snapshots and the state hash (StateCodec)

    /** The state as values; only between batches (no decision is awaiting its entry). */
    public StateSnapshot snapshot() {
        return StateCodec.snapshot(this);
    }

    /** A state equal to the one that took {@code s}. */
    public static ControlState restore(Fleet fleet, SchedulerConfig config, StateSnapshot s) {
        return StateCodec.restore(fleet, config, s);
    }

    /**
     * SHA-256 over a canonical dump of the whole state (tenants, contracts, jobs with their metering, the scheduler
     * core's snapshot). Equal hashes after live operation and after a cold replay prove replay reproduces the state.
     */
    public String stateHash() {
        return StateCodec.stateHash(this);
    }
}
