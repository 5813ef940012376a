package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.client.AuditClient;
import org.colossus.server.dataplane.slurm.EmulatedSlurm;
import org.colossus.server.dataplane.slurm.Slurm;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.server.state.AdmissionPolicy;
import org.colossus.server.state.ControlState;
import org.colossus.fleet.FailureModel;
import org.colossus.trust.NoteKey;
import org.colossus.trust.TenantVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm data plane against real Slurm 22.05 daemons (issue 17's acceptance tests): one slurmctld and eight
 * slurmd emulating 8-GPU nodes under two leaf switches. Skipped where Slurm is not installed or the JVM is not root,
 * unless {@code COLOSSUS_REQUIRE_SLURM=1} (as in .ci/run), which makes its absence a failure.
 */
class SlurmDataPlaneTest {
    private static EmulatedSlurm slurm;
    private static Path root;
    private static Path fleetFile;
    private static Fleet fleet;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSlurm() throws Exception {
        var why = EmulatedSlurm.unavailable();
        if (why.isPresent()) {
            if ("1".equals(System.getenv("COLOSSUS_REQUIRE_SLURM"))) {
                throw new AssertionError("COLOSSUS_REQUIRE_SLURM=1 but Slurm cannot run here: " + why.get());
            }
            Assumptions.abort("Slurm tests skipped: " + why.get());
        }
        root = Files.createTempDirectory("colossus-slurm");
        slurm = EmulatedSlurm.start(root.resolve("cluster"), 8, 4);
        fleetFile = root.resolve("lab.yaml");
        Files.writeString(fleetFile, slurm.fleetYaml("lab"));
        fleet = Fleets.resolve(fleetFile.toString(), Catalog.standard());
    }

    @AfterAll
    static void stopSlurm() {
        if (slurm != null) {
            slurm.close();
        }
    }

    /** Each test leaves an empty, healthy cluster behind it. */
    @AfterEach
    void cleanCluster() {
        slurm.startController(false);
        awaitTrue(30, () -> {
            try {
                slurm.commands().jobs();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }, "slurmctld answers");
        slurm.command("scancel", "--full", "--partition=colossus");
        awaitTrue(30, () -> slurm.commands().jobs().stream().noneMatch(j -> !ended(j.state())), "all jobs ended");
        for (Slurm.Node n : slurm.commands().nodes()) {
            if (n.state().equals("down") || n.flags().contains("DRAIN")) {
                slurm.command("scontrol", "update", "nodename=" + n.name(), "state=resume");
            }
        }
        slurm.awaitIdle(30);
    }

    private static boolean ended(String state) {
        return !(state.equals("PENDING") || state.equals("RUNNING") || state.equals("COMPLETING")
                || state.equals("CONFIGURING"));
    }

    private ServerConfig config(Path data) {
        return ServerConfig.defaults().withAdmission(AdmissionPolicy.UNLIMITED).withDataDir(data)
                .withListen("127.0.0.1", 0).withFleet(fleetFile.toString())
                .withScheduling(QueuePolicy.FAIR, "topology", Isolation.NODE).withFailures(FailureModel.OFF)
                .withSnapshotEvery(0)
                .withSlurm(new ServerConfig.Slurm(null, slurm.conf(), null, data.resolve("jobs"), 100));
    }

    /** Tenant lab-a with an on-demand contract for the whole cluster (64 H100); returns its key. */
    private static String labA(Api api, String operator) {
        String key = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 64);
        return key;
    }

    private static String submit(Api api, String token, String body) {
        Api.Response r = api.post("/api/v1/jobs", token, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static String command(String name, int gpus, String jobClass, long seconds, String shell) {
        return "{\"name\":\"" + name + "\",\"gpuModel\":\"H100\",\"gpus\":" + gpus + ",\"class\":\"" + jobClass
                + "\",\"durationSeconds\":" + seconds + ",\"command\":[\"/bin/sh\",\"-c\"," + Api.JSON.valueToTree(shell)
                + "]}";
    }

    private static JsonNode job(Api api, String token, String id) {
        return api.get("/api/v1/jobs/" + id, token).json();
    }

    private static void awaitTrue(int seconds, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not within " + seconds + " s: " + what);
    }

    private static Map<String, Slurm.Job> slurmJobs() {
        Map<String, Slurm.Job> out = new HashMap<>();
        for (Slurm.Job j : slurm.commands().jobs()) {
            out.put(j.id(), j);
        }
        return out;
    }

    @Test
    void threeTenants_fortyJobsWithGangs_ranExactlyWhereColossusChoseAndNeverShared() throws Exception {
        ServerConfig config = config(dir);
        int earlier = slurm.completions().size(); // other tests' jobs, with the same Colossus ids
        Map<String, String> keys = new HashMap<>();
        Map<String, String> tenantOf = new HashMap<>();
        Map<String, Integer> expectedExit = new HashMap<>();
        String operator;
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            operator = s.operatorToken();
            for (String t : List.of("lab-a", "lab-b", "lab-c")) {
                keys.put(t, TestServers.tenant(api, operator, t));
                TestServers.contract(api, operator, t, "on-demand", 64);
            }
            int[] sizes = {8, 16, 32, 8, 32};
            for (int i = 0; i < 40; i++) {
                String t = List.of("lab-a", "lab-b", "lab-c").get(i % 3);
                int exit = i % 7 == 3 ? 3 : 0;
                String id = submit(api, keys.get(t), command("j" + i, sizes[i % sizes.length], "on-demand", 600,
                        "sleep 1; exit " + exit));
                tenantOf.put(id, t);
                expectedExit.put(id, exit);
            }
            awaitTrue(240, () -> tenantOf.keySet().stream().allMatch(id -> {
                String st = job(api, keys.get(tenantOf.get(id)), id).get("state").asText();
                return st.equals("completed") || st.equals("failed");
            }), "40 jobs ended");
            for (String id : tenantOf.keySet()) {
                JsonNode j = job(api, keys.get(tenantOf.get(id)), id);
                assertThat(j.get("exitCode").asInt()).as(j.toString()).isEqualTo(expectedExit.get(id));
                assertThat(j.get("state").asText()).as(j.toString()).isEqualTo(expectedExit.get(id) == 0 ? "completed" : "failed");
            }
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            for (String t : keys.keySet()) {
                NoteKey.Verifier key = NoteKey.parseVerifier(api.get("/api/v1/audit/key", keys.get(t)).body());
                TenantVerifier.Report report = new TenantVerifier(new AuditClient(s.url(), keys.get(t), 100), key, t)
                        .verify(null);
                assertThat(report.failures()).as(t).isEmpty();
            }
        }
        // What Colossus chose and what it was told, from the journal ...
        Map<Long, List<Integer>> placed = new HashMap<>();
        Map<Long, String> handle = new HashMap<>();
        Map<Long, Integer> journaledExit = new HashMap<>();
        try (Store store = ColossusServer.openStore(config)) {
            store.readAfter(0, e -> {
                switch (e.type()) {
                    case "job.placed" -> {
                        Payload.JobPlaced p = Canonical.read(e.payload(), Payload.JobPlaced.class);
                        assertThat(placed.put(p.id(), p.nodes())).as("placed once: " + p.id()).isNull();
                    }
                    case "job.launched" -> {
                        Payload.JobLaunched l = Canonical.read(e.payload(), Payload.JobLaunched.class);
                        handle.put(l.id(), l.handle());
                    }
                    case "job.finished" -> {
                        Payload.JobFinished f = Canonical.read(e.payload(), Payload.JobFinished.class);
                        journaledExit.put(f.id(), f.exitCode());
                    }
                    default -> {
                    }
                }
            });
        }
        // ... against what Slurm itself recorded (its job completion log).
        Map<String, EmulatedSlurm.Completion> done = new HashMap<>();
        Map<String, Integer> perColossusJob = new HashMap<>();
        List<EmulatedSlurm.Completion> completions = slurm.completions();
        for (EmulatedSlurm.Completion c : completions.subList(earlier, completions.size())) {
            done.put(c.jobId(), c);
            perColossusJob.merge(c.name(), 1, Integer::sum);
        }
        List<long[]> intervals = new ArrayList<>();
        List<String> intervalTenant = new ArrayList<>();
        List<Set<String>> intervalNodes = new ArrayList<>();
        for (String id : tenantOf.keySet()) {
            long jobId = Long.parseLong(id);
            EmulatedSlurm.Completion c = done.get(handle.get(jobId));
            assertThat(c).as("Slurm's record of job " + id).isNotNull();
            assertThat(perColossusJob.get("colossus-" + id)).as("Slurm jobs for job " + id).isEqualTo(1);
            Set<String> chosen = new TreeSet<>();
            for (int n : placed.get(jobId)) {
                chosen.add(fleet.nodeName(n));
            }
            assertThat(new TreeSet<>(c.nodes())).as("nodes of job " + id).isEqualTo(chosen);
            assertThat(c.exitCode()).isEqualTo(expectedExit.get(id) + ":0");
            assertThat(journaledExit.get(jobId)).isEqualTo(expectedExit.get(id));
            intervals.add(new long[] {seconds(c.start()), seconds(c.end())});
            intervalTenant.add(tenantOf.get(id));
            intervalNodes.add(chosen);
        }
        for (int a = 0; a < intervals.size(); a++) {
            for (int b = a + 1; b < intervals.size(); b++) {
                if (intervalTenant.get(a).equals(intervalTenant.get(b))) {
                    continue;
                }
                Set<String> shared = new HashSet<>(intervalNodes.get(a));
                shared.retainAll(intervalNodes.get(b));
                if (!shared.isEmpty()) {
                    boolean overlap = intervals.get(a)[0] < intervals.get(b)[1] && intervals.get(b)[0] < intervals.get(a)[1];
                    assertThat(overlap).as("two tenants at once on " + shared).isFalse();
                }
            }
        }
    }

    private static long seconds(String slurmTime) {
        return LocalDateTime.parse(slurmTime).toEpochSecond(java.time.ZoneOffset.UTC);
    }

    @Test
    void cancelAndNodeDown_reachSlurmAndComeBack() throws Exception {
        try (ColossusServer s = TestServers.start(config(dir))) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String key = labA(api, op);
            String cancelled = submit(api, key, command("long", 8, "on-demand", 600, "sleep 120"));
            awaitTrue(20, () -> job(api, key, cancelled).has("dataPlaneId"), "running in Slurm");
            String slurmId = job(api, key, cancelled).get("dataPlaneId").asText();
            long t0 = System.nanoTime();
            assertThat(api.post("/api/v1/jobs/" + cancelled + "/cancel", key, "").status()).isEqualTo(200);
            awaitTrue(2, () -> {
                Slurm.Job j = slurmJobs().get(slurmId);
                return j == null || ended(j.state());
            }, "Slurm job " + slurmId + " gone after the cancel");
            long cancelMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(cancelMillis).isLessThan(2000);

            String moved = submit(api, key, command("moved", 8, "on-demand", 600, "sleep 120"));
            awaitTrue(20, () -> job(api, key, moved).has("dataPlaneId"), "running in Slurm");
            String first = job(api, key, moved).get("dataPlaneId").asText();
            String node = slurmJobs().get(first).nodes().get(0);
            int nodeId = fleet.nodeNamed(node);
            long t1 = System.nanoTime();
            slurm.command("scontrol", "update", "nodename=" + node, "state=down", "reason=test");
            awaitTrue(5, () -> api.get("/api/v1/nodes/" + nodeId, op).json().get("state").asText().equals("down"),
                    "node " + node + " down in Colossus");
            assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(5000);
            awaitTrue(30, () -> {
                JsonNode j = job(api, key, moved);
                return j.get("restarts").asInt() >= 1 && j.has("dataPlaneId") && !j.get("dataPlaneId").asText().equals(first)
                        && j.get("state").asText().equals("running");
            }, "job requeued and running again");
            String second = job(api, key, moved).get("dataPlaneId").asText();
            awaitTrue(20, () -> "RUNNING".equals(slurmJobs().get(second).state()), "second run RUNNING in Slurm");
            assertThat(slurmJobs().get(second).nodes()).doesNotContain(node);
            assertThat(ended(slurmJobs().get(first).state())).as("first run ended").isTrue();
            slurm.command("scontrol", "update", "nodename=" + node, "state=resume");
            awaitTrue(10, () -> !api.get("/api/v1/nodes/" + nodeId, op).json().get("state").asText().equals("down"),
                    "node repaired in Colossus");
        }
    }

    @Test
    void badInput_isRefusedByFieldAndSlurmsRefusalBecomesAFailureReason() throws Exception {
        try (ColossusServer s = TestServers.start(config(dir))) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String key = labA(api, op);
            long seq = api.get("/api/v1/state", op).json().get("seq").asLong();
            String base = "{\"name\":\"bad\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":60,";
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("script", base + "\"script\":\"#!/bin/sh\\necho \\u0000\\n\"}");
            cases.put("script ", base + "\"script\":" + Api.JSON.valueToTree("#!/bin/sh\n" + "#".repeat(600_000)) + "}");
            cases.put("env", base + "\"command\":[\"true\"],\"env\":{\"1BAD\":\"x\"}}");
            cases.put("env.SLURM_NODELIST", base + "\"command\":[\"true\"],\"env\":{\"SLURM_NODELIST\":\"gpu08\"}}");
            cases.put("workdir", base + "\"command\":[\"true\"],\"workdir\":\"/tmp/../etc\"}");
            cases.put("command[1]", base + "\"command\":[\"echo\",\"a\\u0007b\"]}");
            for (var c : cases.entrySet()) {
                Api.Response r = api.post("/api/v1/jobs", key, c.getValue());
                assertThat(r.status()).as(c.getKey() + ": " + r).isEqualTo(422);
                assertThat(r.json().get("field").asText()).isEqualTo(c.getKey().trim());
            }
            // A 10 MB script is over the body limit: refused before it is read, naming the body.
            Api.Response big = api.post("/api/v1/jobs", key, base + "\"script\":\"#!/bin/sh\\n" + "x".repeat(10_000_000) + "\"}");
            assertThat(big.status()).isEqualTo(413);
            assertThat(api.get("/api/v1/state", op).json().get("seq").asLong()).as("journal untouched").isEqualTo(seq);

            // Over the partition's 1-day limit: sbatch refuses, and the job fails with Slurm's reason.
            String id = submit(api, key, base + "\"timeLimitSeconds\":172800,\"command\":[\"true\"]}");
            awaitTrue(10, () -> job(api, key, id).get("state").asText().equals("failed"), "refused job failed");
            assertThat(job(api, key, id).get("failureReason").asText()).startsWith("Slurm refused the job")
                    .containsIgnoringCase("time limit");
            // The tenant's #SBATCH lines are not Slurm's to read: the job runs on the node Colossus chose.
            String pinned = submit(api, key, base.replace("\"durationSeconds\":60,", "\"durationSeconds\":60,")
                    + "\"script\":\"#!/bin/sh\\n#SBATCH --nodelist=gpu08\\n#SBATCH --array=0-9\\necho ran\\n\"}");
            awaitTrue(20, () -> job(api, key, pinned).get("state").asText().equals("completed"), "script job done");
            String slurmId = job(api, key, pinned).get("dataPlaneId").asText();
            assertThat(slurm.command("scontrol", "show", "job", slurmId)).doesNotContain("ArrayJobId");
            assertThat(Files.readString(dir.resolve("jobs").resolve("job-" + pinned + "-" + slurmId + ".out"),
                    StandardCharsets.UTF_8)).isEqualTo("ran\n");
        }
    }

    @Test
    void preemption_signalsCheckpointsRequeuesAndResumesWithTheWorkDone() throws Exception {
        String script = String.join("\n",
                "#!/bin/bash",
                "work=${COLOSSUS_WORK_DONE_SECONDS:-0}",
                "echo \"resumed at $work\"",
                "trap 'echo $work > \"$COLOSSUS_CHECKPOINT_FILE\"; echo \"checkpointed at $work\"; exit 0' USR1",
                "while [ $work -lt 12 ]; do sleep 1; work=$((work+1)); done",
                "echo $work > \"$COLOSSUS_CHECKPOINT_FILE\"",
                "echo done",
                "");
        try (ColossusServer s = TestServers.start(config(dir))) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String p = TestServers.tenant(api, op, "lab-p");
            String r = TestServers.tenant(api, op, "lab-r");
            TestServers.contract(api, op, "lab-p", "preemptible", 64);
            TestServers.contract(api, op, "lab-r", "reserved", 64);
            String victim = submit(api, p, "{\"name\":\"victim\",\"gpuModel\":\"H100\",\"gpus\":64,\"class\":\"preemptible\","
                    + "\"durationSeconds\":12,\"script\":" + Api.JSON.valueToTree(script) + "}");
            awaitTrue(20, () -> job(api, p, victim).has("dataPlaneId"), "victim running in Slurm");
            String firstRun = job(api, p, victim).get("dataPlaneId").asText();
            Thread.sleep(4000);
            String reserved = submit(api, r, command("urgent", 8, "reserved", 60, "sleep 2"));
            awaitTrue(30, () -> job(api, r, reserved).get("state").asText().equals("completed"), "reserved job done");
            awaitTrue(60, () -> job(api, p, victim).get("state").asText().equals("completed"), "victim finished");
            JsonNode v = job(api, p, victim);
            String lastRun = v.get("dataPlaneId").asText();
            assertThat(lastRun).isNotEqualTo(firstRun);
            String firstOut = Files.readString(dir.resolve("jobs").resolve("job-" + victim + "-" + firstRun + ".out"));
            String lastOut = Files.readString(dir.resolve("jobs").resolve("job-" + victim + "-" + lastRun + ".out"));
            assertThat(firstOut).contains("resumed at 0").contains("checkpointed at");
            int saved = Integer.parseInt(firstOut.replaceAll("(?s).*checkpointed at (\\d+).*", "$1"));
            assertThat(saved).isGreaterThanOrEqualTo(2);
            assertThat(lastOut).contains("resumed at " + saved).contains("done");
        }
    }

    @Test
    void sigkill_whileTwentyJobsRun_adoptsEveryOneWithoutDuplicates() throws Exception {
        Path data = dir.resolve("data");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--data-dir", data.toString(), "--fleet", fleetFile.toString(), "--admission", "off",
                "--slurm-conf", slurm.conf().toString(), "--slurm-job-dir", data.resolve("jobs").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Set<String> before;
        try {
            String url = ServerProcesses.awaitListening(p, 60);
            Api api = new Api(url);
            String op = Files.readString(data.resolve("operator.token")).trim();
            String key = labA(api, op);
            for (int i = 0; i < 20; i++) {
                submit(api, key, command("k" + i, 2, "on-demand", 600, "sleep 25"));
            }
            awaitTrue(30, () -> running().size() == 20, "20 Slurm jobs running");
            before = running();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
        }
        assertThat(running()).isEqualTo(before);
        ServerConfig config = config(data).withFleet(fleetFile.toString());
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            Thread.sleep(2000); // a few readings of Slurm
            assertThat(running()).as("the same Slurm jobs, none added, none cancelled").isEqualTo(before);
            String op = Files.readString(data.resolve("operator.token")).trim();
            JsonNode jobs = api.get("/api/v1/jobs?state=running", op).json().get("items");
            Set<String> adopted = new TreeSet<>();
            jobs.forEach(j -> adopted.add(j.get("dataPlaneId").asText()));
            assertThat(adopted).isEqualTo(before);
            ColossusServer.HashAt live = s.stateHashAt();
            try (Store store = ColossusServer.openStore(config)) {
                assertThat(Replay.cold(store, Catalog.standard(), live.seq()).stateHash()).isEqualTo(live.hash());
            }
        }
    }

    @Test
    void foreignSlurmJob_isNeverKilled_andItsNodeGetsNoColossusJobWhileItRuns() throws Exception {
        try (ColossusServer s = TestServers.start(config(dir))) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String key = labA(api, op);
            String foreign = slurm.command("sbatch", "--parsable", "--nodelist=gpu08", "--gres=gpu:8", "--exclusive",
                    "--output=/dev/null", "--wrap", "sleep 8").trim();
            int node = fleet.nodeNamed("gpu08");
            awaitTrue(10, () -> api.get("/api/v1/nodes/" + node, op).json().get("state").asText().equals("drained"),
                    "gpu08 held by the foreign job");
            String whole = submit(api, key, command("whole", 64, "on-demand", 60, "sleep 1"));
            Thread.sleep(2000);
            assertThat(job(api, key, whole).get("state").asText()).as("waits for all eight nodes").isEqualTo("queued");
            awaitTrue(40, () -> job(api, key, whole).get("state").asText().equals("completed"), "ran after it");
            assertThat(slurmJobs().get(foreign).state()).as("the foreign job ran to its end").isEqualTo("COMPLETED");
            assertThat(api.get("/api/v1/nodes/" + node, op).json().get("state").asText()).isEqualTo("free");
        }
    }

    /** Slurm ids of Colossus's jobs running in Slurm now. */
    private static Set<String> running() {
        Set<String> out = new TreeSet<>();
        for (Slurm.Job j : slurm.commands().jobs()) {
            if (j.comment().startsWith("colossus lab job ") && j.state().equals("RUNNING")) {
                out.add(j.id());
            }
        }
        return out;
    }

    @Test
    void controllerDown_thirtySecondsUnderSubmissions_nothingLostAllRunAfter() throws Exception {
        try (ColossusServer s = TestServers.start(config(dir))) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String key = labA(api, op);
            awaitTrue(10, () -> api.get("/readyz", op).json().get("status").asText().equals("ok"), "data plane up");
            slurm.stopController();
            awaitTrue(10, () -> api.get("/readyz", op).json().get("status").asText().equals("degraded"), "degraded");
            assertThat(api.get("/readyz", op).status()).isEqualTo(200);
            assertThat(api.get("/metrics", op).body()).contains("colossus_dataplane_up 0");
            List<String> ids = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int i = 0;
            while (System.nanoTime() < end) {
                ids.add(submit(api, key, command("o" + i++, 8, "on-demand", 60, "sleep 1")));
                Thread.sleep(3000);
            }
            assertThat(ids).hasSizeGreaterThanOrEqualTo(9);
            slurm.startController(false);
            awaitTrue(120, () -> ids.stream().allMatch(id -> job(api, key, id).get("state").asText().equals("completed")),
                    "every job submitted during the outage ran");
            assertThat(api.get("/readyz", op).json().get("status").asText()).isEqualTo("ok");
            assertThat(api.get("/metrics", op).body()).contains("colossus_dataplane_up 1");
        }
    }
}
