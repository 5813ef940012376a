package org.colossus.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.colossus.fleet.FailureModel;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.state.AdmissionPolicy;

/**
 * Load generator: sustained job submissions over loopback HTTP with durable commits, from N concurrent clients,
 * against a server started in this JVM on H2 (a fresh data directory) or PostgreSQL. Prints submissions per second
 * and latency percentiles of the measured window (after a warm-up). Not a unit test: run it from the benchmark jar,
 *
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.SubmitLoad [--db JDBC_URL] [--clients 16]
 *     [--seconds 20] [--warmup 5] [--fleet colossus2] [--truncate true (empties the PostgreSQL journal first)]</pre>
 */
public final class SubmitLoad {
    private SubmitLoad() {
    }

    public static void main(String[] args) throws Exception {
        String db = null;
        int clients = 16;
        int seconds = 20;
        int warmup = 5;
        String fleet = "colossus2";
        boolean truncate = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--db" -> db = args[i + 1];
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--fleet" -> fleet = args[i + 1];
                case "--truncate" -> truncate = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("colossus-load");
        // The server's own throughput is measured here, not its admission limits (FloodLoad measures those).
        ServerConfig config = ServerConfig.defaults().withAdmission(AdmissionPolicy.UNLIMITED).withDataDir(dir)
                .withListen("127.0.0.1", 0).withFleet(fleet).withSpeed(1).withFailures(FailureModel.OFF);
        if (db != null) {
            if (truncate) {
                try (var s = org.colossus.server.journal.JdbcStore.open(db, null, null)) {
                    s.truncateForTests();
                }
            }
            config = config.withDb(db, null, null);
        }
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try (ColossusServer server = ColossusServer.start(config, quiet)) {
            Result r = run(server.url(), server.operatorToken(), clients, warmup, seconds);
            System.out.printf(Locale.ROOT, "store: %s%n", server.store().describe());
            System.out.printf(Locale.ROOT, "clients %d, measured %d s after %d s warm-up: %d submissions, %.0f/s,"
                            + " p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d, journal commits %d%n",
                    clients, seconds, warmup, r.count, r.count / (double) seconds, r.p50Millis, r.p99Millis, r.maxMillis,
                    r.errors, server.engine().commits());
            var t = server.engine().timing();
            System.out.printf(Locale.ROOT, "engine: %d batches, %.1f requests per batch; apply %.2f s, commit %.2f s,"
                    + " answer+publish %.2f s%n", t.batches(), (double) t.items() / Math.max(1, t.batches()),
                    t.applySeconds(), t.commitSeconds(), t.afterSeconds());
        }
    }

    record Result(long count, double p50Millis, double p99Millis, double maxMillis, long errors) {
    }

    static Result run(String url, String operator, int clients, int warmupSeconds, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String[] keys = new String[4];
        for (int t = 0; t < keys.length; t++) {
            String name = "load-" + t;
            String body = send(http, url + "/api/v1/tenants", operator, "{\"name\":\"" + name + "\"}");
            keys[t] = body.replaceAll(".*\"apiKey\":\"([^\"]+)\".*", "$1");
            String gpu = send(http, url + "/api/v1/fleet", operator, null).replaceAll(".*\"gpuModels\":\\[\"([^\"]+)\".*", "$1");
            send(http, url + "/api/v1/contracts", operator, "{\"tenant\":\"" + name + "\",\"class\":\"on-demand\","
                    + "\"gpuModel\":\"" + gpu + "\",\"gpus\":100000,\"start\":\"2020-01-01T00:00:00Z\","
                    + "\"end\":\"2099-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}");
            keys[t] = keys[t] + "|" + gpu;
        }
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            latencies[c] = new long[1 << 20];
            Thread t = new Thread(() -> {
                String[] kg = keys[client % keys.length].split("\\|");
                URI u = URI.create(url);
                RawHttp conn = null;
                int i = 0;
                while (!stop.get()) {
                    String body = "{\"name\":\"load-" + client + "-" + i++ + "\",\"gpuModel\":\"" + kg[1] + "\",\"gpus\":"
                            + (1 << (i % 4)) + ",\"class\":\"on-demand\",\"durationSeconds\":86400}";
                    long t0 = System.nanoTime();
                    try {
                        if (conn == null) {
                            conn = new RawHttp(u.getHost(), u.getPort());
                        }
                        int status = conn.post("/api/v1/jobs", kg[0], body);
                        long nanos = System.nanoTime() - t0;
                        if (status != 201) {
                            errors.incrementAndGet();
                        } else if (measuring.get() && counts[client] < latencies[client].length) {
                            latencies[client][counts[client]++] = nanos;
                        }
                    } catch (java.io.IOException e) {
                        errors.incrementAndGet();
                        conn = null;
                    }
                }
                done.countDown();
            });
            t.start();
        }
        Thread.sleep(warmupSeconds * 1000L);
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        stop.set(true);
        done.await();
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        return new Result(total, all[(int) (total * 0.50)] / 1e6, all[(int) Math.min(total - 1, total * 0.99)] / 1e6,
                all[total - 1] / 1e6, errors.get());
    }

    static String send(HttpClient http, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /**
     * A minimal HTTP/1.1 keep-alive client over one socket (like wrk's connections): the load generator shares the
     * machine's two cores with the server, so its own cost per request must be small.
     */
    static final class RawHttp {
        private final java.net.Socket socket;
        private final java.io.OutputStream out;
        private final java.io.InputStream in;
        private final String host;
        private final byte[] buffer = new byte[64 * 1024];

        RawHttp(String host, int port) throws java.io.IOException {
            this.host = host + ":" + port;
            socket = new java.net.Socket(host, port);
            socket.setTcpNoDelay(true);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 8192);
            in = socket.getInputStream();
        }

        int post(String path, String token, String body) throws java.io.IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            // Read the head, then exactly Content-Length bytes of body.
            int n = 0;
            int headEnd = -1;
            while (headEnd < 0) {
                int r = in.read(buffer, n, buffer.length - n);
                if (r < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                n += r;
                for (int i = 3; i < n; i++) {
                    if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n') {
                        headEnd = i + 1;
                        break;
                    }
                }
            }
            String headText = new String(buffer, 0, headEnd, StandardCharsets.US_ASCII);
            int status = Integer.parseInt(headText.substring(9, 12));
            int length = 0;
            for (String line : headText.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            int have = n - headEnd;
            while (have < length) {
                int r = in.read(buffer, 0, Math.min(buffer.length, length - have));
                if (r < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                have += r;
            }
            return status;
        }
    }
}
