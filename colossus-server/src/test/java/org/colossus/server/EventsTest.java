package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server-sent events: each tenant receives its own job changes and nothing of another tenant's. */
class EventsTest {
    @TempDir
    Path dir;

    private static Thread listen(String url, String token, List<String> into) {
        Thread t = new Thread(() -> {
            try {
                HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events"))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        into.add(line);
                    }
                }
            } catch (Exception e) {
                into.add("error: " + e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void events_tenantSeesOwnJobChangesOnly_operatorSeesAll() throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        try (ColossusServer server = TestServers.start(TestServers.config(dir, clock))) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            String b = TestServers.tenant(api, op, "lab-b");
            TestServers.contract(api, op, "lab-a", "on-demand", 64);
            TestServers.contract(api, op, "lab-b", "on-demand", 64);
            List<String> seenA = new CopyOnWriteArrayList<>();
            List<String> seenB = new CopyOnWriteArrayList<>();
            List<String> seenOp = new CopyOnWriteArrayList<>();
            listen(server.url(), a, seenA);
            listen(server.url(), b, seenB);
            listen(server.url(), op, seenOp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((seenA.isEmpty() || seenB.isEmpty() || seenOp.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long ja = TestServers.job(api, a, "alpha-secret", 8, "on-demand", 60);
            TestServers.job(api, b, "beta-secret", 8, "on-demand", 60);
            api.post("/api/v1/nodes/9/drain", op, null);
            clock.advanceSeconds(3600);
            while (seenA.stream().noneMatch(l -> l.equals("event: job.finished")) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            String alla = String.join("\n", seenA);
            assertThat(alla).contains("event: job.submitted", "event: job.placed", "event: job.finished", "alpha-secret",
                    "\"id\":" + ja);
            assertThat(alla).doesNotContain("beta-secret").doesNotContain("lab-b").doesNotContain("node.drain")
                    .doesNotContain("apiKey").doesNotContain("tenant.created");
            assertThat(String.join("\n", seenB)).contains("beta-secret").doesNotContain("alpha-secret");
            assertThat(String.join("\n", seenOp)).contains("alpha-secret", "beta-secret", "event: node.drain")
                    .doesNotContain("\"hash\"");
            // The journal's global sequence goes to the operator only: its gaps would count a rival's entries.
            assertThat(alla).doesNotContain("\"seq\"").doesNotContainPattern("(?m)^id:");
            assertThat(String.join("\n", seenOp)).contains("\"seq\":").containsPattern("(?m)^id: \\d+");
        }
    }

    @Test
    void readyzAndSealRecord_forATenantOrNoToken_carryNoJournalSequence() throws Exception {
        try (ColossusServer server = TestServers.start(TestServers.config(dir, new ManualClock(TestServers.START)))) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            assertThat(api.get("/readyz", null).json().has("seq")).isFalse();
            assertThat(api.get("/readyz", a).json().has("seq")).isFalse();
            assertThat(api.get("/readyz", "colossus_0000000000000000_nope").status()).isEqualTo(200);
            assertThat(api.get("/readyz", op).json().get("seq").asLong()).isPositive();
            Api.Response r = api.post("/api/v1/checkpoints", a, "{\"context\":\"lab-a/run/1\",\"manifestSha256\":\""
                    + "0".repeat(64) + "\",\"shards\":1,\"bytes\":10}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().has("seq")).isFalse();
        }
    }
}
