package org.colossus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.colossus.fleet.FailureModel;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.dataplane.slurm.EmulatedSlurm;
import org.colossus.server.dataplane.slurm.Slurm;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.server.state.AdmissionPolicy;

/**
 * The Slurm data plane's speed (issue 17) on the emulated cluster (real slurmctld + slurmd, {@link EmulatedSlurm}):
 * placement to Slurm RUNNING latency (median, p99, from the journal's job.placed and job.launched times, which include
 * up to one reading interval), and a burst of one-second jobs through Colossus into Slurm, nothing lost, against the
 * same burst submitted straight to Slurm with {@code sbatch} (the peer, measured in the same run). Needs root and
 * Debian's Slurm packages; not a unit test:
 *
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.SlurmLoad [--latency-jobs 20] [--burst 500]
 *     [--poll 50] [--clients 8]</pre>
 */
public final class SlurmLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SlurmLoad() {
    }

    public static void main(String[] args) throws Exception {
        int latencyJobs = 20;
        int burst = 500;
        long poll = 50;
        int clients = 8;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--latency-jobs" -> latencyJobs = Integer.parseInt(args[i + 1]);
                case "--burst" -> burst = Integer.parseInt(args[i + 1]);
                case "--poll" -> poll = Long.parseLong(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Files.createTempDirectory("colossus-slurmload");
        try (EmulatedSlurm slurm = EmulatedSlurm.start(root.resolve("cluster"), 8, 4)) {
            Path fleet = root.resolve("lab.yaml");
            Files.writeString(fleet, slurm.fleetYaml("lab"));
            Path data = root.resolve("data");
            ServerConfig config = ServerConfig.defaults().withAdmission(AdmissionPolicy.UNLIMITED).withDataDir(data)
                    .withListen("127.0.0.1", 0).withFleet(fleet.toString())
                    .withScheduling(QueuePolicy.FAIR, "topology", Isolation.NODE).withFailures(FailureModel.OFF)
                    .withSnapshotEvery(0)
                    .withSlurm(new ServerConfig.Slurm(null, slurm.conf(), null, data.resolve("jobs"), poll));
            double colossusSeconds;
            try (ColossusServer s = ColossusServer.start(config, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8))) {
                String op = s.operatorToken();
                String key = post(s.url(), op, "/api/v1/tenants", "{\"name\":\"lab-a\"}").get("apiKey").asText();
                post(s.url(), op, "/api/v1/contracts", "{\"tenant\":\"lab-a\",\"class\":\"on-demand\",\"gpuModel\":\"H100\","
                        + "\"gpus\":64,\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2036-01-01T00:00:00Z\","
                        + "\"pricePerGpuHour\":\"2.50\"}");
                // Latency: one 8-GPU job at a time on an idle cluster (after the previous job's node has left
                // Slurm's COMPLETING state, which a job placed on it at once would wait for).
                for (int i = 0; i < latencyJobs; i++) {
                    String id = post(s.url(), key, "/api/v1/jobs", job("lat" + i, 8, "sleep 0.2")).get("id").asText();
                    awaitEnded(s.url(), key, List.of(id), 60);
                    Thread.sleep(3000);
                }
                // Burst: one-GPU one-second jobs from several clients at once.
                long t0 = System.nanoTime();
                List<String> ids = submitAll(s.url(), key, burst, clients);
                awaitEnded(s.url(), key, ids, 1800);
                colossusSeconds = (System.nanoTime() - t0) / 1e9;
                int completed = 0;
                for (String id : ids) {
                    completed += get(s.url(), key, "/api/v1/jobs/" + id).get("state").asText().equals("completed") ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "burst through Colossus: %d jobs, %d completed, %.1f s%n", burst, completed,
                        colossusSeconds);
            }
            double[] latency = latencies(config, latencyJobs);
            System.out.printf(Locale.ROOT, "placement -> Slurm RUNNING (reading every %d ms): median %.0f ms, p99 %.0f ms,"
                    + " max %.0f ms over %d jobs%n", poll, pct(latency, 0.5), pct(latency, 0.99),
                    latency[latency.length - 1], latency.length);
            double[] peer = sbatchLatencies(slurm, latencyJobs);
            System.out.printf(Locale.ROOT, "sbatch -> Slurm RUNNING (squeue every 20 ms): median %.0f ms, p99 %.0f ms,"
                    + " max %.0f ms over %d jobs%n", pct(peer, 0.5), pct(peer, 0.99), peer[peer.length - 1], peer.length);
            double sbatchSeconds = sbatchBurst(slurm, burst, clients);
            System.out.printf(Locale.ROOT, "burst straight to sbatch: %d jobs, %.1f s%n", burst, sbatchSeconds);
            System.out.printf(Locale.ROOT, "ratio Colossus / sbatch: %.2f%n", colossusSeconds / sbatchSeconds);
        }
    }

    private static String job(String name, int gpus, String shell) {
        return "{\"name\":\"" + name + "\",\"gpuModel\":\"H100\",\"gpus\":" + gpus + ",\"class\":\"on-demand\","
                + "\"durationSeconds\":600,\"command\":[\"/bin/sh\",\"-c\",\"" + shell + "\"]}";
    }

    private static List<String> submitAll(String url, String key, int n, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "b" + i;
                futures.add(pool.submit(() -> post(url, key, "/api/v1/jobs", job(name, 1, "sleep 1")).get("id").asText()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    private static double sbatchBurst(EmulatedSlurm slurm, int n, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // The same share of a node as Colossus gives a one-GPU job (4 CPUs, 8,000 MB of the 64,000).
                futures.add(pool.submit(() -> slurm.command("sbatch", "--parsable", "--no-requeue", "--gres=gpu:1",
                        "--cpus-per-gpu=4", "--mem-per-gpu=8000M", "--output=/dev/null", "--comment=peer",
                        "--wrap", "sleep 1").trim()));
            }
            for (Future<String> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        while (true) {
            boolean live = false;
            for (Slurm.Job j : slurm.commands().jobs()) {
                live |= j.comment().equals("peer") && (j.state().equals("PENDING") || j.state().equals("RUNNING")
                        || j.state().equals("COMPLETING") || j.state().equals("CONFIGURING"));
            }
            if (!live) {
                return (System.nanoTime() - t0) / 1e9;
            }
            Thread.sleep(50);
        }
    }

    /** The peer: straight sbatch of the same pinned 8-GPU job, until squeue says RUNNING (or done), one at a time. */
    private static double[] sbatchLatencies(EmulatedSlurm slurm, int n) throws Exception {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            String id = slurm.command("sbatch", "--parsable", "--no-requeue", "--nodelist=gpu03", "--nodes=1",
                    "--gres=gpu:8", "--exclusive", "--output=/dev/null", "--comment=peer", "--wrap", "sleep 0.2").trim();
            while (true) {
                String state = null;
                for (Slurm.Job j : slurm.commands().jobs()) {
                    if (j.id().equals(id)) {
                        state = j.state();
                    }
                }
                if (state != null && !state.equals("PENDING") && !state.equals("CONFIGURING")) {
                    break;
                }
                Thread.sleep(20);
            }
            out[i] = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(3000);
        }
        Arrays.sort(out);
        return out;
    }

    /** Milliseconds from each latency job's placement to the data plane's report of it running, sorted. */
    private static double[] latencies(ServerConfig config, int n) {
        Map<Long, Long> placed = new HashMap<>();
        List<Double> out = new ArrayList<>();
        try (Store store = ColossusServer.openStore(config)) {
            store.readAfter(0, e -> {
                if (e.type().equals("job.placed")) {
                    placed.put(org.colossus.server.journal.Canonical.read(e.payload(), Payload.JobPlaced.class).id(),
                            e.timeMillis());
                } else if (e.type().equals("job.launched")) {
                    long id = org.colossus.server.journal.Canonical.read(e.payload(), Payload.JobLaunched.class).id();
                    if (id <= n && placed.containsKey(id)) {
                        out.add((double) (e.timeMillis() - placed.get(id)));
                    }
                }
            });
        }
        double[] a = out.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * (sorted.length - 1) + 0.5))];
    }

    private static void awaitEnded(String url, String key, List<String> ids, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int from = 0;
        while (from < ids.size()) {
            String st = get(url, key, "/api/v1/jobs/" + ids.get(from)).get("state").asText();
            if (st.equals("completed") || st.equals("failed") || st.equals("cancelled") || st.equals("timeout")) {
                from++;
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + ids.get(from) + " still " + st);
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode post(String url, String token, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static JsonNode get(String url, String token, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
