package org.colossus.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.colossus.server.ServerMain;
import org.colossus.server.journal.JdbcStore;

/**
 * High availability (issue 21): failover time, from SIGKILL of the leader to the first write a standby accepts, and
 * the standby's lag while 16 clients submit, over several rounds of two server processes on one PostgreSQL (a 2 s
 * lease, admission limits off). Not a unit test:
 *
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.FailoverLoad --db JDBC_URL [--rounds 10]
 *     [--clients 16] [--steady 3]</pre>
 * It empties the database's journal first, every round.
 */
public final class FailoverLoad {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private FailoverLoad() {
    }

    public static void main(String[] args) throws Exception {
        String db = null;
        int rounds = 10;
        int clients = 16;
        int steady = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--db" -> db = args[i + 1];
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--steady" -> steady = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (db == null) {
            throw new IllegalArgumentException("--db jdbc:postgresql://... is required");
        }
        double[] failover = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            failover[r] = round(db, clients, steady, r);
        }
        double[] sorted = failover.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "failover over %d rounds: median %.2f s, worst %.2f s, best %.2f s%n", rounds,
                sorted[rounds / 2], sorted[rounds - 1], sorted[0]);
    }

    private record Server(Process process, String url) {
    }

    private static Server spawn(Path dir, String db, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--data-dir", dir.toString(), "--fleet", "colossus2", "--speed", "1", "--failures", "off", "--db", db,
                "--ha", name, "--admission", "off").redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("listening on ")) {
                String url = line.substring("listening on ".length()).trim();
                Thread drain = new Thread(() -> {
                    try {
                        while (in.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (java.io.IOException ignored) {
                        // gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new Server(p, url);
            }
        }
        throw new IllegalStateException(name + " did not start");
    }

    private static HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double round(String db, int clients, int steadySeconds, int round) throws Exception {
        try (JdbcStore s = JdbcStore.open(db, null, null)) {
            s.truncateForTests();
        }
        Path a = Files.createTempDirectory("colossus-ha-a");
        Path b = Files.createTempDirectory("colossus-ha-b");
        Server leader = spawn(a, db, "a");
        for (String f : List.of("audit.key", "audit.vkey", "audit.secret")) {
            Files.copy(a.resolve(f), b.resolve(f));
        }
        Server standby = spawn(b, db, "b");
        try {
            String op = Files.readString(a.resolve("operator.token")).trim();
            String key = new com.fasterxml.jackson.databind.ObjectMapper().readTree(send("POST",
                    leader.url() + "/api/v1/tenants", op, "{\"name\":\"lab-a\"}").body()).get("apiKey").asText();
            send("POST", leader.url() + "/api/v1/contracts", op, "{\"tenant\":\"lab-a\",\"class\":\"on-demand\","
                    + "\"gpuModel\":\"GB200\",\"gpus\":100000,\"start\":\"2020-01-01T00:00:00Z\","
                    + "\"end\":\"2099-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}");
            String[] urls = {leader.url(), standby.url()};
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong accepted = new AtomicLong();
            AtomicLong killedAt = new AtomicLong();
            AtomicLong firstAfter = new AtomicLong();
            CountDownLatch done = new CountDownLatch(clients);
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    int at = 0;
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            try {
                                int target = at % 2;
                                HttpResponse<String> resp = send("POST", urls[target] + "/api/v1/jobs", key,
                                        "{\"name\":\"c" + client + "-" + i + "\",\"gpuModel\":\"GB200\",\"gpus\":4,"
                                                + "\"class\":\"on-demand\",\"durationSeconds\":36000}");
                                if (resp.statusCode() == 201) {
                                    accepted.incrementAndGet();
                                    if (killedAt.get() != 0 && target == 1) {
                                        // the standby's first acceptance (a reply of the old leader still in flight
                                        // at the kill does not count)
                                        firstAfter.compareAndSet(0, System.nanoTime());
                                    }
                                } else {
                                    at++;
                                }
                            } catch (java.io.IOException e) {
                                at++;
                                Thread.sleep(20);
                            }
                        }
                    } catch (Exception e) {
                        // stop
                    } finally {
                        done.countDown();
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            Thread.sleep(1000);
            long lagMax = 0;
            long lagSum = 0;
            int samples = 0;
            long a0 = accepted.get();
            long t0 = System.nanoTime();
            long until = t0 + TimeUnit.SECONDS.toNanos(steadySeconds);
            while (System.nanoTime() < until) {
                String m = send("GET", standby.url() + "/metrics", op, null).body();
                for (String l : m.split("\n")) {
                    if (l.startsWith("colossus_ha_standby_lag_entries ")) {
                        long lag = (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1));
                        lagMax = Math.max(lagMax, lag);
                        lagSum += lag;
                        samples++;
                    }
                }
                Thread.sleep(100);
            }
            double rate = (accepted.get() - a0) / ((System.nanoTime() - t0) / 1e9);
            killedAt.set(System.nanoTime());
            leader.process().destroyForcibly();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (firstAfter.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            stop.set(true);
            done.await(30, TimeUnit.SECONDS);
            double seconds = firstAfter.get() == 0 ? Double.NaN : (firstAfter.get() - killedAt.get()) / 1e9;
            System.out.printf(Locale.ROOT, "round %d: %.0f submissions/s through the leader; standby lag mean %.1f,"
                    + " max %d entries (%d samples); failover %.2f s%n", round + 1, rate,
                    samples == 0 ? 0 : (double) lagSum / samples, lagMax, samples, seconds);
            return seconds;
        } finally {
            leader.process().destroyForcibly();
            standby.process().destroyForcibly();
            leader.process().waitFor(10, TimeUnit.SECONDS);
            standby.process().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
