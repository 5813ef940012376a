package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.colossus.client.AuditClient;
import org.colossus.fleet.Catalog;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.server.state.ControlState;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.ProofVerifier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety: the server runs as its own process under 16 concurrent submitters and is killed with SIGKILL. After a
 * restart every acknowledged submission is there, nothing else is half there (the journal replays with every
 * decision checked), and the restarted state's hash equals a cold replay of the journal.
 */
class CrashTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    private static Process spawn(Path dataDir, String db) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "--data-dir", dataDir.toString(), "--fleet", "uniform:512x8",
                "--speed", "60", "--failures", "on"));
        if (db != null) {
            cmd.add("--db");
            cmd.add(db);
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String awaitUrl(Process p) throws Exception {
        return ServerProcesses.awaitListening(p, 60);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sigkillUnderLoad_keepsEveryAcknowledgedSubmission(String kind) throws Exception {
        String db = null;
        if (kind.equals("postgresql")) {
            Databases.configure(TestServers.config(dir, new ManualClock(0)), kind, dir); // empties the database
            db = Databases.PG_URL;
        }
        Process p = spawn(dir, db);
        Map<String, Long> acked = new ConcurrentHashMap<>();
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        try {
            String url = awaitUrl(p);
            assertThat(Files.readString(dir.resolve("server.url")).trim()).isEqualTo(url);
            String op = Files.readString(dir.resolve("operator.token")).trim();
            Api api = new Api(url);
            String[] keys = {TestServers.tenant(api, op, "lab-a"), TestServers.tenant(api, op, "lab-b")};
            for (String t : new String[] {"lab-a", "lab-b"}) {
                Api.Response r = api.post("/api/v1/contracts", op, "{\"tenant\":\"" + t + "\",\"class\":\"on-demand\","
                        + "\"gpuModel\":\"H100\",\"gpus\":4096,\"start\":\"2020-01-01T00:00:00Z\","
                        + "\"end\":\"2099-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}");
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger errors = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(16);
            for (int c = 0; c < 16; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            String name = "c" + client + "-" + i;
                            attempted.add(name);
                            try {
                                Api.Response r = api.post("/api/v1/jobs", keys[client % 2], "{\"name\":\"" + name
                                        + "\",\"gpuModel\":\"H100\",\"gpus\":" + (1 << (i % 5))
                                        + ",\"class\":\"on-demand\",\"durationSeconds\":" + (600 + i * 7 % 5000) + "}");
                                if (r.status() == 201) {
                                    acked.put(name, r.json().get("id").asLong());
                                }
                            } catch (AssertionError e) {
                                errors.incrementAndGet(); // connection reset by the kill
                                return;
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acked.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor(10, TimeUnit.SECONDS);
            stop.set(true);
            done.await(30, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(300);

        ServerConfig config = TestServers.config(dir, new ManualClock(System.currentTimeMillis()))
                .withFleet("uniform:512x8").withSpeed(60);
        if (db != null) {
            config = config.withDb(db, null, null);
        }
        ColossusServer.HashAt live;
        try (ColossusServer again = TestServers.start(config)) {
            assertThat(again.operatorToken()).isNull();
            live = again.stateHashAt();
        }
        try (Store store = ColossusServer.openStore(config)) {
            Map<String, Long> journaled = new ConcurrentHashMap<>();
            store.readAfter(0, e -> {
                if (e.type().equals("job.submitted")) {
                    Payload.JobSubmitted j = Canonical.read(e.payload(), Payload.JobSubmitted.class);
                    journaled.put(j.name(), j.id());
                }
            });
            // Every acknowledged submission is in the journal with the id the client was given ...
            for (var a : acked.entrySet()) {
                assertThat(journaled.get(a.getKey())).as(a.getKey()).isEqualTo(a.getValue());
            }
            // ... and nothing is there that no client sent.
            assertThat(attempted).containsAll(journaled.keySet());
            ControlState cold = Replay.cold(store, Catalog.standard(), live.seq());
            assertThat(cold.stateHash()).isEqualTo(live.hash());
        }
    }

    /**
     * The way acknowledged submissions were lost (security review, item 1): an idle minute, then single submissions
     * one second apart, SIGKILL. On H2 the restart replayed none of them and handed out their ids again, and the audit
     * log shrank below checkpoints already served. Every acknowledged id must be there, and the log must extend every
     * checkpoint a tenant saw before the kill.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sigkillAfterIdle_singleSubmissions_keepsEveryAcknowledgedIdAndEveryServedCheckpoint(String kind)
            throws Exception {
        String db = null;
        if (kind.equals("postgresql")) {
            Databases.configure(TestServers.config(dir, new ManualClock(0)), kind, dir); // empties the database
            db = Databases.PG_URL;
        }
        Process p = spawn(dir, db);
        Map<Long, String> acked = new java.util.LinkedHashMap<>();
        List<Checkpoint> served = new ArrayList<>();
        String key;
        try {
            String url = awaitUrl(p);
            String op = Files.readString(dir.resolve("operator.token")).trim();
            Api api = new Api(url);
            key = TestServers.tenant(api, op, "lab-a");
            assertThat(api.post("/api/v1/contracts", op, "{\"tenant\":\"lab-a\",\"class\":\"on-demand\","
                    + "\"gpuModel\":\"H100\",\"gpus\":1024,\"start\":\"2020-01-01T00:00:00Z\","
                    + "\"end\":\"2099-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}").status()).isEqualTo(201);
            Api.Response first = api.post("/api/v1/jobs", key, "{\"name\":\"long\",\"gpuModel\":\"H100\","
                    + "\"gpus\":64,\"class\":\"on-demand\",\"durationSeconds\":2000000}");
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            acked.put(first.json().get("id").asLong(), "long");
            // H2 keeps old chunks for 45 s (its retention time) before their space is reused: idle past it.
            Thread.sleep(IDLE_MILLIS);
            AuditClient audit = new AuditClient(url, key, 1000);
            for (int i = 1; i <= 3; i++) {
                Api.Response r = api.post("/api/v1/jobs", key, "{\"name\":\"small" + i + "\",\"gpuModel\":\"H100\","
                        + "\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":200000}");
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                acked.put(r.json().get("id").asLong(), "small" + i);
                served.add(checkpointOf(audit.checkpoint()));
                Thread.sleep(1000);
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor(10, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        ServerConfig config = TestServers.config(dir, new ManualClock(System.currentTimeMillis()))
                .withFleet("uniform:512x8").withSpeed(60);
        if (db != null) {
            config = config.withDb(db, null, null);
        }
        try (ColossusServer again = TestServers.start(config)) {
            Api api = new Api(again.url());
            for (var a : acked.entrySet()) {
                Api.Response r = api.get("/api/v1/jobs/" + a.getKey(), key);
                assertThat(r.status()).as("acknowledged job " + a.getKey() + " after the restart: " + r.body()).isEqualTo(200);
                assertThat(r.json().get("name").asText()).isEqualTo(a.getValue());
            }
            Api.Response next = api.post("/api/v1/jobs", key, "{\"name\":\"after\",\"gpuModel\":\"H100\","
                    + "\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":600}");
            assertThat(next.json().get("id").asLong()).isGreaterThan(java.util.Collections.max(acked.keySet()));
            AuditClient audit = new AuditClient(again.url(), key, 1000);
            Checkpoint now = checkpointOf(audit.checkpoint());
            for (Checkpoint before : served) {
                assertThat(now.size()).as("the log after the restart").isGreaterThanOrEqualTo(before.size());
                ProofVerifier.verifyConsistency(before.size(), now.size(),
                        audit.consistencyProof(before.size(), now.size()), before.root(), now.root());
            }
        }
    }

    /** Longer than H2's 45 s retention time, after which the lost commits' chunk space was reused. */
    private static final long IDLE_MILLIS = 50_000;

    private static Checkpoint checkpointOf(String note) {
        return Checkpoint.parse(note.substring(0, note.indexOf("\n\n") + 1));
    }
}
