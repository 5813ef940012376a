package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerApiTest {
    @TempDir
    Path dir;
    ManualClock clock;
    ColossusServer server;
    Api api;
    String operator;

    @BeforeEach
    void start() {
        clock = new ManualClock(TestServers.START);
        server = TestServers.start(TestServers.config(dir, clock));
        api = new Api(server.url());
        operator = server.operatorToken();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void awaitState(String token, long job, String state) throws InterruptedException {
        TestServers.awaitState(api, token, job, state);
    }

    @Test
    void firstStart_writesOperatorTokenOwnerReadableAndServerUrl() throws Exception {
        Path tokenFile = dir.resolve("operator.token");
        assertThat(Files.readString(tokenFile).trim()).isEqualTo(operator);
        assertThat(Files.getPosixFilePermissions(tokenFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dir.resolve("server.url")).trim()).isEqualTo(server.url());
        assertThat(server.url()).startsWith("http://127.0.0.1:");
    }

    @Test
    void restart_doesNotIssueAnotherOperatorToken() {
        server.close();
        server = TestServers.start(TestServers.config(dir, clock));
        assertThat(server.operatorToken()).isNull();
        api = new Api(server.url());
        assertThat(api.get("/api/v1/tenants", operator).status()).isEqualTo(200);
    }

    @Test
    void requests_withoutOrWithBadToken_are401Problems() {
        Api.Response none = api.get("/api/v1/jobs", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.json().get("detail").asText()).contains("Authorization: Bearer");
        assertThat(api.get("/api/v1/jobs", "colossus_0000000000000000_" + "A".repeat(43)).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/jobs", operator + "x").status()).isEqualTo(401);
    }

    @Test
    void createTenant_returnsKeyOnce_andListingNeverShowsIt() {
        String key = TestServers.tenant(api, operator, "lab-a");
        assertThat(key).startsWith("colossus_");
        Api.Response list = api.get("/api/v1/tenants", operator);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("lab-a").doesNotContain(key.substring(26));
        Api.Response who = api.get("/api/v1/whoami", key);
        assertThat(who.json().get("tenant").asText()).isEqualTo("lab-a");
        Api.Response dup = api.post("/api/v1/tenants", operator, "{\"name\":\"lab-a\"}");
        assertThat(dup.status()).isEqualTo(409);
        Api.Response second = api.post("/api/v1/tenants/lab-a/keys", operator, null);
        assertThat(second.status()).isEqualTo(201);
        String key2 = second.json().get("apiKey").asText();
        assertThat(key2).isNotEqualTo(key);
        assertThat(api.get("/api/v1/whoami", key2).json().get("tenant").asText()).isEqualTo("lab-a");
        assertThat(api.get("/api/v1/whoami", key).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/tenants/lab-z/keys", operator, null).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/tenants/lab-a/keys", key, null).status()).isEqualTo(403);
    }

    @Test
    void submitJob_runsOnTheSimulatedFleetAndFinishes() throws Exception {
        String a = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 64);
        long id = TestServers.job(api, a, "pretrain", 16, "on-demand", 3600);
        JsonNode job = api.get("/api/v1/jobs/" + id, a).json();
        assertThat(job.get("state").asText()).isEqualTo("running");
        assertThat(job.get("placement").get("gpus").asInt()).isEqualTo(16);
        assertThat(job.get("placement").get("nodes").asInt()).isEqualTo(2);
        clock.advanceSeconds(3600 + 600 + 1); // restart/startup time + work
        awaitState(a, id, "completed");
        JsonNode usage = api.get("/api/v1/usage", a).json().get(0);
        // 16 GPUs for 4201 s (600 s start-up + 3600 s work + 1 s), at 2.50 USD per GPU-hour
        assertThat(usage.get("gpuHours").asDouble()).isBetween(18.6, 18.8);
        assertThat(usage.get("cost").asText()).isEqualTo("46.68");
        assertThat(usage.get("completedJobs").asInt()).isEqualTo(1);
    }

    @Test
    void submitJob_withoutContract_isConflictAndJournalsNothing() {
        String a = TestServers.tenant(api, operator, "lab-a");
        long seq = server.engine().committedSeq();
        Api.Response r = api.post("/api/v1/jobs", a,
                "{\"name\":\"x\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"reserved\",\"durationSeconds\":60}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asText()).contains("no active reserved contract");
        assertThat(server.engine().committedSeq()).isEqualTo(seq);
    }

    @Test
    void tenants_seeOnlyTheirOwnJobs_anotherTenantsJobIsNotFound() {
        String a = TestServers.tenant(api, operator, "lab-a");
        String b = TestServers.tenant(api, operator, "lab-b");
        TestServers.contract(api, operator, "lab-a", "on-demand", 64);
        TestServers.contract(api, operator, "lab-b", "on-demand", 64);
        long ja = TestServers.job(api, a, "secret-run", 8, "on-demand", 3600);
        long jb = TestServers.job(api, b, "other-run", 8, "on-demand", 3600);
        Api.Response peek = api.get("/api/v1/jobs/" + ja, b);
        assertThat(peek.status()).isEqualTo(404);
        assertThat(peek.body()).doesNotContain("secret-run").doesNotContain("lab-a");
        assertThat(api.get("/api/v1/jobs/999", b).json().get("detail").asText())
                .isEqualTo(peek.json().get("detail").asText().replace(Long.toString(ja), "999"));
        long seq = server.engine().committedSeq();
        assertThat(api.post("/api/v1/jobs/" + ja + "/cancel", b, null).status()).isEqualTo(404);
        assertThat(server.engine().committedSeq()).isEqualTo(seq);
        JsonNode listB = api.get("/api/v1/jobs", b).json().get("items");
        assertThat(listB).hasSize(1);
        assertThat(listB.get(0).get("id").asLong()).isEqualTo(jb);
        assertThat(api.get("/api/v1/contracts", b).json()).hasSize(1);
        assertThat(api.get("/api/v1/usage", b).json()).hasSize(1);
        assertThat(api.get("/api/v1/jobs", operator).json().get("items")).hasSize(2);
        assertThat(api.get("/api/v1/tenants", b).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/nodes", b).status()).isEqualTo(403);
    }

    @Test
    void operator_cannotSubmitOrCancelJobsAsATenant() {
        TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 64);
        long seq = server.engine().committedSeq();
        Api.Response r = api.post("/api/v1/jobs", operator,
                "{\"name\":\"x\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":60}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("detail").asText()).contains("operator cannot act as a tenant");
        assertThat(server.engine().committedSeq()).isEqualTo(seq);
    }

    @Test
    void cancelJob_releasesGpusAndRecordsTheTenantAsActor() throws Exception {
        String a = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 128);
        long id = TestServers.job(api, a, "run", 128, "on-demand", 3600);
        long queued = TestServers.job(api, a, "next", 64, "on-demand", 3600);
        assertThat(api.get("/api/v1/jobs/" + queued, a).json().get("pendingReason").asText()).isNotEmpty();
        Api.Response c = api.post("/api/v1/jobs/" + id + "/cancel", a, null);
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.json().get("state").asText()).isEqualTo("cancelled");
        assertThat(api.get("/api/v1/jobs/" + queued, a).json().get("state").asText()).isEqualTo("running");
        assertThat(api.post("/api/v1/jobs/" + id + "/cancel", a, null).status()).isEqualTo(409);
        var entries = server.store().range(1, 1000);
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("job.cancelled");
            assertThat(e.actor()).isEqualTo("tenant:lab-a");
        });
    }

    @Test
    void drainNode_keepsNewJobsOff() {
        String a = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 128);
        for (int n = 0; n < 15; n++) {
            assertThat(api.post("/api/v1/nodes/" + n + "/drain", operator, null).json().get("state").asText())
                    .isEqualTo("drained");
        }
        long id = TestServers.job(api, a, "one-node", 8, "on-demand", 60);
        JsonNode job = api.get("/api/v1/jobs/" + id, a).json();
        assertThat(job.get("placement").get("firstNodes").get(0).asText())
                .isEqualTo(api.get("/api/v1/nodes/15", operator).json().get("path").asText());
        long second = TestServers.job(api, a, "blocked", 8, "on-demand", 60);
        assertThat(api.get("/api/v1/jobs/" + second, a).json().get("state").asText()).isEqualTo("queued");
        assertThat(api.get("/api/v1/nodes?state=drained", operator).json().get("items")).hasSize(15);
        assertThat(api.post("/api/v1/nodes/3/undrain", operator, null).json().get("state").asText()).isNotEqualTo("drained");
        assertThat(api.get("/api/v1/nodes/99", operator).status()).isEqualTo(404);
    }

    @Test
    void contracts_listAndEnd() {
        TestServers.tenant(api, operator, "lab-a");
        long id = TestServers.contract(api, operator, "lab-a", "reserved", 32);
        JsonNode list = api.get("/api/v1/contracts", operator).json();
        assertThat(list.get(0).get("status").asText()).isEqualTo("active");
        assertThat(list.get(0).get("pricePerGpuHour").asText()).isEqualTo("2.5");
        Api.Response end = api.post("/api/v1/contracts/" + id + "/end", operator, null);
        assertThat(end.json().get("status").asText()).isEqualTo("ended");
        assertThat(api.post("/api/v1/contracts/" + id + "/end", operator, null).status()).isEqualTo(409);
        Api.Response over = api.post("/api/v1/contracts", operator, "{\"tenant\":\"lab-a\",\"class\":\"reserved\","
                + "\"gpuModel\":\"H100\",\"gpus\":200,\"start\":\"2026-10-01T00:00:00Z\",\"end\":\"2027-10-01T00:00:00Z\","
                + "\"pricePerGpuHour\":1}");
        assertThat(over.status()).isEqualTo(422);
        assertThat(over.json().get("field").asText()).isEqualTo("gpus");
    }

    @Test
    void healthMetricsAndFleet_answer() {
        assertThat(api.get("/healthz", null).status()).isEqualTo(200);
        assertThat(api.get("/readyz", null).status()).isEqualTo(200);
        api.get("/api/v1/tenants", operator);
        assertThat(api.get("/metrics", null).status()).isEqualTo(401);
        String tenant = TestServers.tenant(api, operator, "lab-m");
        assertThat(api.get("/metrics", tenant).status()).isEqualTo(403);
        // A 413 is counted as the 413 it was (it was counted as 200).
        assertThat(api.post("/api/v1/jobs", tenant, "{\"name\":\"" + "x".repeat(2 << 20) + "\"}").status()).isEqualTo(413);
        Api.Response m = api.get("/metrics", operator);
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.contentType()).startsWith("text/plain");
        assertThat(m.body()).contains("colossus_http_requests_total{method=\"POST\",route=\"/api/v1/jobs\",status=\"413\"} 1")
                .doesNotContain("route=\"/api/v1/jobs\",status=\"200\"");
        assertThat(m.body()).contains("colossus_http_requests_total{method=\"GET\",route=\"/api/v1/tenants\",status=\"200\"} 1",
                "colossus_http_request_duration_seconds_bucket", "colossus_jobs_queued 0", "colossus_gpus 128",
                "colossus_gpu_utilization_ratio", "colossus_journal_lag_requests", "colossus_journal_seq");
        JsonNode fleet = api.get("/api/v1/fleet", operator).json();
        assertThat(fleet.get("gpus").asInt()).isEqualTo(128);
        assertThat(fleet.get("nodes").asInt()).isEqualTo(16);
        Api.Response unknown = api.get("/api/v1/nope", operator);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
    }

    @Test
    void modelJob_isTimedByThePlanner() {
        String a = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 128);
        Api.Response r = api.post("/api/v1/jobs", a, "{\"name\":\"llama\",\"gpuModel\":\"H100\",\"gpus\":64,"
                + "\"class\":\"on-demand\",\"model\":\"llama3-8b\",\"tokens\":\"10B\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode job = r.json();
        assertThat(job.get("plan").get("model").asText()).isEqualTo("llama3-8b");
        assertThat(job.get("plan").get("parallelism").asText()).contains("tp");
        // 10B tokens on 64 H100 at a plausible 8-16k tokens/s/GPU (NeMo measured 14,451 in FP8 on 8 H100, 25.11):
        // 9,700-19,600 s (2.7-5.4 hours)
        assertThat(job.get("durationSeconds").asLong()).isBetween(9_700L, 19_600L);
        Api.Response bad = api.post("/api/v1/jobs", a, "{\"name\":\"llama\",\"gpuModel\":\"H100\",\"gpus\":64,"
                + "\"class\":\"on-demand\",\"model\":\"llama3-8b\",\"tokens\":\"10B\",\"parallelism\":{\"tp\":3}}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("field").asText()).isEqualTo("parallelism");
    }

    private static String confidentialJob(int gpus) {
        return "{\"name\":\"cc\",\"gpuModel\":\"H100\",\"gpus\":" + gpus
                + ",\"class\":\"on-demand\",\"durationSeconds\":3600,\"confidential\":true}";
    }

    /** A tenant lab-a with an on-demand H100 contract of 16 GPUs: its API key. */
    private String labWithContract() {
        String lab = TestServers.tenant(api, operator, "lab-a");
        TestServers.contract(api, operator, "lab-a", "on-demand", 16);
        return lab;
    }

    @Test
    void submitJob_confidential_markedOnTheJobAndInItsJournalEntry() {
        String lab = labWithContract();
        Api.Response r = api.post("/api/v1/jobs", lab, confidentialJob(16));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("confidential").asBoolean()).isTrue();
        long plain = TestServers.job(api, lab, "plain", 8, "on-demand", 60);
        assertThat(api.get("/api/v1/jobs/" + plain, lab).json().get("confidential").asBoolean()).isFalse();
        var entries = server.store().range(1, 1000).stream().filter(e -> e.type().equals("job.submitted")).toList();
        assertThat(entries.get(0).payload()).contains("\"confidential\":true");
        // Entries of other jobs read exactly as before the field existed.
        assertThat(entries.get(1).payload()).doesNotContain("confidential");
    }

    @Test
    void submitJob_confidentialWithoutNodeIsolation_refusedNamingTheField(@TempDir Path other) {
        server.close();
        server = TestServers.start(TestServers.config(other, clock).withScheduling(
                org.colossus.scheduler.QueuePolicy.FAIR, "topology", org.colossus.scheduler.Isolation.NONE));
        api = new Api(server.url());
        operator = server.operatorToken();
        String lab = labWithContract();
        long seq = server.store().lastSeq();
        Api.Response r = api.post("/api/v1/jobs", lab, confidentialJob(8));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("field").asText()).isEqualTo("confidential");
        assertThat(r.body()).contains("whole nodes", "isolation none");
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }
}
