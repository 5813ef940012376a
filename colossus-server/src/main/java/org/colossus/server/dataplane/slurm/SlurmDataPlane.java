package org.colossus.server.dataplane.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.colossus.fleet.Fleet;
import org.colossus.server.dataplane.DataPlane;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real data plane (issue 17; docs/slurm.md): each placed job becomes one Slurm batch job pinned to the nodes
 * Colossus chose, and what Slurm reports comes back as journal entries.
 *
 * <p>The engine's calls only record intent; one worker thread talks to Slurm (so a slow or absent controller never
 * holds up the engine): it submits, cancels, signals and drains, then reads every job and node and turns the
 * differences into reports. Each run of a job has a generation: a report about an earlier run (one the engine has
 * since requeued or cancelled) is dropped when the engine polls. Colossus finds its Slurm jobs again by their comment,
 * {@code colossus <fleet> job <id> tenant <name>}: after a restart it adopts each one the journal says holds GPUs,
 * resubmits a placed job Slurm never got, and cancels any Slurm job of its own that no run accounts for.
 */
public final class SlurmDataPlane implements DataPlane {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmDataPlane.class);
    /** Prefix of the reason Colossus gives a drain, so that its own drains are not taken for failures. */
    static final String DRAIN_REASON = "colossus: drained by the operator";
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
            "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT");
    private static final Set<String> STARTED = Set.of("RUNNING", "COMPLETING", "SUSPENDED", "STOPPED");
    private static final Set<String> BAD_NODE_STATES = Set.of("down", "error", "fail", "future", "unknown");
    private static final Set<String> BAD_NODE_FLAGS = Set.of("DRAIN", "FAIL", "NOT_RESPONDING");
    /** Pending reasons that no wait resolves: the job breaks a partition's or account's limit (slurm.conf). */
    private static final Set<String> NEVER_STARTS = Set.of("PartitionTimeLimit", "PartitionNodeLimit", "BadConstraints",
            "InvalidQOS", "InvalidAccount", "AccountNotAllowed", "QOSMaxWallDurationPerJobLimit");
    /** How long a submitted job may be missing from the controller's list before it counts as lost. */
    private static final long MISSING_GRACE_MILLIS = 5_000;

    /**
     * @param jobDir a directory every node sees at the same path (a shared file system): job output and checkpoint
     *               markers go there
     * @param pollMillis how often Slurm is read
     * @param preemptGraceMillis the grace a preempted job is given after an adoption (the original is not known)
     */
    public record Settings(Path jobDir, long pollMillis, long preemptGraceMillis) {
        public Settings {
            if (pollMillis < 50 || pollMillis > 60_000) {
                throw new ServerException("Slurm poll interval " + pollMillis + " ms: expected 50 to 60000");
            }
        }
    }

    private record Report(long jobId, long generation, Payload payload) {
    }

    /** One run of a job in Slurm. */
    private static final class Run {
        final long generation;
        final ControlState.Launch launch;
        String slurmId;
        /** Adopted after a restart: its Slurm job is found by id or comment at the next reading. */
        boolean adopting;
        String knownHandle;
        boolean launchedReported;
        boolean preempting;
        boolean signalled;
        long preemptDeadlineMillis = Long.MAX_VALUE;
        boolean stopRequested;
        long savedWorkMillis;
        long submittedMillis;
        int submitAttempts;

        Run(long generation, ControlState.Launch launch) {
            this.generation = generation;
            this.launch = launch;
            this.savedWorkMillis = launch.workDoneMillis();
        }
    }

    private final Fleet fleet;
    private final Slurm slurm;
    private final Settings settings;
    private final InstantSource clock;
    private final Pattern ownComment;
    private final boolean background;
    private final Object lock = new Object();
    // Guarded by lock:
    private final Map<Long, Run> runs = new HashMap<>();
    private final Map<Long, Long> generations = new HashMap<>();
    private final ArrayDeque<Report> reports = new ArrayDeque<>();
    private final Set<Integer> reportedDown = new HashSet<>();
    private final Map<String, Slurm.Node> nodeInfo = new HashMap<>();
    /** Nodes this data plane reported drained because a Slurm job Colossus did not start holds them. */
    private final Set<Integer> foreignHeld = new HashSet<>();
    /** Drains it reported itself: the engine's echo of them is not passed on to Slurm. */
    private final Map<Integer, Boolean> echoes = new HashMap<>();
    /** Nodes the operator drained through Colossus: a foreign job's end does not undrain them. */
    private final Set<Integer> operatorDrained = new HashSet<>();
    /**
     * Drained in the journal when this data plane took over; the first reading tells whose: drained in Slurm with
     * Colossus's reason, the operator's; otherwise this data plane's own, for a foreign job (returned once it ends).
     */
    private final Set<Integer> drainedAtAdoption = new HashSet<>();
    private final Set<String> cancels = new HashSet<>();
    private final Map<String, Boolean> drains = new LinkedHashMap<>();
    private long generation;
    private boolean active;
    private Thread worker;
    private volatile boolean closed;
    private volatile String unavailable = "not connected yet";
    private volatile long lastReadMillis = -1;

    public SlurmDataPlane(Fleet fleet, Slurm slurm, Settings settings, InstantSource clock) {
        this(fleet, slurm, settings, clock, true);
    }

    /** @param background false: no worker thread; the caller runs each {@link #round()} (tests) */
    SlurmDataPlane(Fleet fleet, Slurm slurm, Settings settings, InstantSource clock, boolean background) {
        if (!fleet.hasNodeNames()) {
            throw new ServerException("fleet '" + fleet.name() + "' names no Slurm nodes (nodeNames); write one with"
                    + " colossus fleet import slurm");
        }
        this.fleet = fleet;
        this.slurm = slurm;
        this.settings = settings;
        this.clock = clock;
        this.background = background;
        this.ownComment = Pattern.compile("colossus " + Pattern.quote(fleet.name()) + " job (\\d+) tenant (\\S+)");
        try {
            Files.createDirectories(settings.jobDir());
        } catch (IOException e) {
            throw new ServerException("Slurm job directory " + settings.jobDir() + ": " + e.getMessage(), e);
        }
    }

    // ---- the engine's side: record intent, wake the worker ----

    @Override
    public void launch(ControlState.Launch launch, long nowMillis) {
        synchronized (lock) {
            Run run = new Run(++generation, launch);
            runs.put(launch.id(), run);
            generations.put(launch.id(), run.generation);
            startWorker();
            lock.notifyAll();
        }
    }

    @Override
    public void preempt(long jobId, long graceMillis, long nowMillis) {
        synchronized (lock) {
            Run run = runs.get(jobId);
            if (run != null) {
                run.preempting = true;
                run.preemptDeadlineMillis = clock.millis() + graceMillis;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void abort(long jobId) {
        synchronized (lock) {
            generations.remove(jobId);
            Run run = runs.remove(jobId);
            if (run != null && run.slurmId != null) {
                cancels.add(run.slurmId);
            }
            lock.notifyAll();
        }
    }

    @Override
    public void drain(int node, boolean drained) {
        synchronized (lock) {
            if (echoes.remove(node, drained)) {
                return; // its own report of a node held by a job Colossus did not start
            }
            if (drained) {
                operatorDrained.add(node);
            } else {
                operatorDrained.remove(node);
                foreignHeld.remove(node);
            }
            drains.put(fleet.nodeName(node), drained);
            lock.notifyAll();
        }
    }

    @Override
    public List<Payload> poll(long nowMillis) {
        synchronized (lock) {
            if (reports.isEmpty()) {
                return List.of();
            }
            List<Payload> out = new ArrayList<>(reports.size());
            for (Report r : reports) {
                Long current = r.jobId < 0 ? null : generations.get(r.jobId);
                if (r.jobId < 0 || (current != null && current == r.generation)) {
                    out.add(r.payload);
                }
                if (r.jobId >= 0 && current != null && current == r.generation && ends(r.payload)) {
                    generations.remove(r.jobId);
                }
            }
            reports.clear();
            return out;
        }
    }

    private static boolean ends(Payload p) {
        return p instanceof Payload.JobFinished || p instanceof Payload.JobStopped;
    }

    @Override
    public void drained(Set<Integer> nodes) {
        synchronized (lock) {
            drainedAtAdoption.clear();
            drainedAtAdoption.addAll(nodes);
        }
    }

    @Override
    public void adopt(List<ControlState.RunningJob> jobs, Set<Integer> downNodes, long nowMillis) {
        synchronized (lock) {
            reportedDown.addAll(downNodes);
            for (ControlState.RunningJob j : jobs) {
                Run run = new Run(++generation, j.launch());
                run.adopting = true;
                run.knownHandle = j.handle();
                run.launchedReported = j.handle() != null;
                if (j.preempting()) {
                    run.preempting = true;
                    run.preemptDeadlineMillis = clock.millis() + settings.preemptGraceMillis();
                }
                runs.put(j.id(), run);
                generations.put(j.id(), run.generation);
            }
            active = true;
            startWorker();
            lock.notifyAll();
        }
    }

    @Override
    public void resync(List<ControlState.RunningJob> jobs, Set<Integer> downNodes, long nowMillis) {
        synchronized (lock) {
            runs.clear();
            generations.clear();
            reports.clear();
            reportedDown.clear();
        }
        adopt(jobs, downNodes, nowMillis);
    }

    @Override
    public void stepDown(long nowMillis) {
        synchronized (lock) {
            // The jobs keep running in Slurm: the new leader adopts them. Nothing here is cancelled.
            active = false;
            runs.clear();
            generations.clear();
            reports.clear();
            cancels.clear();
            drains.clear();
            foreignHeld.clear();
            echoes.clear();
        }
    }

    @Override
    public String unavailable() {
        return unavailable;
    }

    /** When Slurm was last read successfully (real time), or -1. */
    public long lastReadMillis() {
        return lastReadMillis;
    }

    @Override
    public String describe() {
        return "Slurm (" + fleet.nodeCount() + " nodes of fleet '" + fleet.name() + "', jobs in " + settings.jobDir() + ")";
    }

    @Override
    public void close() {
        closed = true;
        Thread w;
        synchronized (lock) {
            lock.notifyAll();
            w = worker;
        }
        if (w != null) {
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startWorker() {
        active = true;
        if (worker == null && background) {
            worker = new Thread(this::work, "colossus-slurm");
            worker.setDaemon(true);
            worker.start();
        }
    }

    // ---- the worker's side ----

    private void work() {
        while (!closed) {
            try {
                round();
            } catch (SlurmException e) {
                if (!e.getMessage().equals(unavailable)) {
                    LOG.warn("Slurm unavailable: {}", e.getMessage());
                }
                unavailable = e.getMessage();
            } catch (RuntimeException e) {
                LOG.error("Slurm data plane round failed", e);
                unavailable = "internal error: " + e;
            }
            synchronized (lock) {
                if (closed) {
                    break;
                }
                try {
                    lock.wait(settings.pollMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** @param tenantScript the tenant's batch script, written to {@code scriptFile} before submission, or null */
    private record Submit(long jobId, long generation, Slurm.Submission submission, String tenantScript,
                          Path scriptFile) {
    }

    /** One round: act on what the engine decided, then read Slurm and report the differences. */
    void round() {
        List<Submit> submits = new ArrayList<>();
        List<String> cancelNow;
        Map<String, Boolean> drainNow;
        List<String[]> signals = new ArrayList<>();
        long now = clock.millis();
        synchronized (lock) {
            if (!active) {
                return;
            }
            for (Map.Entry<Long, Run> e : runs.entrySet()) {
                Run r = e.getValue();
                if (r.slurmId == null && !r.adopting) {
                    submits.add(submit(r));
                }
                if (r.slurmId != null && r.preempting && !r.signalled) {
                    signals.add(new String[] {r.slurmId, "USR1"});
                }
                if (r.slurmId != null && r.preempting && now >= r.preemptDeadlineMillis && !r.stopRequested) {
                    signals.add(new String[] {r.slurmId, null});
                }
            }
            cancelNow = new ArrayList<>(cancels);
            drainNow = new LinkedHashMap<>(drains);
        }
        for (String id : cancelNow) {
            slurm.cancel(id);
            synchronized (lock) {
                cancels.remove(id);
            }
        }
        for (Map.Entry<String, Boolean> d : drainNow.entrySet()) {
            slurm.drain(d.getKey(), d.getValue(), DRAIN_REASON);
            synchronized (lock) {
                drains.remove(d.getKey(), d.getValue());
            }
        }
        for (Submit s : submits) {
            submit(s);
        }
        for (String[] sig : signals) {
            if (sig[1] != null) {
                slurm.signal(sig[0], sig[1]);
            } else {
                slurm.cancel(sig[0]);
            }
            synchronized (lock) {
                for (Run r : runs.values()) {
                    if (sig[0].equals(r.slurmId)) {
                        if (sig[1] != null) {
                            r.signalled = true;
                        } else {
                            r.stopRequested = true;
                        }
                    }
                }
            }
        }
        List<Slurm.Node> nodes = slurm.nodes();
        List<Slurm.Job> jobs = slurm.jobs();
        lastReadMillis = clock.millis();
        unavailable = null;
        List<String> orphans;
        synchronized (lock) {
            if (!active) {
                return;
            }
            observeNodes(nodes);
            orphans = observeJobs(jobs, clock.millis());
        }
        for (String id : orphans) {
            LOG.warn("cancelling Slurm job {}: no run of Colossus accounts for it", id);
            slurm.cancel(id);
        }
    }

    private void submit(Submit s) {
        String id;
        try {
            if (s.tenantScript != null) {
                writeScript(s.scriptFile, s.tenantScript);
            }
            id = slurm.submit(s.submission);
        } catch (SlurmException e) {
            if (e.unreachable()) {
                throw e; // retried at the next round
            }
            synchronized (lock) {
                Run r = runs.get(s.jobId);
                if (r != null && r.generation == s.generation) {
                    runs.remove(s.jobId);
                    reports.add(new Report(s.jobId, s.generation, new Payload.JobFinished(s.jobId, null, null,
                            "Slurm refused the job: " + clip(e.getMessage()))));
                }
            }
            return;
        }
        synchronized (lock) {
            Run r = runs.get(s.jobId);
            if (r != null && r.generation == s.generation) {
                r.slurmId = id;
                r.submittedMillis = clock.millis();
            } else {
                cancels.add(id); // cancelled or requeued while it was being submitted
            }
        }
    }

    private void observeNodes(List<Slurm.Node> nodes) {
        Map<String, Slurm.Node> byName = nodeInfo;
        byName.clear();
        for (Slurm.Node n : nodes) {
            byName.put(n.name(), n);
        }
        for (int i : drainedAtAdoption) {
            Slurm.Node n = byName.get(fleet.nodeName(i));
            if (n != null && n.flags().contains("DRAIN") && n.reason().startsWith(DRAIN_REASON)) {
                operatorDrained.add(i);
            } else {
                foreignHeld.add(i);
            }
        }
        drainedAtAdoption.clear();
        for (int i = 0; i < fleet.nodeCount(); i++) {
            Slurm.Node n = byName.get(fleet.nodeName(i));
            boolean bad = n == null || bad(n);
            if (bad && reportedDown.add(i)) {
                reports.add(new Report(-1, 0, new Payload.NodeFailed(i)));
            } else if (!bad && reportedDown.remove(i)) {
                reports.add(new Report(-1, 0, new Payload.NodeRepaired(i)));
            }
        }
    }

    static boolean bad(Slurm.Node n) {
        if (BAD_NODE_STATES.contains(n.state())) {
            return true;
        }
        for (String f : n.flags()) {
            if (f.equals("DRAIN") && n.reason().startsWith(DRAIN_REASON)) {
                continue; // drained by Colossus: not a failure
            }
            if (BAD_NODE_FLAGS.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /** Reports what changed; returns Slurm jobs of this fleet that no run accounts for (to cancel). */
    private List<String> observeJobs(List<Slurm.Job> jobs, long now) {
        Map<String, Slurm.Job> byId = new HashMap<>();
        Map<Long, List<Slurm.Job>> byColossusId = new TreeMap<>();
        for (Slurm.Job j : jobs) {
            byId.put(j.id(), j);
            Matcher m = ownComment.matcher(j.comment());
            if (m.matches()) {
                byColossusId.computeIfAbsent(Long.parseLong(m.group(1)), k -> new ArrayList<>()).add(j);
            }
        }
        for (Map.Entry<Long, Run> e : new ArrayList<>(runs.entrySet())) {
            long id = e.getKey();
            Run r = e.getValue();
            if (r.adopting) {
                adoptRun(id, r, byId, byColossusId.getOrDefault(id, List.of()), now);
                if (r.adopting || r.slurmId == null) {
                    continue;
                }
            }
            if (r.slurmId == null) {
                continue;
            }
            Slurm.Job j = byId.get(r.slurmId);
            if (j == null) {
                if (now - r.submittedMillis > MISSING_GRACE_MILLIS) {
                    end(id, r, new Payload.JobFinished(id, null, null, "Slurm no longer knows its job " + r.slurmId));
                }
                continue;
            }
            if (j.state().equals("PENDING") && NEVER_STARTS.contains(j.reason())) {
                cancels.add(r.slurmId);
                end(id, r, new Payload.JobFinished(id, null, null, "Slurm will not start its job " + r.slurmId
                        + " (pending for " + j.reason() + "; see the partition's limits in slurm.conf)"));
                continue;
            }
            if ((STARTED.contains(j.state()) || ENDED.contains(j.state())) && !r.launchedReported) {
                r.launchedReported = true;
                reports.add(new Report(id, r.generation, new Payload.JobLaunched(id, r.slurmId)));
            }
            checkpoint(id, r);
            if (ENDED.contains(j.state())) {
                ended(id, r, j);
            }
        }
        foreignJobs(jobs);
        List<String> orphans = new ArrayList<>();
        for (Map.Entry<Long, List<Slurm.Job>> e : byColossusId.entrySet()) {
            Run r = runs.get(e.getKey());
            for (Slurm.Job j : e.getValue()) {
                if (!ENDED.contains(j.state()) && (r == null || !j.id().equals(r.slurmId)) && !cancels.contains(j.id())
                        && (r == null || !r.adopting)) {
                    orphans.add(j.id());
                }
            }
        }
        return orphans;
    }

    /**
     * Slurm jobs Colossus did not start are never cancelled; their nodes are reported drained while they run, so that
     * Colossus places nothing there (Slurm would hold such a job pending while its tenant is billed), and returned
     * when they end, unless the operator drained the node meanwhile.
     */
    private void foreignJobs(List<Slurm.Job> jobs) {
        Set<Integer> held = new HashSet<>();
        for (Slurm.Job j : jobs) {
            if (!ownComment.matcher(j.comment()).matches() && STARTED.contains(j.state())) {
                for (String name : j.nodes()) {
                    int n = fleet.nodeNamed(name);
                    if (n >= 0) {
                        held.add(n);
                    }
                }
            }
        }
        for (int n : held) {
            if (!foreignHeld.contains(n) && !operatorDrained.contains(n)) {
                foreignHeld.add(n);
                echoes.put(n, true);
                reports.add(new Report(-1, 0, new Payload.NodeDrain(n, true)));
            }
        }
        for (java.util.Iterator<Integer> it = foreignHeld.iterator(); it.hasNext(); ) {
            int n = it.next();
            if (!held.contains(n)) {
                it.remove();
                if (!operatorDrained.contains(n)) {
                    echoes.put(n, false);
                    reports.add(new Report(-1, 0, new Payload.NodeDrain(n, false)));
                }
            }
        }
    }

    private void adoptRun(long id, Run r, Map<String, Slurm.Job> byId, List<Slurm.Job> candidates, long now) {
        r.adopting = false;
        if (r.knownHandle != null) {
            if (byId.containsKey(r.knownHandle)) {
                r.slurmId = r.knownHandle;
                r.submittedMillis = now;
            } else {
                end(id, r, new Payload.JobFinished(id, null, null, "Slurm no longer knows its job " + r.knownHandle
                        + " (after a restart of the control plane)"));
            }
            return;
        }
        // Placed but never seen running: Slurm may have it (submitted just before a crash), or not at all.
        Slurm.Job newest = null;
        for (Slurm.Job j : candidates) {
            if (newest == null || Long.parseLong(j.id()) > Long.parseLong(newest.id())) {
                newest = j;
            }
        }
        if (newest != null && !ENDED.contains(newest.state())) {
            r.slurmId = newest.id();
            r.submittedMillis = now;
        }
        // else: submitted at the next round (slurmId stays null)
    }

    private void checkpoint(long id, Run r) {
        Path marker = checkpointFile(id);
        String text;
        try {
            text = Files.readString(marker, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("checkpoint marker {}: {}", marker, e.getMessage());
            return;
        }
        long seconds;
        try {
            seconds = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return; // being written, or not a number: the job's next write counts
        }
        long work = Math.min(r.launch.durationMillis(), Math.max(0, seconds) * 1000);
        if (work > r.savedWorkMillis) {
            r.savedWorkMillis = work;
            reports.add(new Report(id, r.generation, new Payload.JobCheckpointed(id, work)));
        }
    }

    private void ended(long id, Run r, Slurm.Job j) {
        if (r.preempting) {
            end(id, r, new Payload.JobStopped(id, Math.max(0, r.launch.durationMillis() - r.savedWorkMillis)));
            return;
        }
        Payload p = switch (j.state()) {
            case "COMPLETED" -> new Payload.JobFinished(id, null, j.exitCode(), null);
            case "TIMEOUT" -> new Payload.JobFinished(id, true, null, null);
            case "FAILED" -> new Payload.JobFinished(id, null, j.exitCode(), j.signal() != 0
                    ? "killed by signal " + j.signal() + " in Slurm job " + j.id()
                    : j.reason().equals("NonZeroExitCode") || j.reason().isEmpty() || j.reason().equals("None")
                    ? "exit code " + j.exitCode() + " in Slurm job " + j.id()
                    : "failed in Slurm job " + j.id() + " (" + j.reason() + ")");
            case "NODE_FAIL" -> {
                // A node failed under the job, perhaps too briefly for a reading to see it down: report the failure
                // (the next reading reports the repair), and the engine requeues the job by its class's rules.
                runs.remove(id);
                for (String name : j.nodes()) {
                    int n = fleet.nodeNamed(name);
                    if (n >= 0 && reportedDown.add(n)) {
                        reports.add(new Report(-1, 0, new Payload.NodeFailed(n)));
                    }
                }
                yield null;
            }
            default -> new Payload.JobFinished(id, null, null, j.state().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + " in Slurm job " + j.id() + (j.reason().isEmpty() || j.reason().equals("None")
                    ? "" : " (" + j.reason() + ")"));
        };
        if (p != null) {
            end(id, r, p);
        }
    }

    private void end(long id, Run r, Payload p) {
        runs.remove(id);
        reports.add(new Report(id, r.generation, p));
    }

    // ---- what a launch becomes ----

    Path checkpointFile(long jobId) {
        return settings.jobDir().resolve("job-" + jobId + ".checkpoint");
    }

    /** What one run becomes in Slurm (under the lock: it reads the nodes' sizes). */
    private Submit submit(Run r) {
        ControlState.Launch l = r.launch;
        List<String> names = new ArrayList<>(l.nodes().size());
        for (int n : l.nodes()) {
            names.add(fleet.nodeName(n));
        }
        Payload.JobRun run = l.run();
        String wrapper;
        String tenantScript = null;
        Path scriptFile = settings.jobDir().resolve("job-" + l.id() + ".sh");
        Map<String, String> env = new TreeMap<>();
        if (run == null) {
            // A job with nothing to run holds its nodes for its duration (a placeholder, as in the simulator).
            long seconds = Math.max(1, (l.durationMillis() - l.workDoneMillis() + 999) / 1000);
            wrapper = "#!/bin/sh\nexec sleep " + seconds + "\n";
        } else if (run.script() != null) {
            // The tenant's script runs as a file of its own: sbatch reads #SBATCH lines only from the script it is
            // given, so a tenant cannot choose nodes, arrays or accounts by writing them into its script.
            tenantScript = run.script();
            wrapper = "#!/bin/sh\n" + commandTail(List.of(scriptFile.toString()));
            env.putAll(run.env());
        } else {
            wrapper = "#!/bin/sh\n" + commandTail(run.command());
            env.putAll(run.env());
        }
        env.put("COLOSSUS_JOB_ID", String.valueOf(l.id()));
        env.put("COLOSSUS_TENANT", l.tenant());
        env.put("COLOSSUS_CHECKPOINT_FILE", checkpointFile(l.id()).toString());
        env.put("COLOSSUS_WORK_DONE_SECONDS", String.valueOf(l.workDoneMillis() / 1000));
        int nodeGpus = fleet.gpusOnNode(l.nodes().get(0));
        boolean whole = l.exclusive() || l.gpusPerNode() >= nodeGpus;
        int cpusPerGpu = 0;
        long memPerGpu = 0;
        Slurm.Node info = nodeInfo.get(names.get(0));
        if (!whole && info != null && info.cpus() > 0 && info.memoryMb() > 0) {
            // A partial node's share of CPUs and memory: without it the job would take all the node's memory.
            cpusPerGpu = Math.max(1, info.cpus() / nodeGpus);
            memPerGpu = Math.max(1, info.memoryMb() / nodeGpus);
        }
        Slurm.Submission sub = new Slurm.Submission("colossus-" + l.id(), "colossus " + fleet.name() + " job " + l.id()
                + " tenant " + l.tenant(), names, l.gpusPerNode(), whole, wrapper, env, (l.wallLimitMillis() + 999) / 1000,
                run != null && run.workdir() != null ? run.workdir() : settings.jobDir().toString(), settings.jobDir().resolve("job-" + l.id() + "-%j.out").toString(),
                cpusPerGpu, memPerGpu);
        return new Submit(l.id(), r.generation, sub, tenantScript, scriptFile);
    }

    private static void writeScript(Path file, String script) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, script, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SlurmException("cannot write the job's script " + file + ": " + e.getMessage(), false);
        }
    }

    /** A POSIX shell line that runs argv exactly (each argument single-quoted). */
    static String commandTail(List<String> argv) {
        StringBuilder sb = new StringBuilder("exec");
        for (String a : argv) {
            sb.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        return sb.append('\n').toString();
    }

    private static String clip(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
