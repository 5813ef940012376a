package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.colossus.server.journal.HistoryStore;
import org.colossus.server.journal.JdbcStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The console's plots survive a restart: the fleet samples are stored, pruned to the newest, and read back. */
class FleetHistoryTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    private static List<Long> times(Api api, String op) {
        List<Long> out = new ArrayList<>();
        api.get("/api/v1/fleet/history", op).json().get("times").forEach(t -> out.add(t.asLong()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void history_acrossARestart_keepsTheSamplesTakenBefore(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            TestServers.contract(api, op, "lab-a", "on-demand", 64);
            TestServers.job(api, a, "run", 16, "on-demand", 36_000);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (times(api, op).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50); // the first sample is taken at start; the live point is the second
            }
            assertThat(times(api, op)).contains(TestServers.START);
        }
        clock.advanceSeconds(3600);
        String op = java.nio.file.Files.readString(dir.resolve("operator.token")).trim();
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            List<Long> times = times(api, op);
            assertThat(times).as("a sample of the first run, read back").contains(TestServers.START);
            assertThat(times.get(times.size() - 1)).isGreaterThanOrEqualTo(TestServers.START + 3_600_000);
            assertThat(times.get(0)).as("the stored sample comes first").isEqualTo(TestServers.START);
            JsonNode held = api.get("/api/v1/fleet/history", op).json().get("gpusByTenant").get("lab-a");
            assertThat(held.get(held.size() - 1).asLong()).as("lab-a's 16 GPUs now").isEqualTo(16);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void putFleetSample_beyondWhatIsKept_prunesTheOldestAndReadsOldestFirst(String kind) {
        ServerConfig config = Databases.configure(TestServers.config(dir, new ManualClock(0)), kind, dir);
        try (JdbcStore store = (JdbcStore) ColossusServer.openStore(config)) {
            for (long t = 1; t <= 7; t++) {
                store.putFleetSample(new HistoryStore.FleetSample(t * 1000, "{\"n\":" + t + "}"), 4);
            }
            store.putFleetSample(new HistoryStore.FleetSample(7000, "{\"n\":70}"), 4); // the same time again: replaced
            assertThat(store.fleetSamples(10)).extracting(HistoryStore.FleetSample::timeMillis)
                    .containsExactly(4000L, 5000L, 6000L, 7000L);
            assertThat(store.fleetSamples(2)).extracting(HistoryStore.FleetSample::json)
                    .containsExactly("{\"n\":6}", "{\"n\":70}");
        }
    }
}
