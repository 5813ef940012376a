package org.colossus.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.colossus.scheduler.JobState;
import org.colossus.server.dataplane.DataPlane;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.FencedException;
import org.colossus.server.journal.JournalStore;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;

/**
 * The one thread that changes the state. Requests queue up; the engine takes a batch, validates each command against
 * the state, applies its entries (and the scheduler decisions they cause), runs one scheduling pass for the batch,
 * commits everything in one transaction (group commit), and only then answers the callers, tells the data plane,
 * and publishes the entries. Between batches it polls the data plane and the contract calendar on the clock.
 *
 * <p>If a commit fails, the batch's callers get a 503 and the state is rebuilt from the store, so memory never runs
 * ahead of the journal.
 */
public final class Engine implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Engine.class);
    private static final int MAX_BATCH = 1024;
    private static final long POLL_MILLIS = 20;

    private sealed interface Work {
    }

    private record Write<R>(Command<R> command, CompletableFuture<R> reply) implements Work {
    }

    private record Read<R>(Function<ControlState, R> query, CompletableFuture<R> reply) implements Work {
    }

    private record Stop() implements Work {
    }

    /** Take the lead under {@code epoch} (high availability): catch up with the journal, fence, adopt the data plane. */
    private record Promote(long epoch, CompletableFuture<Void> done) implements Work {
    }

    /** Step down to standby: follow the journal, answer reads, refuse writes. */
    private record Demote(String why, CompletableFuture<Void> done) implements Work {
    }

    /** What the engine tells its server when its role changes (on the engine thread). */
    public interface RoleListener {
        /** Called after catching up and before the first write: fence the store's writes with {@code epoch}. */
        void promoted(long epoch);

        /** Called after stepping down (a fenced write, a lost lease, a shutdown). */
        void demoted(String why);
    }

    private final JournalStore store;
    private final Supplier<ControlState> rebuild;
    private final DataPlane dataPlane;
    private final SimClock clock;
    private final Consumer<Committed> published;
    /** The typed payloads of the current batch's entries, in the same order (published with them, not re-parsed). */
    private final List<Payload> batchPayloads = new ArrayList<>();

    /** A committed batch: its entries and, in the same order, their typed payloads. */
    public record Committed(List<Entry> entries, List<Payload> payloads) {
    }
    /** Requests wait in one lane per caller, served in turn (see {@link FairInbox}). */
    private final FairInbox<Work> inbox = new FairInbox<>();
    /** What the data plane must hear about from the current batch, in order. */
    private final List<Payload> decided = new ArrayList<>();
    private final Thread thread;
    private final AtomicLong committedSeq = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile long lastCommitNanos = System.nanoTime();
    private final AtomicLong applyNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final AtomicLong afterNanos = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchItems = new AtomicLong();
    private volatile boolean running = true;
    /** False on a standby: it follows the journal another server writes. */
    private volatile boolean leader = true;
    private volatile String leaderUrl;
    private volatile long epoch;
    private RoleListener roles = new RoleListener() {
        @Override
        public void promoted(long e) {
        }

        @Override
        public void demoted(String why) {
        }
    };
    private volatile Throwable fatal;
    private volatile ControlState state;

    /**
     * @param rebuild loads the state from the store again (after a failed commit)
     * @param published receives every committed batch of entries, on the engine thread; must not block
     */
    public Engine(JournalStore store, ControlState state, Supplier<ControlState> rebuild, DataPlane dataPlane, SimClock clock,
                  Consumer<Committed> published) {
        this.store = store;
        this.state = state;
        this.rebuild = rebuild;
        this.dataPlane = dataPlane;
        this.clock = clock;
        this.published = published;
        this.committedSeq.set(state.lastSeq());
        this.thread = new Thread(this::loop, "colossus-engine");
    }

    /** Null while the data plane can act; else why not (docs/slurm.md). */
    public String dataPlaneUnavailable() {
        return leader ? dataPlane.unavailable() : null;
    }

    public void start() {
        if (leader) {
            dataPlane.drained(state.drainedNodes());
            dataPlane.adopt(state.holdingJobs(), state.downNodes(), now());
        }
        thread.start();
    }

    /** Instead of {@link #start()}: begin as a standby that follows the journal (high availability). */
    public void startAsStandby(RoleListener listener) {
        this.roles = listener;
        this.ha = true;
        this.leader = false;
        start();
    }

    /** Instead of {@link #start()}: begin as the leader under {@code epoch} (high availability). */
    public void startAsLeader(long epoch, RoleListener listener) {
        this.roles = listener;
        this.ha = true;
        this.epoch = epoch;
        start();
    }

    private volatile boolean ha;
    private volatile long followLag;
    private long lastFollowWarning;

    /** On a standby: the journal entries it found behind it when it last polled (10,000 means at least that). */
    public long followLag() {
        return followLag;
    }

    /** {@code single} (no high availability), {@code leader} or {@code standby}. */
    public String role() {
        return !ha ? "single" : leader ? "leader" : "standby";
    }

    /** Takes the lead: completes once the engine has caught up with the journal and accepts writes. */
    public CompletableFuture<Void> promote(long newEpoch) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        inbox.add(SYSTEM_LANE, new Promote(newEpoch, f));
        return f;
    }

    /** Steps down (the lease was lost): completes once writes are refused. */
    public CompletableFuture<Void> demote(String why) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        inbox.add(SYSTEM_LANE, new Demote(why, f));
        return f;
    }

    public boolean leader() {
        return leader;
    }

    public long epoch() {
        return epoch;
    }

    /** Where a standby sends writers (the leader's URL as the lease row says), or null. */
    public void setLeaderUrl(String url) {
        this.leaderUrl = url;
    }

    public String leaderUrl() {
        return leaderUrl;
    }

    /** The lane of work that no tenant asked for: start-up, the operator's tools, benchmarks. */
    public static final String SYSTEM_LANE = "";

    /** Queues a command; the future completes after its entries are committed, or with the {@link Problem}. */
    public <R> CompletableFuture<R> submit(Command<R> command) {
        return submit(SYSTEM_LANE, command);
    }

    /**
     * Queues a command in a caller's lane (a tenant's name, or the operator's): lanes are served in turn, so one
     * caller's flood delays its own requests, not its rivals'.
     */
    public <R> CompletableFuture<R> submit(String lane, Command<R> command) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(Problem.unavailable("the server is shutting down"));
            return f;
        }
        inbox.add(lane, new Write<>(command, f));
        return f;
    }

    /** Runs a query on the engine thread against a consistent, committed state. */
    public <R> CompletableFuture<R> read(Function<ControlState, R> query) {
        return read(SYSTEM_LANE, query);
    }

    /** Runs a query in a caller's lane (see {@link #submit(String, Command)}). */
    public <R> CompletableFuture<R> read(String lane, Function<ControlState, R> query) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(Problem.unavailable("the server is shutting down"));
            return f;
        }
        inbox.add(lane, new Read<>(query, f));
        return f;
    }

    /** Requests waiting for the engine: the journal lag. */
    public int backlog() {
        return inbox.size();
    }

    public long committedSeq() {
        return committedSeq.get();
    }

    public long commits() {
        return commits.get();
    }

    /** Where the engine thread's time goes: applying (validation, state, scheduler), committing, answering. */
    public record Timing(long batches, long items, double applySeconds, double commitSeconds, double afterSeconds) {
    }

    public Timing timing() {
        return new Timing(batches.get(), batchItems.get(), applyNanos.get() / 1e9, commitNanos.get() / 1e9,
                afterNanos.get() / 1e9);
    }

    public double secondsSinceLastCommit() {
        return (System.nanoTime() - lastCommitNanos) / 1e9;
    }

    public boolean healthy() {
        return running && fatal == null && thread.isAlive();
    }

    private Consumer<ControlState> afterCommit = s -> {
    };

    /** A hook run on the engine thread after every commit (snapshots). Set before {@link #start()}. */
    public void setAfterCommit(Consumer<ControlState> hook) {
        this.afterCommit = hook;
    }

    /** The state once the engine has stopped (for a final snapshot); null while it runs. */
    public ControlState stoppedState() {
        return thread.isAlive() ? null : state;
    }

    /** For request threads: the verifier of an API key id, or null. */
    public org.colossus.server.state.Credential credential(String keyId) {
        return state.credential(keyId);
    }

    public long now() {
        long t = clock.millis();
        return Math.max(t, state.lastTimeMillis());
    }

    private void loop() {
        List<Work> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                // Everything that queued up while the last batch committed goes into the next one (group commit).
                Work first = inbox.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, MAX_BATCH - 1);
                }
                boolean stop = batch.stream().anyMatch(w -> w instanceof Stop);
                roleChanges(batch);
                if (!leader) {
                    follow(batch);
                    if (stop) {
                        running = false;
                        break;
                    }
                    continue;
                }
                process(batch, !stop);
                if (stop) {
                    // Lanes are served in turn, so work queued before the stop may still wait in other lanes:
                    // finish it (new work is refused from here on).
                    running = false;
                    do {
                        batch.clear();
                        inbox.drainTo(batch, MAX_BATCH);
                        process(batch, false);
                    } while (!batch.isEmpty());
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fatal = e;
            running = false;
            LOG.error("engine stopped", e);
            failAll();
            throw e;
        }
    }

    /**
     * The state reloaded from the journal after a failed batch. While the database cannot be reached (it restarts, a
     * failover of PostgreSQL) it keeps trying, with a growing pause, and answers whatever queues meanwhile with a 503,
     * instead of letting the engine die with the database.
     */
    private ControlState rebuilt() {
        long pause = 100;
        while (true) {
            try {
                return rebuild.get();
            } catch (RuntimeException e) {
                LOG.warn("the journal cannot be read ({}); retrying in {} ms", e.getMessage(), pause);
                Work w;
                while ((w = inbox.poll()) != null) {
                    switch (w) {
                        case Write<?> wr -> wr.reply.completeExceptionally(
                                Problem.unavailable("the journal database is unreachable; nothing was changed"));
                        case Read<?> rd -> rd.reply.completeExceptionally(
                                Problem.unavailable("the journal database is unreachable"));
                        case Stop st -> {
                            inbox.add(SYSTEM_LANE, st); // stop once the state is back (or give up below)
                            throw new IllegalStateException("stopped while the journal database was unreachable", e);
                        }
                        case Promote p -> p.done().completeExceptionally(
                                Problem.unavailable("the journal database is unreachable"));
                        case Demote d -> {
                            stepDown(d.why());
                            d.done().complete(null);
                        }
                    }
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the journal database was unreachable", e);
                }
                pause = Math.min(2_000, pause * 2);
            }
        }
    }

    /** Promotions and demotions in a batch, in order, before anything else in it. */
    private void roleChanges(List<Work> batch) {
        for (Work w : batch) {
            switch (w) {
                case Promote p -> {
                    try {
                        if (!leader) {
                            follow(List.of());
                            roles.promoted(p.epoch());
                            epoch = p.epoch();
                            leader = true;
                            dataPlane.drained(state.drainedNodes());
                            dataPlane.resync(state.holdingJobs(), state.downNodes(), now());
                            LOG.info("leader under epoch {} at journal entry {}", p.epoch(), state.lastSeq());
                        }
                        p.done().complete(null);
                    } catch (RuntimeException e) {
                        p.done().completeExceptionally(e);
                    }
                }
                case Demote d -> {
                    stepDown(d.why());
                    d.done().complete(null);
                }
                default -> {
                }
            }
        }
    }

    private void stepDown(String why) {
        if (!leader) {
            return;
        }
        leader = false;
        epoch = 0;
        dataPlane.stepDown(now()); // the new leader's data plane runs the jobs now
        LOG.warn("standby now: {}", why);
        roles.demoted(why);
    }

    /**
     * A standby's turn: reads are answered against the followed state, writes are refused with the leader's URL, and
     * the entries the leader committed since are applied and published (the ledger, the event streams).
     */
    private void follow(List<Work> batch) {
        for (Work w : batch) {
            switch (w) {
                case Write<?> wr -> wr.reply.completeExceptionally(Problem.standby(leaderUrl));
                case Read<?> rd -> {
                    try {
                        complete(rd);
                    } catch (RuntimeException e) {
                        rd.reply.completeExceptionally(e);
                    }
                }
                default -> {
                }
            }
        }
        boolean first = true;
        while (true) {
            List<Entry> got;
            try {
                got = store.range(state.lastSeq() + 1, 10_000);
            } catch (RuntimeException e) {
                // The database is unreachable: keep serving what is known, and look again at the next poll.
                if (System.nanoTime() - lastFollowWarning > 10_000_000_000L) {
                    LOG.warn("standby cannot read the journal: {}", e.getMessage());
                    lastFollowWarning = System.nanoTime();
                }
                return;
            }
            if (first) {
                followLag = got.size();
                first = false;
            }
            if (got.isEmpty()) {
                return;
            }
            List<Payload> payloads = new ArrayList<>(got.size());
            for (Entry e : got) {
                Payload p = Payload.of(e);
                state.apply(e, p);
                payloads.add(p);
            }
            committedSeq.set(state.lastSeq());
            lastCommitNanos = System.nanoTime();
            published.accept(new Committed(got, payloads));
        }
    }

    private <R> void complete(Read<R> r) {
        r.reply.complete(r.query.apply(state));
    }

    private void failAll() {
        Work w;
        while ((w = inbox.poll()) != null) {
            switch (w) {
                case Write<?> wr -> wr.reply.completeExceptionally(Problem.unavailable("the engine stopped"));
                case Read<?> rd -> rd.reply.completeExceptionally(Problem.unavailable("the engine stopped"));
                case Stop s -> {
                }
                case Promote p -> p.done().completeExceptionally(Problem.unavailable("the engine stopped"));
                case Demote d -> d.done().complete(null);
            }
        }
    }

    /**
     * A batch applied to the state and waiting for its commit: the entries, the replies computed from the state it
     * produced (released only once it is durable), and what the data plane must hear afterwards.
     *
     * <p>Committing is not pipelined with applying the next batch: measured on 2 cores, overlapping them made batches
     * smaller and throughput lower (docs/performance.md); the requests that queue during a commit form the next batch.
     */
    private static final class Applied {
        final long now;
        final List<Entry> entries;
        final List<Runnable> replies = new ArrayList<>();
        final List<CompletableFuture<?>> futures = new ArrayList<>();
        final List<Payload> decided;

        Applied(long now, List<Entry> entries, List<Payload> decided) {
            this.now = now;
            this.entries = entries;
            this.decided = decided;
        }

        <R> void reply(CompletableFuture<R> f, R value) {
            futures.add(f);
            replies.add(() -> f.complete(value));
        }

        void fail(Problem p) {
            for (CompletableFuture<?> f : futures) {
                f.completeExceptionally(p);
            }
        }
    }

    private void process(List<Work> batch, boolean pollClock) {
        long t0 = System.nanoTime();
        decided.clear();
        if (!batch.isEmpty()) {
            batches.incrementAndGet();
            batchItems.addAndGet(batch.size());
        }
        long now = now();
        List<Entry> entries = new ArrayList<>();
        batchPayloads.clear();
        Applied applied = new Applied(now, entries, new ArrayList<>());
        List<Write<?>> writes = new ArrayList<>();
        boolean changed = false;
        try {
            if (pollClock) {
                changed |= internal(now, entries);
            }
            for (Work w : batch) {
                if (w instanceof Write<?> write) {
                    List<Command.Draft> drafts;
                    try {
                        drafts = write.command.decide(state, now);
                    } catch (Problem | IllegalArgumentException p) {
                        write.reply.completeExceptionally(p);
                        continue;
                    }
                    for (Command.Draft d : drafts) {
                        append(d, now, entries);
                    }
                    changed |= !drafts.isEmpty();
                    writes.add(write);
                }
            }
            if (changed) {
                append(new Command.Draft(new Payload.SchedulerPass(), "scheduler", null), now, entries);
            }
            // Replies reflect the state after the whole batch (its scheduling pass included).
            for (Work w : batch) {
                if (w instanceof Write<?> write && writes.contains(write)) {
                    result(applied, write);
                } else if (w instanceof Read<?> read) {
                    answer(applied, read);
                }
            }
            applied.decided.addAll(decided);
        } catch (RuntimeException e) {
            // A bug applying entries: memory is ahead of the journal. This batch is not committed; the state is
            // rebuilt from the journal once the batch before it is.
            LOG.error("batch rejected, state rebuilt from the journal", e);
            for (Write<?> w : writes) {
                w.reply.completeExceptionally(Problem.unavailable("internal error; nothing was changed"));
            }
            state = rebuilt();
            dataPlane.drained(state.drainedNodes());
                            dataPlane.resync(state.holdingJobs(), state.downNodes(), now());
            for (Work w : batch) {
                if (w instanceof Read<?> read) {
                    read.reply.completeExceptionally(Problem.unavailable("internal error"));
                }
            }
            return;
        }
        long t1 = System.nanoTime();
        applyNanos.addAndGet(t1 - t0);
        try {
            commit(applied);
        } catch (RuntimeException e) {
            state = rebuilt();
            if (e instanceof FencedException) {
                stepDown(e.getMessage());
                return;
            }
            dataPlane.drained(state.drainedNodes());
                            dataPlane.resync(state.holdingJobs(), state.downNodes(), now());
            return;
        }
        long t2 = System.nanoTime();
        if (!entries.isEmpty()) {
            drive(applied.decided, now);
            published.accept(new Committed(List.copyOf(entries), List.copyOf(batchPayloads)));
            afterCommit.accept(state);
        }
        afterNanos.addAndGet(System.nanoTime() - t2);
    }

    private <R> void result(Applied a, Write<R> w) {
        R value;
        try {
            value = w.command.result(state, a.entries);
        } catch (RuntimeException e) {
            a.futures.add(w.reply);
            a.replies.add(() -> w.reply.completeExceptionally(e));
            return;
        }
        a.reply(w.reply, value);
    }

    private <R> void answer(Applied a, Read<R> r) {
        R value;
        try {
            value = r.query.apply(state);
        } catch (RuntimeException e) {
            a.futures.add(r.reply);
            a.replies.add(() -> r.reply.completeExceptionally(e));
            return;
        }
        a.reply(r.reply, value);
    }

    /** Makes the batch durable, then releases its replies. */
    private void commit(Applied a) {
        long t0 = System.nanoTime();
        if (!a.entries.isEmpty()) {
            try {
                store.append(a.entries);
            } catch (RuntimeException e) {
                LOG.error("commit failed, state rebuilt from the journal: {}", e.getMessage());
                a.fail(Problem.unavailable("the journal could not be written; nothing was changed"));
                throw e;
            }
            committedSeq.set(a.entries.get(a.entries.size() - 1).seq());
            commits.incrementAndGet();
            lastCommitNanos = System.nanoTime();
        }
        commitNanos.addAndGet(System.nanoTime() - t0);
        for (Runnable r : a.replies) {
            r.run();
        }
    }

    /** Data-plane reports and contract start/end times that have come: entries by the system. */
    private boolean internal(long now, List<Entry> entries) {
        boolean changed = false;
        for (Payload p : state.contractTransitions(now)) {
            append(new Command.Draft(p, "system", null), now, entries);
            changed = true;
        }
        for (Payload p : dataPlane.poll(now)) {
            if (stillApplies(p)) {
                append(new Command.Draft(p, "dataplane", tenantOf(p)), now, entries);
                changed |= !(p instanceof Payload.JobCheckpointed || p instanceof Payload.JobLaunched);
            }
        }
        return changed;
    }

    /** A report can be overtaken by the journal (a job cancelled just before it finished): drop those. */
    private boolean stillApplies(Payload p) {
        return switch (p) {
            case Payload.JobFinished f -> holding(f.id());
            case Payload.JobCheckpointed c -> holding(c.id());
            case Payload.JobLaunched l -> holding(l.id());
            case Payload.JobStopped s -> state.jobTenant(s.id()) != null && state.jobState(s.id()) == JobState.PREEMPTING;
            case Payload.NodeFailed f -> !state.nodeDown(f.node());
            case Payload.NodeRepaired r -> state.nodeDown(r.node());
            default -> true;
        };
    }

    private boolean holding(long id) {
        if (state.jobTenant(id) == null) {
            return false;
        }
        JobState s = state.jobState(id);
        return s == JobState.RUNNING || s == JobState.PREEMPTING;
    }

    private String tenantOf(Payload p) {
        long id = switch (p) {
            case Payload.JobFinished f -> f.id();
            case Payload.JobCheckpointed c -> c.id();
            case Payload.JobLaunched l -> l.id();
            case Payload.JobStopped s -> s.id();
            case Payload.JobCancelled c -> c.id();
            case Payload.JobPlaced x -> x.id();
            case Payload.JobPreempting x -> x.id();
            case Payload.JobRequeued x -> x.id();
            case Payload.JobFailed x -> x.id();
            default -> -1;
        };
        return id < 0 ? null : state.jobTenant(id);
    }

    private void append(Command.Draft d, long now, List<Entry> entries) {
        Entry e = new Entry(state.lastSeq() + 1, now, d.payload().type(), d.actor(), d.tenant(),
                Canonical.json(d.payload()));
        List<Payload> derived = state.apply(e, d.payload());
        entries.add(e);
        batchPayloads.add(d.payload());
        for (Payload p : derived) {
            Entry de = new Entry(state.lastSeq() + 1, now, p.type(), "scheduler", tenantOf(p), Canonical.json(p));
            state.apply(de, p);
            entries.add(de);
            batchPayloads.add(p);
            if (p instanceof Payload.JobPlaced || p instanceof Payload.JobPreempting || p instanceof Payload.JobRequeued
                    || p instanceof Payload.JobFailed) {
                decided.add(p);
            }
        }
        if (d.payload() instanceof Payload.JobCancelled || d.payload() instanceof Payload.NodeDrain) {
            decided.add(d.payload());
        }
    }

    /** Tells the data plane what a committed batch decided. */
    private void drive(List<Payload> decisions, long now) {
        for (Payload p : decisions) {
            switch (p) {
                case Payload.JobPlaced x -> dataPlane.launch(state.launch(x.id()), now);
                case Payload.NodeDrain x -> dataPlane.drain(x.node(), x.drain());
                case Payload.JobPreempting x -> dataPlane.preempt(x.id(), x.graceMillis(), now);
                case Payload.JobRequeued x -> dataPlane.abort(x.id());
                case Payload.JobFailed x -> dataPlane.abort(x.id());
                case Payload.JobCancelled x -> dataPlane.abort(x.id());
                default -> {
                }
            }
        }
    }

    /** Finishes the queued work, then stops the thread. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            running = false;
            return;
        }
        inbox.add(SYSTEM_LANE, new Stop());
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        failAll();
    }
}
