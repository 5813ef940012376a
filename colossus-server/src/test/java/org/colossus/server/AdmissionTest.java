package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.colossus.server.state.AdmissionLimits;
import org.colossus.server.state.AdmissionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admission limits (issue 24): one tenant cannot pile up jobs or requests on the control plane it shares. */
class AdmissionTest {
    @TempDir
    Path dir;

    private static final String JOB = "{\"name\":\"j\",\"gpuModel\":\"H100\",\"gpus\":128,\"class\":\"on-demand\","
            + "\"durationSeconds\":36000}";

    private ServerConfig config(ManualClock clock, AdmissionLimits limits, int total) {
        return TestServers.config(dir, clock).withAdmission(new AdmissionPolicy(limits, total));
    }

    private static void assertRefused(Api.Response r, String limit) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.header("Retry-After")).as("Retry-After").matches("[1-9][0-9]*");
        JsonNode p = r.json();
        assertThat(p.get("field").asText()).isEqualTo(limit);
        assertThat(p.get("expected").asText()).startsWith("at most ");
        assertThat(p.get("detail").asText()).isNotBlank();
    }

    @Test
    void submit_overTheQueuedJobLimit_is429JournalUntouchedAndAllowedAgainWhenTheQueueShrinks() {
        ManualClock clock = new ManualClock(TestServers.START);
        try (ColossusServer server = TestServers.start(config(clock, new AdmissionLimits(3, 1000, 1000, 1000, 1000), 1000))) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            TestServers.contract(api, op, "lab-a", "on-demand", 128);
            assertThat(api.post("/api/v1/jobs", a, JOB).json().get("state").asText()).isEqualTo("running");
            long lastQueued = 0;
            for (int i = 0; i < 3; i++) {
                Api.Response q = api.post("/api/v1/jobs", a, JOB);
                assertThat(q.json().get("state").asText()).isEqualTo("queued");
                lastQueued = q.json().get("id").asLong();
            }
            long seq = server.store().lastSeq();
            Api.Response over = api.post("/api/v1/jobs", a, JOB);
            assertRefused(over, "maxQueuedJobs");
            assertThat(over.json().get("value").asInt()).isEqualTo(3);
            assertThat(server.store().lastSeq()).isEqualTo(seq);
            // A rival is not held back by lab-a's queue.
            String b = TestServers.tenant(api, op, "lab-b");
            TestServers.contract(api, op, "lab-b", "on-demand", 128);
            assertThat(api.post("/api/v1/jobs", b, JOB).status()).isEqualTo(201);
            // One queued job leaves: lab-a may submit again.
            assertThat(api.post("/api/v1/jobs/" + lastQueued + "/cancel", a, null).status()).isEqualTo(200);
            assertThat(api.post("/api/v1/jobs", a, JOB).status()).isEqualTo(201);
            assertRefused(api.post("/api/v1/jobs", a, JOB), "maxQueuedJobs");
            assertThat(api.get("/metrics", op).body()).contains("colossus_admission_refusals_total{limit=\"maxQueuedJobs\"} 2");
        }
    }

    @Test
    void submit_overTheFleetsQueuedCeiling_is429ForEveryone() {
        ManualClock clock = new ManualClock(TestServers.START);
        try (ColossusServer server = TestServers.start(config(clock, new AdmissionLimits(100, 1000, 1000, 1000, 1000), 2))) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            TestServers.contract(api, op, "lab-a", "on-demand", 128);
            api.post("/api/v1/jobs", a, JOB);
            api.post("/api/v1/jobs", a, JOB);
            api.post("/api/v1/jobs", a, JOB);
            assertRefused(api.post("/api/v1/jobs", a, JOB), "maxQueuedJobsTotal");
        }
    }

    @Test
    void rates_submissionsAndRequestsPastTheirBucket_are429UntilTokensRefill() {
        ManualClock clock = new ManualClock(TestServers.START);
        try (ColossusServer server = TestServers.start(config(clock, new AdmissionLimits(1000, 2, 2, 10, 6), 1000))) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            TestServers.contract(api, op, "lab-a", "on-demand", 128);
            String small = JOB.replace("\"gpus\":128", "\"gpus\":8");
            assertThat(api.post("/api/v1/jobs", a, small).status()).isEqualTo(201);
            assertThat(api.post("/api/v1/jobs", a, small).status()).isEqualTo(201);
            long seq = server.store().lastSeq();
            Api.Response third = api.post("/api/v1/jobs", a, small);
            assertRefused(third, "submitsPerSecond");
            assertThat(third.header("Retry-After")).isEqualTo("1");
            assertThat(server.store().lastSeq()).isEqualTo(seq);
            clock.advanceSeconds(1);
            assertThat(api.post("/api/v1/jobs", a, small).status()).isEqualTo(201);
            // Requests of any kind: a burst of 6 (one used just now), then refused; the operator is never limited.
            int served = 0;
            Api.Response r = api.get("/api/v1/jobs", a);
            while (r.status() == 200 && served < 10) {
                served++;
                r = api.get("/api/v1/jobs", a);
            }
            assertThat(served).isEqualTo(5);
            assertRefused(r, "requestsPerSecond");
            for (int i = 0; i < 50; i++) {
                assertThat(api.get("/api/v1/jobs", op).status()).isEqualTo(200);
            }
            clock.advanceSeconds(1);
            assertThat(api.get("/api/v1/jobs", a).status()).isEqualTo(200);
        }
    }

    @Test
    void limits_setByTheOperator_shownToTheTenantAloneJournaledAndKeptAfterRestartAndSnapshot() {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = config(clock, AdmissionLimits.DEFAULTS, 100_000).withSnapshotEvery(5);
        String a;
        try (ColossusServer server = TestServers.start(config)) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            a = TestServers.tenant(api, op, "lab-a");
            String b = TestServers.tenant(api, op, "lab-b");
            TestServers.contract(api, op, "lab-a", "on-demand", 128);
            Api.Response set = api.post("/api/v1/tenants/lab-a/limits", op, "{\"maxQueuedJobs\":1,\"submitsPerSecond\":5}");
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().get("maxQueuedJobs").asInt()).isEqualTo(1);
            assertThat(set.json().get("submitsPerSecond").asInt()).isEqualTo(5);
            assertThat(set.json().get("requestBurst").asInt()).isEqualTo(AdmissionLimits.DEFAULTS.requestBurst());
            // Bad input: a named field, nothing journaled; a tenant may not set limits.
            long seq = server.store().lastSeq();
            Api.Response bad = api.post("/api/v1/tenants/lab-a/limits", op, "{\"submitsPerSecond\":0}");
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.json().get("field").asText()).isEqualTo("submitsPerSecond");
            assertThat(api.post("/api/v1/tenants/lab-a/limits", op, "{\"maxQueuedJobs\":1000001}").status()).isEqualTo(422);
            assertThat(api.post("/api/v1/tenants/lab-a/limits", a, "{\"maxQueuedJobs\":100}").status()).isEqualTo(403);
            assertThat(api.post("/api/v1/tenants/lab-zz/limits", op, "{\"maxQueuedJobs\":1}").status()).isEqualTo(404);
            assertThat(server.store().lastSeq()).isEqualTo(seq);
            // The tenant sees its own limits; a rival sees nothing.
            Api.Response own = api.get("/api/v1/tenants/lab-a", a);
            assertThat(own.status()).as(own.body()).isEqualTo(200);
            assertThat(own.json().get("limits").get("maxQueuedJobs").asInt()).isEqualTo(1);
            assertThat(api.get("/api/v1/tenants/lab-a", b).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/usage", a).json().get(0).get("limits").get("maxQueuedJobs").asInt()).isEqualTo(1);
            assertThat(api.get("/api/v1/usage", b).json().get(0).get("limits").get("maxQueuedJobs").asInt())
                    .isEqualTo(AdmissionLimits.DEFAULTS.maxQueuedJobs());
            api.post("/api/v1/jobs", a, JOB);
            api.post("/api/v1/jobs", a, JOB);
            assertRefused(api.post("/api/v1/jobs", a, JOB), "maxQueuedJobs");
            for (int i = 0; i < 6; i++) {
                api.get("/api/v1/whoami", op); // entries enough for a snapshot are already there; reads add none
            }
        }
        try (ColossusServer again = TestServers.start(config)) {
            Api api = new Api(again.url());
            JsonNode shown = api.get("/api/v1/tenants/lab-a", again.operatorToken() == null
                    ? a : again.operatorToken()).json();
            assertThat(shown.get("limits").get("maxQueuedJobs").asInt()).isEqualTo(1);
            assertThat(shown.get("queuedJobs").asInt()).isEqualTo(1);
            assertRefused(api.post("/api/v1/jobs", a, JOB), "maxQueuedJobs");
        }
    }
}
