package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FailureModel;
import org.colossus.server.journal.Store;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Snapshots make restarts replay only the tail, and give exactly the state a cold replay gives. */
class SnapshotTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    private static ColossusServer start(ServerConfig c, ByteArrayOutputStream log) {
        return ColossusServer.start(c, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private static void traffic(ColossusServer server, ManualClock clock, long seed) throws Exception {
        Api api = new Api(server.url());
        String op = java.nio.file.Files.readString(server.config().dataDir().resolve("operator.token")).trim();
        String a = api.get("/api/v1/tenants", op).json().size() == 0 ? TestServers.tenant(api, op, "lab-a") : null;
        if (a != null) {
            TestServers.contract(api, op, "lab-a", "on-demand", 128);
            TestServers.contract(api, op, "lab-a", "reserved", 32);
            java.nio.file.Files.writeString(server.config().dataDir().resolve("lab-a.key"), a);
        } else {
            a = java.nio.file.Files.readString(server.config().dataDir().resolve("lab-a.key"));
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 60; i++) {
            TestServers.job(api, a, "j" + seed + "-" + i, new int[] {1, 8, 16, 32}[random.nextInt(4)],
                    random.nextBoolean() ? "on-demand" : "reserved", 600 + random.nextInt(3600));
            clock.advanceSeconds(120 + random.nextInt(300));
            Thread.sleep(15);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void restart_fromSnapshotPlusTail_equalsColdReplay(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        FailureModel failures = new FailureModel(true, FailureModel.DEFAULT.interruptionsPerGpuHour() * 2000, 1800, 60, 600);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir).withFailures(failures)
                .withSnapshotEvery(50);
        try (ColossusServer s = start(config, new ByteArrayOutputStream())) {
            traffic(s, clock, 1);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ColossusServer.HashAt live;
        try (ColossusServer s = start(config, log)) {
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("snapshot at entry");
            traffic(s, clock, 2); // more traffic on top of the restored state
            live = s.stateHashAt();
        }
        try (Store store = ColossusServer.openStore(config)) {
            assertThat(store.latestSnapshot()).isPresent();
            assertThat(Replay.cold(store, Catalog.standard(), live.seq()).stateHash()).isEqualTo(live.hash());
        }
        // The final snapshot at shutdown: the next start replays nothing and has the same state.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (ColossusServer s = start(config.withClock(clock), again)) {
            assertThat(again.toString(StandardCharsets.UTF_8)).contains("then 0 entries replayed");
            ColossusServer.HashAt restored = s.stateHashAt();
            if (restored.seq() == live.seq()) {
                assertThat(restored.hash()).isEqualTo(live.hash());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void corruptSnapshot_isIgnoredAndTheJournalReplayed(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir).withSnapshotEvery(20);
        ColossusServer.HashAt before;
        try (ColossusServer s = start(config, new ByteArrayOutputStream())) {
            traffic(s, clock, 3);
            before = s.stateHashAt();
        }
        try (Store store = ColossusServer.openStore(config)) {
            Store.Snapshot snap = store.latestSnapshot().orElseThrow();
            byte[] body = snap.body().clone();
            body[body.length / 2] ^= 0x40;
            store.saveSnapshot(new Store.Snapshot(snap.seq(), snap.stateHash(), body));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (ColossusServer s = start(config, log)) {
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("unusable").contains("replaying the whole journal");
            ColossusServer.HashAt after = s.stateHashAt();
            if (after.seq() == before.seq()) {
                assertThat(after.hash()).isEqualTo(before.hash());
            }
        }
    }
}
