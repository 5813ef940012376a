package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.colossus.client.AuditClient;
import org.colossus.fleet.Catalog;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.server.state.ControlState;
import org.colossus.trust.NoteKey;
import org.colossus.trust.TenantVerifier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * High availability (issue 21), with servers as processes on one PostgreSQL: a killed leader is replaced within 10 s
 * and no acknowledged submission is lost or doubled; a paused leader that wakes up after a failover writes nothing,
 * steps down and follows; survivors' states equal a cold replay; the audit log verifies across failovers.
 */
class HaTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void start_haOnTheEmbeddedH2_isRefusedNamingWhatItNeeds() {
        ServerConfig c = TestServers.config(dir, new ManualClock(TestServers.START))
                .withHa(new ServerConfig.Ha(true, "a", null, 2_000));
        assertThatThrownBy(() -> TestServers.start(c)).isInstanceOf(ServerException.class)
                .hasMessageContaining("--ha needs --db jdbc:postgresql://");
    }

    private static void requirePostgres() {
        Databases.kinds(); // fails when COLOSSUS_REQUIRE_PG=1 and no database is given
        Assumptions.assumeTrue(Databases.PG_URL != null, "COLOSSUS_TEST_PG_URL not set");
    }

    private record Server(Process process, String url, Path dataDir) {
        long pid() {
            return process.pid();
        }
    }

    private Server spawn(String name, Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--data-dir", dataDir.toString(), "--fleet", "uniform:512x8", "--speed", "60", "--failures", "off",
                "--db", Databases.PG_URL, "--ha", name);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        return new Server(p, ServerProcesses.awaitListening(p, 90), dataDir);
    }

    /** The first server starts the journal; the others get its audit log's key and opening secret first. */
    private List<Server> cluster(int n) throws Exception {
        Databases.configure(TestServers.config(dir, new ManualClock(0)), "postgresql", dir); // empties the database
        List<Server> out = new ArrayList<>();
        Server first = spawn("s0", dir.resolve("s0"));
        out.add(first);
        for (int i = 1; i < n; i++) {
            Path d = dir.resolve("s" + i);
            Files.createDirectories(d);
            for (String f : List.of("audit.key", "audit.vkey", "audit.secret")) {
                Files.copy(first.dataDir().resolve(f), d.resolve(f));
            }
            out.add(spawn("s" + i, d));
        }
        for (Server s : out) {
            awaitRole(s, s == first ? "leader" : "standby", 30);
        }
        return out;
    }

    private static JsonNode ready(Server s) {
        try {
            return new Api(s.url()).get("/readyz", null).json();
        } catch (AssertionError e) {
            return null; // not answering (killed or stopped)
        }
    }

    /** Each server's role now and its last log lines: what a failure message needs to be diagnosed afterwards. */
    private static String logs(List<Server> servers) {
        StringBuilder b = new StringBuilder();
        for (Server s : servers) {
            b.append("--- ").append(s.url()).append(" (").append(ready(s)).append("), last lines:\n")
                    .append(ServerProcesses.tail(s.process())).append('\n');
        }
        return b.toString();
    }

    private static void awaitRole(Server s, String role, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = ready(s);
            if (last != null && role.equals(last.path("role").asText())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(s.url() + " did not become " + role + " within " + seconds + " s: " + last + "\n"
                + ServerProcesses.tail(s.process()));
    }

    /** Submits to the servers in turn: a standby's 503 or a refused connection moves on to the next. */
    private static final class Client {
        private final List<Server> servers;
        private int at;

        Client(List<Server> servers) {
            this.servers = servers;
        }

        /** The reply, or null when the outcome is unknown (the connection broke after the request was sent). */
        Api.Response post(String path, String token, String body) throws InterruptedException {
            for (int attempt = 0; attempt < 200; attempt++) {
                Server s = servers.get(at % servers.size());
                Api.Response r;
                try {
                    r = new Api(s.url()).post(path, token, body);
                } catch (AssertionError e) {
                    if (String.valueOf(e.getMessage()).contains("ConnectException")) {
                        at++;
                        Thread.sleep(20);
                        continue; // never reached the server: safe to send again
                    }
                    return null;
                }
                if (r.status() == 503 && r.body().contains("urn:colossus:problem:standby")) {
                    at++;
                    Thread.sleep(20);
                    continue;
                }
                return r;
            }
            throw new AssertionError("no leader took " + path + " within 200 attempts");
        }
    }

    private static Map<String, String> setUp(Client c, String op) throws InterruptedException {
        Map<String, String> keys = new HashMap<>();
        for (String t : List.of("lab-a", "lab-b")) {
            Api.Response r = c.post("/api/v1/tenants", op, "{\"name\":\"" + t + "\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            keys.put(t, r.json().get("apiKey").asText());
            Api.Response k = c.post("/api/v1/contracts", op, "{\"tenant\":\"" + t + "\",\"class\":\"on-demand\","
                    + "\"gpuModel\":\"H100\",\"gpus\":4096,\"start\":\"2020-01-01T00:00:00Z\","
                    + "\"end\":\"2099-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}");
            assertThat(k.status()).as(k.toString()).isEqualTo(201);
        }
        return keys;
    }

    @Test
    void sigkillLeader_standbyLeadsWithin10s_everyAcknowledgedSubmissionOnce_survivorsEqualColdReplay()
            throws Exception {
        requirePostgres();
        List<Server> servers = cluster(3);
        String op = Files.readString(dir.resolve("s0").resolve("operator.token")).trim();
        Map<String, String> keys = setUp(new Client(servers), op);
        Map<String, Long> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong firstAfterKill = new AtomicLong();
        CountDownLatch done = new CountDownLatch(16);
        for (int c = 0; c < 16; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                Client api = new Client(servers);
                try {
                    for (int i = 0; !stop.get(); i++) {
                        String name = "c" + client + "-" + i;
                        Api.Response r = api.post("/api/v1/jobs", keys.get(client % 2 == 0 ? "lab-a" : "lab-b"),
                                "{\"name\":\"" + name + "\",\"gpuModel\":\"H100\",\"gpus\":" + (1 << (i % 4))
                                        + ",\"class\":\"on-demand\",\"durationSeconds\":" + (600 + i * 7 % 5000) + "}");
                        if (r != null && r.status() == 201) {
                            acked.put(name, r.json().get("id").asLong());
                            if (killedAt.get() != 0) {
                                firstAfterKill.compareAndSet(0, System.nanoTime());
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acked.size() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int before = acked.size();
        killedAt.set(System.nanoTime());
        servers.get(0).process().destroyForcibly(); // SIGKILL the leader
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acked.size() < before + 200 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        stop.set(true);
        done.await(60, TimeUnit.SECONDS);
        assertThat(firstAfterKill.get()).as("no write was accepted after the kill").isNotZero();
        double failoverSeconds = (firstAfterKill.get() - killedAt.get()) / 1e9;
        assertThat(failoverSeconds).as("failover took %.1f s", failoverSeconds).isLessThan(10);
        assertThat(acked.size()).isGreaterThanOrEqualTo(before + 200);

        // Every acknowledged submission is in the journal exactly once, with the id its client was given, and both
        // survivors reach the state a cold replay of the journal gives.
        checkJournal(acked, servers.subList(1, 3), op);
    }

    /** Submits from 8 clients until stopped; returns the acknowledged names with their ids. */
    private static final class Load implements AutoCloseable {
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final CountDownLatch done = new CountDownLatch(8);

        private final List<Server> servers;

        Load(List<Server> servers, String key) {
            this.servers = servers;
            for (int c = 0; c < 8; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    Client api = new Client(servers);
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            String name = "l" + client + "-" + i;
                            Api.Response r;
                            try {
                                r = api.post("/api/v1/jobs", key, "{\"name\":\"" + name + "\",\"gpuModel\":"
                                        + "\"H100\",\"gpus\":1,\"class\":\"on-demand\",\"durationSeconds\":600}");
                            } catch (AssertionError e) {
                                // No leader within the client's patience (a database restart can take longer): a
                                // real client keeps trying, and so does this one, with the next name.
                                Thread.sleep(100);
                                continue;
                            }
                            if (r != null && r.status() == 201) {
                                acked.put(name, r.json().get("id").asLong());
                            }
                        }
                    } catch (InterruptedException e) {
                        // stopped: what was acknowledged is checked
                    } finally {
                        done.countDown();
                    }
                });
                t.setDaemon(true);
                t.start();
            }
        }

        void awaitMore(int n, int seconds) throws InterruptedException {
            int target = acked.size() + n;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (acked.size() < target && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (acked.size() < target) {
                throw new AssertionError("acknowledged submissions: " + acked.size() + ", expected " + target
                        + " within " + seconds + " s\n" + logs(servers));
            }
        }

        /** Stops the clients and waits for them. */
        void stop() {
            stop.set(true);
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** Every acknowledged name is journaled exactly once with its id; the journal replays to each server's hash. */
    private void checkJournal(Map<String, Long> acked, List<Server> servers, String op) throws Exception {
        ServerConfig config = TestServers.config(dir.resolve("check"), new ManualClock(0)).withDb(Databases.PG_URL, null,
                null);
        try (Store store = ColossusServer.openStore(config)) {
            Map<String, List<Long>> journaled = new HashMap<>();
            store.readAfter(0, e -> {
                if (e.type().equals("job.submitted")) {
                    Payload.JobSubmitted j = Canonical.read(e.payload(), Payload.JobSubmitted.class);
                    journaled.computeIfAbsent(j.name(), k -> new ArrayList<>()).add(j.id());
                }
            });
            for (var a : acked.entrySet()) {
                assertThat(journaled.get(a.getKey())).as(a.getKey()).containsExactly(a.getValue());
            }
            long end = store.lastSeq();
            for (Server s : servers) {
                JsonNode state = awaitState(s, op, end);
                ControlState cold = org.colossus.server.Replay.cold(store, Catalog.standard(), state.get("seq").asLong());
                assertThat(state.get("hash").asText()).as(s.url()).isEqualTo(cold.stateHash());
            }
        }
    }

    @Test
    void sigkillStandbyUnderLoad_restarted_catchesUpToTheLeader() throws Exception {
        requirePostgres();
        List<Server> servers = new ArrayList<>(cluster(2));
        String op = Files.readString(dir.resolve("s0").resolve("operator.token")).trim();
        Map<String, String> keys = setUp(new Client(servers), op);
        try (Load load = new Load(List.of(servers.get(0)), keys.get("lab-a"))) {
            load.awaitMore(100, 30);
            servers.get(1).process().destroyForcibly(); // SIGKILL the standby
            servers.get(1).process().waitFor(10, TimeUnit.SECONDS);
            load.awaitMore(100, 30);
            servers.set(1, spawn("s1", dir.resolve("s1")));
            awaitRole(servers.get(1), "standby", 30);
            load.awaitMore(100, 30);
            load.stop();
            checkJournal(load.acked, servers, op);
        }
        // Caught up: nothing behind at its last poll.
        String metrics = new Api(servers.get(1).url()).get("/metrics", op).body();
        assertThat(metrics).contains("colossus_ha_standby_lag_entries 0").contains("colossus_ha_role{role=\"standby\"} 1");
    }

    @Test
    void databaseRestartUnderLoad_noAcknowledgedSubmissionLost_oneLeaderAfter() throws Exception {
        requirePostgres();
        String cluster = localPostgresCluster();
        Assumptions.assumeTrue(cluster != null, "the test database is not a local cluster this test may restart");
        List<Server> servers = cluster(2);
        String op = Files.readString(dir.resolve("s0").resolve("operator.token")).trim();
        Map<String, String> keys = setUp(new Client(servers), op);
        try (Load load = new Load(servers, keys.get("lab-a"))) {
            load.awaitMore(100, 30);
            String[] vc = cluster.split(" ");
            Process restart = new ProcessBuilder("pg_ctlcluster", vc[0], vc[1], "restart").inheritIO().start();
            assertThat(restart.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(restart.exitValue()).isZero();
            // 180 s, not 60: in 3 of 6 full runs on this 2-vCPU machine (2026-12-02), writes resumed later than 60 s
            // after the restart (cause not found yet); a cluster that never resumes still fails here.
            load.awaitMore(100, 180);
            load.stop();
            // One leader once the dust settles (the old one, or a standby if its lease lapsed meanwhile).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long leaders = -1;
            while (System.nanoTime() < deadline && leaders != 1) {
                leaders = servers.stream().map(HaTest::ready).filter(j -> j != null
                        && "leader".equals(j.path("role").asText())).count();
                Thread.sleep(200);
            }
            assertThat(leaders).isEqualTo(1);
            checkJournal(load.acked, servers, op);
        }
    }

    /** "VERSION NAME" of the local PostgreSQL cluster the tests use, if they may restart it (root, pg_ctlcluster). */
    private static String localPostgresCluster() {
        if (!Databases.PG_URL.contains("//127.0.0.1") && !Databases.PG_URL.contains("//localhost")) {
            return null;
        }
        try {
            Process p = new ProcessBuilder("pg_lsclusters", "--no-header").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !"root".equals(System.getProperty("user.name"))) {
                return null;
            }
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[3].equals("online") && Databases.PG_URL.contains(":" + f[2] + "/")) {
                    return f[0] + " " + f[1];
                }
            }
            return null;
        } catch (java.io.IOException | InterruptedException e) {
            return null;
        }
    }

    /** The server's state once it has applied the journal up to {@code seq} at least. */
    private static JsonNode awaitState(Server s, String op, long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = new Api(s.url()).get("/api/v1/state", op).json();
            if (last.path("seq").asLong() >= seq) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(s.url() + " did not reach entry " + seq + ": " + last);
    }

    @Test
    void sigstopLeader_wakesAfterFailover_writesNothing_stepsDown_auditVerifies() throws Exception {
        requirePostgres();
        List<Server> servers = cluster(2);
        Server a = servers.get(0);
        Server b = servers.get(1);
        String op = Files.readString(a.dataDir().resolve("operator.token")).trim();
        Client client = new Client(servers);
        Map<String, String> keys = setUp(client, op);
        for (int i = 0; i < 5; i++) {
            assertThat(client.post("/api/v1/jobs", keys.get("lab-a"), "{\"name\":\"before-" + i + "\",\"gpuModel\":"
                    + "\"H100\",\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":3600}").status()).isEqualTo(201);
        }
        new ProcessBuilder("kill", "-STOP", Long.toString(a.pid())).start().waitFor();
        try {
            awaitRole(b, "leader", 15);
            for (int i = 0; i < 5; i++) {
                Api.Response r = new Api(b.url()).post("/api/v1/jobs", keys.get("lab-a"), "{\"name\":\"during-" + i
                        + "\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":3600}");
                assertThat(r.status()).as(r.toString()).isEqualTo(201);
            }
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(a.pid())).start().waitFor();
        }
        // Woken, the old leader's writes are refused by the database: it steps down and follows the new leader.
        awaitRole(a, "standby", 15);
        JsonNode leader = awaitState(b, op, 0);
        JsonNode follower = awaitState(a, op, leader.get("seq").asLong());
        assertThat(follower.get("hash").asText()).isEqualTo(awaitState(b, op, follower.get("seq").asLong())
                .get("hash").asText());
        // Nothing of the deposed leader's is in the journal after the new leader's first entry: the replay holds.
        ServerConfig config = TestServers.config(dir.resolve("check"), new ManualClock(0)).withDb(Databases.PG_URL, null,
                null);
        try (Store store = ColossusServer.openStore(config)) {
            ControlState cold = org.colossus.server.Replay.cold(store, Catalog.standard(), follower.get("seq").asLong());
            assertThat(cold.stateHash()).isEqualTo(follower.get("hash").asText());
        }
        // The tenant's audit log verifies across the failover: one log, one key, consistent checkpoints.
        NoteKey.Verifier key = NoteKey.parseVerifier(Files.readString(a.dataDir().resolve("audit.vkey")).trim());
        TenantVerifier.Report report = new TenantVerifier(new AuditClient(b.url(), keys.get("lab-a"), 100), key, "lab-a")
                .verify(null);
        assertThat(report.failures()).isEmpty();
        // A standby does not serve the audit log: it names the leader (as soon as it has looked at the lease).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Api.Response fromStandby = new Api(a.url()).get("/api/v1/audit/checkpoint", keys.get("lab-a"));
        while (fromStandby.header("X-Colossus-Leader") == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
            fromStandby = new Api(a.url()).get("/api/v1/audit/checkpoint", keys.get("lab-a"));
        }
        assertThat(fromStandby.status()).isEqualTo(503);
        assertThat(fromStandby.header("X-Colossus-Leader")).isEqualTo(b.url());
    }
}
