package org.colossus.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
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
 * A hostile tenant floods the control plane while a rival submits at a steady pace (issue 24): 16 clients of the
 * flooder submit as fast as the server answers for {@code --seconds}; the rival submits one job every 50 ms before,
 * during and after. Prints the rival's median and p99 latency per phase, and what the flooder got through, with the
 * server's default admission limits ({@code --limits on}) or none ({@code --limits off}).
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.FloodLoad [--seconds 10] [--limits on|off]</pre>
 */
public final class FloodLoad {
    private FloodLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        boolean limits = true;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--limits" -> limits = args[i + 1].equals("on");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("colossus-flood");
        ServerConfig config = ServerConfig.defaults()
                .withAdmission(limits ? AdmissionPolicy.DEFAULTS : AdmissionPolicy.UNLIMITED).withDataDir(dir).withListen("127.0.0.1", 0).withFleet("colossus2").withSpeed(1)
                .withFailures(FailureModel.OFF);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try (ColossusServer server = ColossusServer.start(config, quiet)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String url = server.url();
            String op = server.operatorToken();
            String[] keys = new String[2];
            String[] names = {"rival", "flooder"};
            for (int t = 0; t < 2; t++) {
                String body = SubmitLoad.send(http, url + "/api/v1/tenants", op, "{\"name\":\"" + names[t] + "\"}");
                keys[t] = body.replaceAll(".*\"apiKey\":\"([^\"]+)\".*", "$1");
                SubmitLoad.send(http, url + "/api/v1/contracts", op, "{\"tenant\":\"" + names[t] + "\",\"class\":"
                        + "\"on-demand\",\"gpuModel\":\"GB200\",\"gpus\":110592,\"start\":\"2020-01-01T00:00:00Z\","
                        + "\"end\":\"2099-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}");
            }
            URI u = URI.create(url);
            // One job holds the whole fleet, so every later submission queues: the flood piles up queued jobs.
            SubmitLoad.send(http, url + "/api/v1/jobs", keys[0], "{\"name\":\"fill\",\"gpuModel\":\"GB200\",\"gpus\":"
                    + "110592,\"class\":\"on-demand\",\"durationSeconds\":864000}");
            rival(u, keys[0], 5); // warm-up, not measured
            long[] quietLat = rival(u, keys[0], seconds);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            CountDownLatch done = new CountDownLatch(16);
            for (int c = 0; c < 16; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    try {
                        SubmitLoad.RawHttp conn = new SubmitLoad.RawHttp(u.getHost(), u.getPort());
                        for (int i = 0; !stop.get(); i++) {
                            int status = conn.post("/api/v1/jobs", keys[1], "{\"name\":\"f-" + client + "-" + i
                                    + "\",\"gpuModel\":\"GB200\",\"gpus\":4,\"class\":\"on-demand\",\"durationSeconds\":60}");
                            (status == 201 ? accepted : refused).incrementAndGet();
                        }
                    } catch (java.io.IOException e) {
                        refused.incrementAndGet();
                    } finally {
                        done.countDown();
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            long[] floodLat = rival(u, keys[0], seconds);
            stop.set(true);
            done.await();
            long[] afterLat = rival(u, keys[0], Math.max(1, seconds / 2));
            System.out.printf(Locale.ROOT, "limits %s; rival (one submission every 50 ms): quiet p50 %.2f ms p99 %.2f ms;"
                            + " during the flood p50 %.2f ms p99 %.2f ms; after p50 %.2f ms p99 %.2f ms%n",
                    limits ? "on (defaults)" : "off", pct(quietLat, 50), pct(quietLat, 99), pct(floodLat, 50),
                    pct(floodLat, 99), pct(afterLat, 50), pct(afterLat, 99));
            System.out.printf(Locale.ROOT, "flooder (16 clients, %d s): %d accepted, %d refused (429); journal %d entries%n",
                    seconds, accepted.get(), refused.get(), server.store().lastSeq());
        }
    }

    /** The rival's submissions for {@code seconds}, one every 50 ms: their latencies in nanoseconds, sorted. */
    private static long[] rival(URI u, String key, int seconds) throws Exception {
        SubmitLoad.RawHttp conn = new SubmitLoad.RawHttp(u.getHost(), u.getPort());
        int n = seconds * 20;
        long[] lat = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            int status = conn.post("/api/v1/jobs", key, "{\"name\":\"r-" + t0 + "\",\"gpuModel\":\"GB200\",\"gpus\":4,"
                    + "\"class\":\"on-demand\",\"durationSeconds\":60}");
            lat[i] = System.nanoTime() - t0;
            if (status != 201) {
                throw new IllegalStateException("the rival's submission was refused: HTTP " + status);
            }
            long sleep = 50 - (System.nanoTime() - t0) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
        Arrays.sort(lat);
        return lat;
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))] / 1e6;
    }
}
