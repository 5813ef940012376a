package org.colossus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.colossus.client.AuditClient;
import org.colossus.fleet.FailureModel;
import org.colossus.scheduler.JobClass;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.engine.Commands;
import org.colossus.server.journal.JdbcStore;
import org.colossus.server.state.AdmissionPolicy;
import org.colossus.trust.NoteKey;
import org.colossus.trust.TenantVerifier;

/**
 * The audit log at scale (issue 6's speed targets), through the real server, store and HTTP API:
 * <ol>
 *   <li>fills a journal until tenant {@code lab-a} has at least N own entries (rivals submit as much beside it);</li>
 *   <li>{@code audit verify} for lab-a from scratch (every own entry opened and proven, every node it held checked)
 *   and again incrementally;</li>
 *   <li>inclusion proofs served over HTTP at the final tree size (latency percentiles);</li>
 *   <li>the integrator's append rate: the log is dropped and rebuilt from the journal at start-up.</li>
 * </ol>
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.AuditLoad DIR [OWN_ENTRIES=100000] [--db URL]</pre>
 */
public final class AuditLoad {
    private AuditLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long target = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
        String db = null;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--db")) {
                db = args[++i];
            }
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        ServerConfig config = ServerConfig.defaults().withAdmission(AdmissionPolicy.UNLIMITED).withDataDir(dir)
                .withListen("127.0.0.1", 0).withFleet("colossus2")
                .withSpeed(3600).withFailures(FailureModel.DEFAULT);
        if (db != null) {
            config = config.withDb(db, null, null);
        }
        Path keyFile = dir.resolve("lab-a.key");
        String key;
        long t0 = System.nanoTime();
        try (ColossusServer server = ColossusServer.start(config, quiet)) {
            if (!Files.exists(keyFile)) {
                key = createTenants(server);
                Files.writeString(keyFile, key);
            } else {
                key = Files.readString(keyFile).trim();
            }
            long own = fill(server, target);
            System.out.printf(Locale.ROOT, "journal: %d entries, lab-a owns %d (%.1f s)%n", server.engine().committedSeq(),
                    own, (System.nanoTime() - t0) / 1e9);
        }
        // Measured on a quiet server: the fleet at real-time speed, so the simulation does not compete for the CPUs.
        ServerConfig quietConfig = config.withSpeed(1).withFailures(FailureModel.OFF);
        try (ColossusServer server = ColossusServer.start(quietConfig, quiet)) {
            server.audit().awaitCheckpoint(server.engine().committedSeq(), 120_000);
            NoteKey.Verifier vkey = server.audit().verifier();
            AuditClient client = new AuditClient(server.url(), key, 10_000);
            TenantVerifier verifier = new TenantVerifier(client, vkey, "lab-a");
            TenantVerifier.State state = null;
            for (int run = 1; run <= 3; run++) {
                long v0 = System.nanoTime();
                TenantVerifier.Report r = verifier.verify(null);
                double s = (System.nanoTime() - v0) / 1e9;
                System.out.printf(Locale.ROOT, "audit verify from scratch %d: %s in %.2f s%n", run,
                        r.ok() ? "passed" : "FAILED " + r.failures(), s);
                r.evidence().forEach(e -> System.out.println("    " + e));
                state = r.next();
            }
            long v0 = System.nanoTime();
            TenantVerifier.Report again = verifier.verify(state);
            System.out.printf(Locale.ROOT, "audit verify incremental (nothing new): %s in %.3f s%n",
                    again.ok() ? "passed" : "FAILED", (System.nanoTime() - v0) / 1e9);
            long size = server.audit().checkpointSize();
            SplittableRandom random = new SplittableRandom(1);
            long[] nanos = new long[2000];
            for (int i = 0; i < nanos.length; i++) {
                long idx = random.nextLong(size);
                long p0 = System.nanoTime();
                client.inclusionProof(idx, size);
                nanos[i] = System.nanoTime() - p0;
            }
            Arrays.sort(nanos);
            long[] direct = new long[2000];
            for (int i = 0; i < direct.length; i++) {
                long idx = random.nextLong(size);
                long p0 = System.nanoTime();
                server.audit().inclusionProof(idx, size);
                direct[i] = System.nanoTime() - p0;
            }
            Arrays.sort(direct);
            System.out.printf(Locale.ROOT, "inclusion proof at tree size %d: over HTTP median %.3f ms, p99 %.3f ms;"
                            + " from the store median %.3f ms, p99 %.3f ms%n", size, nanos[1000] / 1e6, nanos[1980] / 1e6,
                    direct[1000] / 1e6, direct[1980] / 1e6);
        }
        // The integrator's append rate: drop the log, let start-up rebuild it from the journal.
        try (JdbcStore store = db == null ? JdbcStore.h2(dir) : JdbcStore.open(db, null, null)) {
            store.tamper("DELETE FROM merkle_tile", "DELETE FROM audit_node_leaf", "DELETE FROM audit_event",
                    "DELETE FROM audit_holding", "UPDATE audit_progress SET seq = 0, leaves = 0");
        }
        try (JdbcStore store = db == null ? JdbcStore.h2(dir) : JdbcStore.open(db, null, null)) {
            long s0 = System.nanoTime();
            try (var log = org.colossus.server.audit.AuditLog.open(store, dir, new java.security.SecureRandom(),
                    store.lastSeq())) {
                double s = (System.nanoTime() - s0) / 1e9;
                long leaves = log.checkpointSize();
                System.out.printf(Locale.ROOT, "integrator: %d journal entries read, %d leaves appended, nodes, node leaves"
                        + " and holdings written, checkpoint signed in %.1f s: %.0f leaves/s%n", store.lastSeq(), leaves, s,
                        leaves / s);
            }
        }
    }

    private static String createTenants(ColossusServer server) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String key = null;
        for (String t : new String[] {"lab-a", "lab-b", "lab-c"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/tenants"))
                    .header("Authorization", "Bearer " + server.operatorToken()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + t + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("create tenant " + t + ": " + r.body());
            }
            if (t.equals("lab-a")) {
                key = new ObjectMapper().readTree(r.body()).get("apiKey").asText();
            }
        }
        var engine = server.engine();
        String gpu = engine.read(s -> s.gpuModels().iterator().next()).get();
        long now = engine.now();
        for (String t : new String[] {"lab-a", "lab-b", "lab-c"}) {
            engine.submit(Commands.signContract(new Commands.ContractRequest(t, JobClass.ON_DEMAND, gpu, 110_592,
                    now - 1000, now + 10L * 365 * 86400 * 1000, new BigDecimal("2.50")))).get();
        }
        return key;
    }

    /** Submits jobs of the three tenants until lab-a has {@code target} own entries; returns lab-a's count. */
    private static long fill(ColossusServer server, long target) throws Exception {
        var engine = server.engine();
        String gpu = engine.read(s -> s.gpuModels().iterator().next()).get();
        String[] tenants = {"lab-a", "lab-b", "lab-c"};
        SplittableRandom random = new SplittableRandom(11);
        ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
        int[] sizes = {4, 4, 8, 8, 16};
        long n = 0;
        while (true) {
            if (n % 8192 == 0) {
                for (CompletableFuture<?> f : inFlight) {
                    f.get();
                }
                inFlight.clear();
                long own = ownEntries(server);
                if (own >= target) {
                    return own;
                }
                Thread.sleep(200); // let simulated time pass: jobs finish, checkpoint, fail
            }
            String t = tenants[(int) (n % 3)];
            int gpus = sizes[random.nextInt(sizes.length)];
            inFlight.add(engine.submit(Commands.submitJob(t, new Commands.JobRequest("job-" + n++, gpu, gpus,
                    JobClass.ON_DEMAND, 0, false, 0, false, 1000L * (60 + random.nextInt(3600)), null, null, null, false))));
            if (inFlight.size() >= 2048) {
                inFlight.poll().get();
            }
        }
    }

    private static long scanned;
    private static long own;

    /** lab-a's entries so far, counted from the journal incrementally. */
    private static long ownEntries(ColossusServer server) {
        server.store().readAfter(scanned, e -> {
            scanned = e.seq();
            if ("lab-a".equals(e.tenant())) {
                own++;
            }
        });
        return own;
    }
}
