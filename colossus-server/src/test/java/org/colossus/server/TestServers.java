package org.colossus.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.colossus.fleet.FailureModel;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.server.state.AdmissionPolicy;

/** Servers for tests: a small fleet, a manual clock at real speed, failures off unless asked. */
final class TestServers {
    static final long START = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    private TestServers() {
    }

    /**
     * Admission limits are off here (AdmissionTest sets its own): the manual clock never refills a token bucket, and
     * these tests submit hundreds of jobs as one tenant.
     */
    static ServerConfig config(Path dir, ManualClock clock) {
        return ServerConfig.defaults().withAdmission(AdmissionPolicy.UNLIMITED).withDataDir(dir)
                .withListen("127.0.0.1", 0).withFleet("uniform:16x8")
                .withScheduling(QueuePolicy.FAIR, "topology", Isolation.NODE).withSpeed(1).withFailures(FailureModel.OFF)
                .withSeed(7).withClock(clock).withSnapshotEvery(0);
    }

    static ColossusServer start(ServerConfig config) {
        return ColossusServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Creates a tenant and returns its API key. */
    static String tenant(Api api, String operator, String name) {
        Api.Response r = api.post("/api/v1/tenants", operator, "{\"name\":\"" + name + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("create tenant " + name + ": " + r);
        }
        return r.json().get("apiKey").asText();
    }

    static long contract(Api api, String operator, String tenant, String jobClass, int gpus) {
        Api.Response r = api.post("/api/v1/contracts", operator, "{\"tenant\":\"" + tenant + "\",\"class\":\"" + jobClass
                + "\",\"gpuModel\":\"H100\",\"gpus\":" + gpus + ",\"start\":\"2026-10-01T00:00:00Z\","
                + "\"end\":\"2027-10-01T00:00:00Z\",\"pricePerGpuHour\":\"2.50\"}");
        if (r.status() != 201) {
            throw new AssertionError("contract: " + r);
        }
        return r.json().get("id").asLong();
    }

    static long job(Api api, String token, String name, int gpus, String jobClass, long seconds) {
        Api.Response r = api.post("/api/v1/jobs", token, "{\"name\":\"" + name + "\",\"gpuModel\":\"H100\",\"gpus\":" + gpus
                + ",\"class\":\"" + jobClass + "\",\"durationSeconds\":" + seconds + "}");
        if (r.status() != 201) {
            throw new AssertionError("submit: " + r);
        }
        return r.json().get("id").asLong();
    }

    /** Waits (10 s at most) until a job is in {@code state}, as its owner sees it. */
    static void awaitState(Api api, String token, long job, String state) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = api.get("/api/v1/jobs/" + job, token).json().get("state").asText();
            if (last.equals(state)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + job + " stayed " + last + ", expected " + state);
    }
}
