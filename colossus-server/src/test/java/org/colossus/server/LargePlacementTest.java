package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A gang over the whole colossus2 fleet (110,592 GPUs on 27,648 nodes): its job.placed entry is about 210,000
 * characters, which H2's journal column (VARCHAR(65536) before V6) refused, so the append failed with a 503 and the
 * job could never start.
 */
class LargePlacementTest {
    @TempDir
    Path dir;

    private String readToken() {
        try {
            return java.nio.file.Files.readString(dir.resolve("operator.token")).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> kinds() {
        return Databases.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void submit_fleetWideGang_isPlacedJournaledAndReplayed(String kind) {
        ServerConfig config = Databases.configure(TestServers.config(dir, new ManualClock(TestServers.START)), kind, dir)
                .withFleet("colossus2");
        long id;
        try (ColossusServer server = TestServers.start(config)) {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            assertThat(api.post("/api/v1/contracts", op, "{\"tenant\":\"lab-a\",\"class\":\"on-demand\",\"gpuModel\":"
                    + "\"GB200\",\"gpus\":110592,\"start\":\"2026-10-01T00:00:00Z\",\"end\":\"2027-10-01T00:00:00Z\","
                    + "\"pricePerGpuHour\":\"2\"}").status()).isEqualTo(201);
            Api.Response r = api.post("/api/v1/jobs", a, "{\"name\":\"all\",\"gpuModel\":\"GB200\",\"gpus\":110592,"
                    + "\"class\":\"on-demand\",\"durationSeconds\":86400}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().get("state").asText()).isEqualTo("running");
            id = r.json().get("id").asLong();
        }
        try (ColossusServer again = TestServers.start(config)) {
            Api api = new Api(again.url());
            String op = readToken();
            Api.Response job = api.get("/api/v1/jobs/" + id, op);
            assertThat(job.status()).as(job.body()).isEqualTo(200);
            assertThat(job.json().get("state").asText()).isEqualTo("running");
            assertThat(job.json().get("placement").get("nodes").asInt()).isEqualTo(27_648);
        }
    }
}
