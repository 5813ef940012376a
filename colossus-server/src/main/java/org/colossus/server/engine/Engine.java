package org.colossus.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.colossus.scheduler.JobState;
import org.colossus.server.Problem;
import org.colossus.server.dataplane.DataPlane;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
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

    private final Store store;
    private final Supplier<ControlState> rebuild;
    private final DataPlane dataPlane;
    private final SimClock clock;
    private final Consumer<List<Entry>> published;
    private final LinkedBlockingQueue<Work> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong committedSeq = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile long lastCommitNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile Throwable fatal;
    private volatile ControlState state;

    /**
     * @param rebuild loads the state from the store again (after a failed commit)
     * @param published receives every committed batch of entries, on the engine thread; must not block
     */
    public Engine(Store store, ControlState state, Supplier<ControlState> rebuild, DataPlane dataPlane, SimClock clock,
                  Consumer<List<Entry>> published) {
        this.store = store;
        this.state = state;
        this.rebuild = rebuild;
        this.dataPlane = dataPlane;
        this.clock = clock;
        this.published = published;
        this.committedSeq.set(state.lastSeq());
        this.thread = new Thread(this::loop, "colossus-engine");
    }

    public void start() {
        dataPlane.adopt(state.holdingJobs(), state.downNodes(), now());
        thread.start();
    }

    /** Queues a command; the future completes after its entries are committed, or with the {@link Problem}. */
    public <R> CompletableFuture<R> submit(Command<R> command) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(Problem.unavailable("the server is shutting down"));
            return f;
        }
        inbox.add(new Write<>(command, f));
        return f;
    }

    /** Runs a query on the engine thread against a consistent, committed state. */
    public <R> CompletableFuture<R> read(Function<ControlState, R> query) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(Problem.unavailable("the server is shutting down"));
            return f;
        }
        inbox.add(new Read<>(query, f));
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

    public double secondsSinceLastCommit() {
        return (System.nanoTime() - lastCommitNanos) / 1e9;
    }

    public boolean healthy() {
        return running && fatal == null && thread.isAlive();
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
                Work first = inbox.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, MAX_BATCH - 1);
                }
                boolean stop = batch.stream().anyMatch(w -> w instanceof Stop);
                process(batch, !stop);
                if (stop) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fatal = e;
            running = false;
            System.err.println("colossus: engine stopped: " + e);
            failAll();
            throw e;
        }
    }

    private void failAll() {
        Work w;
        while ((w = inbox.poll()) != null) {
            switch (w) {
                case Write<?> wr -> wr.reply.completeExceptionally(Problem.unavailable("the engine stopped"));
                case Read<?> rd -> rd.reply.completeExceptionally(Problem.unavailable("the engine stopped"));
                case Stop s -> {
                }
            }
        }
    }

    private record Pending<R>(Write<R> write, int from, int to) {
        void complete(ControlState s, List<Entry> entries) {
            try {
                write.reply.complete(write.command.result(s, entries.subList(from, to)));
            } catch (RuntimeException e) {
                write.reply.completeExceptionally(e);
            }
        }
    }

    private void process(List<Work> batch, boolean pollClock) {
        long now = now();
        List<Entry> entries = new ArrayList<>();
        List<Pending<?>> pending = new ArrayList<>();
        boolean changed = false;
        try {
            if (pollClock) {
                changed |= internal(now, entries);
            }
            for (Work w : batch) {
                if (w instanceof Write<?> write) {
                    int from = entries.size();
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
                    pending.add(new Pending<>(write, from, entries.size()));
                }
            }
            if (changed) {
                append(new Command.Draft(new Payload.SchedulerPass(), "scheduler", null), now, entries);
            }
        } catch (RuntimeException e) {
            // A bug applying entries: memory is ahead of the journal. Nothing was committed; start again from it.
            System.err.println("colossus: batch rejected, state rebuilt from the journal: " + e);
            e.printStackTrace();
            fail(pending, Problem.unavailable("internal error; nothing was changed"));
            state = rebuild.get();
            answerReads(batch);
            return;
        }
        if (!entries.isEmpty()) {
            try {
                store.append(entries);
            } catch (RuntimeException e) {
                System.err.println("colossus: commit failed, state rebuilt from the journal: " + e.getMessage());
                fail(pending, Problem.unavailable("the journal could not be written; nothing was changed"));
                state = rebuild.get();
                answerReads(batch);
                return;
            }
            committedSeq.set(state.lastSeq());
            commits.incrementAndGet();
            lastCommitNanos = System.nanoTime();
        }
        for (Pending<?> p : pending) {
            p.complete(state, entries);
        }
        if (!entries.isEmpty()) {
            drive(entries, now);
            published.accept(List.copyOf(entries));
        }
        answerReads(batch);
    }

    private static void fail(List<Pending<?>> pending, Problem p) {
        for (Pending<?> x : pending) {
            x.write.reply.completeExceptionally(p);
        }
    }

    private void answerReads(List<Work> batch) {
        for (Work w : batch) {
            if (w instanceof Read<?> r) {
                answer(r);
            } else if (w instanceof Stop) {
                running = false;
            }
        }
    }

    private <R> void answer(Read<R> r) {
        try {
            r.reply.complete(r.query.apply(state));
        } catch (RuntimeException e) {
            r.reply.completeExceptionally(e);
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
                changed |= !(p instanceof Payload.JobCheckpointed);
            }
        }
        return changed;
    }

    /** A report can be overtaken by the journal (a job cancelled just before it finished): drop those. */
    private boolean stillApplies(Payload p) {
        return switch (p) {
            case Payload.JobFinished f -> holding(f.id());
            case Payload.JobCheckpointed c -> holding(c.id());
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
        List<Payload> derived = state.apply(e);
        entries.add(e);
        for (Payload p : derived) {
            Entry de = new Entry(state.lastSeq() + 1, now, p.type(), "scheduler", tenantOf(p), Canonical.json(p));
            state.apply(de);
            entries.add(de);
        }
    }

    /** Tells the data plane what the committed entries decided. */
    private void drive(List<Entry> entries, long now) {
        for (Entry e : entries) {
            switch (e.type()) {
                case "job.placed" -> {
                    var p = Canonical.read(e.payload(), Payload.JobPlaced.class);
                    dataPlane.launch(p.id(), p.nodes(), state.workDoneMillis(p.id()), state.durationMillis(p.id()), now);
                }
                case "job.preempting" -> {
                    var p = Canonical.read(e.payload(), Payload.JobPreempting.class);
                    dataPlane.preempt(p.id(), p.graceMillis(), now);
                }
                case "job.requeued" -> dataPlane.abort(Canonical.read(e.payload(), Payload.JobRequeued.class).id());
                case "job.failed" -> dataPlane.abort(Canonical.read(e.payload(), Payload.JobFailed.class).id());
                case "job.cancelled" -> dataPlane.abort(Canonical.read(e.payload(), Payload.JobCancelled.class).id());
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
        inbox.add(new Stop());
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        failAll();
    }
}
