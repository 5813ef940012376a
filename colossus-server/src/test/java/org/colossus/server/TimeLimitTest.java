package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 23 in the live server: a job's time limit is what the scheduler plans with, and where the job stops. */
class TimeLimitTest {
    @TempDir
    Path dir;

    private static long submit(Api api, String key, String name, long seconds, Long limit) {
        Api.Response r = api.post("/api/v1/jobs", key, "{\"name\":\"" + name + "\",\"gpuModel\":\"H100\",\"gpus\":16,"
                + "\"class\":\"on-demand\",\"durationSeconds\":" + seconds
                + (limit == null ? "" : ",\"timeLimitSeconds\":" + limit) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    @Test
    void job_reachingItsLimit_isStoppedThereJournaledAndSurvivesARestart() throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = TestServers.config(dir, clock).withSnapshotEvery(1);
        String a;
        long stopped;
        long done;
        String hash;
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            a = TestServers.tenant(api, op, "lab-a");
            TestServers.contract(api, op, "lab-a", "on-demand", 64);
            // Bad limits are refused, naming the field, and change nothing.
            long seq = s.engine().committedSeq();
            for (String bad : new String[] {"0", "-5", "315360001", "1.5", "\"1h\""}) {
                Api.Response r = api.post("/api/v1/jobs", a, "{\"name\":\"x\",\"gpuModel\":\"H100\",\"gpus\":8,"
                        + "\"class\":\"on-demand\",\"durationSeconds\":60,\"timeLimitSeconds\":" + bad + "}");
                assertThat(r.status()).as(bad).isIn(400, 422);
                assertThat(r.body()).contains("timeLimitSeconds");
            }
            assertThat(s.engine().committedSeq()).isEqualTo(seq);

            stopped = submit(api, a, "too-long", 3600, 1200L); // asks for 20 min of work, needs an hour
            done = submit(api, a, "fits", 600, 3600L);
            JsonNode view = api.get("/api/v1/jobs/" + stopped, a).json();
            assertThat(view.get("timeLimitSeconds").asLong()).isEqualTo(1200);
            clock.advanceSeconds(600 + 1200 + 1); // start-up, then the limit
            TestServers.awaitState(api, a, stopped, "timeout");
            clock.advanceSeconds(600);
            TestServers.awaitState(api, a, done, "completed");
            view = api.get("/api/v1/jobs/" + stopped, a).json();
            assertThat(view.get("failureReason").asText()).isEqualTo("stopped at its time limit");
            assertThat(view.get("workDoneSeconds").asLong()).isEqualTo(1200);
            // Billed from placement to the stop: 16 GPUs for 600 s of start-up and 1,200 s of work, nothing after.
            JsonNode usage = api.get("/api/v1/usage", a).json().get(0);
            assertThat(usage.get("completedJobs").asInt()).isEqualTo(1);
            assertThat(s.store().range(1, 10_000).stream().filter(e -> e.type().equals("job.finished")
                    && e.payload().contains("\"timeLimit\":true")).count()).isEqualTo(1);
            hash = s.stateHash();
        }
        // The limit and the stop survive a restart from the snapshot (and replay to the same state).
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            assertThat(s.stateHash()).isEqualTo(hash);
            assertThat(api.get("/api/v1/jobs/" + stopped, a).json().get("state").asText()).isEqualTo("timeout");
            assertThat(api.get("/api/v1/jobs/" + stopped, a).json().get("timeLimitSeconds").asLong()).isEqualTo(1200);
            assertThat(s.stateHash()).isEqualTo(Replay.cold(s.store(), org.colossus.fleet.Catalog.standard()).stateHash());
        }
    }

    @Test
    void plannedJob_withoutALimit_getsThePlannersTimeWithItsMarginInWholeMinutes() throws Exception {
        try (ColossusServer s = TestServers.start(TestServers.config(dir, new ManualClock(TestServers.START)))) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            TestServers.contract(api, op, "lab-a", "on-demand", 64);
            String planned = "{\"name\":\"pre\",\"gpuModel\":\"H100\",\"gpus\":64,\"class\":\"on-demand\","
                    + "\"model\":\"llama3-8b\",\"tokens\":\"20B\"";
            JsonNode job = api.post("/api/v1/jobs", a, planned + "}").json();
            long duration = job.get("durationSeconds").asLong();
            long limit = job.get("timeLimitSeconds").asLong();
            assertThat(limit % 60).isZero();
            assertThat(limit).isGreaterThanOrEqualTo((long) Math.ceil(duration * 1.3)).isLessThan((long) (duration * 1.3) + 61);
            // The tenant's own limit wins, and a job given by its duration gets none unless it asks.
            assertThat(api.post("/api/v1/jobs", a, planned + ",\"timeLimitSeconds\":7}").json().get("timeLimitSeconds")
                    .asLong()).isEqualTo(7);
            assertThat(api.get("/api/v1/jobs/" + submit(api, a, "plain", 600, null), a).json().has("timeLimitSeconds"))
                    .isFalse();
        }
    }
}
