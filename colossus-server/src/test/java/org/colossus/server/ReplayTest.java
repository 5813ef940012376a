package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleets;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Store;
import org.colossus.server.state.ControlState;
import org.colossus.server.state.JournalDivergedException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The journal is the source of truth: after live operation (submissions, cancellations, drains, contract ends,
 * node failures and repairs, finishes, preemptions), a cold replay of the stored journal yields the same state hash,
 * and a journal edited by hand does not replay.
 */
class ReplayTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void coldReplay_afterLiveOperation_hasTheSameStateHash(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        // Failures at 2,000x Llama 3's rate so that a few hours of fleet time see several.
        FailureModel failures = new FailureModel(true, FailureModel.DEFAULT.interruptionsPerGpuHour() * 2000, 1800, 60, 600);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir).withFailures(failures);
        String liveHash;
        long lastSeq;
        ColossusServer server = TestServers.start(config);
        try {
            Api api = new Api(server.url());
            String op = server.operatorToken();
            String a = TestServers.tenant(api, op, "lab-a");
            String b = TestServers.tenant(api, op, "lab-b");
            TestServers.contract(api, op, "lab-a", "reserved", 64);
            TestServers.contract(api, op, "lab-a", "on-demand", 128);
            long bPre = TestServers.contract(api, op, "lab-b", "preemptible", 128);
            TestServers.contract(api, op, "lab-b", "on-demand", 128);
            SplittableRandom random = new SplittableRandom(42);
            List<Long> jobs = new ArrayList<>();
            for (int step = 0; step < 120; step++) {
                int r = random.nextInt(10);
                boolean forA = random.nextBoolean();
                String token = forA ? a : b;
                if (r < 6) {
                    String cls = forA ? (random.nextBoolean() ? "reserved" : "on-demand")
                            : (random.nextBoolean() ? "preemptible" : "on-demand");
                    int gpus = new int[] {1, 4, 8, 16, 32}[random.nextInt(5)];
                    jobs.add(TestServers.job(api, token, "job-" + step, gpus, cls, 600 + random.nextInt(7200)));
                } else if (r == 6 && !jobs.isEmpty()) {
                    api.post("/api/v1/jobs/" + jobs.get(random.nextInt(jobs.size())) + "/cancel", token, null);
                } else if (r == 7) {
                    api.post("/api/v1/nodes/" + random.nextInt(16) + (random.nextBoolean() ? "/drain" : "/undrain"), op, null);
                }
                clock.advanceSeconds(60 + random.nextInt(600));
                Thread.sleep(25); // let the engine poll the data plane at this time
            }
            api.post("/api/v1/contracts/" + bPre + "/end", op, null);
            clock.advanceSeconds(3600);
            Thread.sleep(100);
            liveHash = server.stateHash();
            lastSeq = server.engine().committedSeq();
        } finally {
            server.close();
        }
        List<String> types = new ArrayList<>();
        try (Store store = ColossusServer.openStore(config)) {
            assertThat(store.lastSeq()).isEqualTo(lastSeq);
            store.readAfter(0, e -> types.add(e.type()));
            ControlState replayed = Replay.cold(store, Catalog.standard());
            assertThat(replayed.stateHash()).isEqualTo(liveHash);
        }
        assertThat(types).contains("job.placed", "job.finished", "job.cancelled", "node.failed", "node.repaired",
                "job.requeued", "job.checkpointed", "contract.ended", "node.drain");
        // And a restarted server replays to the same state.
        try (ColossusServer again = TestServers.start(config)) {
            assertThat(again.replayedEntries()).isEqualTo(lastSeq);
            assertThat(again.stateHash()).isEqualTo(liveHash);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void coldReplay_ofATamperedDecision_isRefused(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        try (ColossusServer server = TestServers.start(config)) {
            Api api = new Api(server.url());
            String a = TestServers.tenant(api, server.operatorToken(), "lab-a");
            TestServers.contract(api, server.operatorToken(), "lab-a", "on-demand", 64);
            TestServers.job(api, a, "run", 16, "on-demand", 3600);
        }
        List<Entry> entries = new ArrayList<>();
        org.colossus.scheduler.SchedulerConfig schedulerConfig;
        try (Store store = ColossusServer.openStore(config)) {
            store.readAfter(0, entries::add);
            schedulerConfig = Replay.schedulerConfig(Replay.definition(store));
        }
        // Rewrite the placement onto other nodes, as an operator editing the database might.
        Entry placed = entries.stream().filter(e -> e.type().equals("job.placed")).findFirst().orElseThrow();
        Entry forged = new Entry(placed.seq(), placed.timeMillis(), placed.type(), placed.actor(), placed.tenant(),
                placed.payload().replace("\"nodes\":[0,1]", "\"nodes\":[14,15]"));
        assertThat(forged.payload()).isNotEqualTo(placed.payload());
        var fleet = Fleets.resolve("uniform:16x8", Catalog.standard());
        ControlState state = new ControlState(fleet, schedulerConfig);
        assertThatThrownBy(() -> {
            for (Entry e : entries) {
                state.apply(e.seq() == placed.seq() ? forged : e);
            }
        }).isInstanceOf(JournalDivergedException.class).hasMessageContaining("entry " + placed.seq())
                .hasMessageContaining("the scheduler decides job.placed");
    }
}
