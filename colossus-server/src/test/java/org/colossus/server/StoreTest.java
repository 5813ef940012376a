package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.JdbcStore;
import org.colossus.server.journal.Store;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same store suite on H2 (file) and PostgreSQL. */
class StoreTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    private static Entry entry(long seq, String tenant, String payload) {
        return new Entry(seq, 1_000L * seq, "job.finished", "dataplane", tenant, payload);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void append_thenReadAfter_returnsEntriesInOrderExactly(String kind) {
        try (JdbcStore s = Databases.open(kind, dir)) {
            assertThat(s.lastSeq()).isZero();
            s.append(List.of(entry(1, null, "{\"id\":1}"), entry(2, "lab-a", "{\"id\":2}")));
            s.append(List.of(entry(3, "lab-é", "{\"id\":3,\"name\":\"ünïcode \\\"q\\\"\"}")));
            List<Entry> all = new ArrayList<>();
            s.readAfter(0, all::add);
            assertThat(all).containsExactly(entry(1, null, "{\"id\":1}"), entry(2, "lab-a", "{\"id\":2}"),
                    entry(3, "lab-é", "{\"id\":3,\"name\":\"ünïcode \\\"q\\\"\"}"));
            List<Entry> tail = new ArrayList<>();
            s.readAfter(2, tail::add);
            assertThat(tail).extracting(Entry::seq).containsExactly(3L);
            assertThat(s.range(2, 1)).extracting(Entry::seq).containsExactly(2L);
            assertThat(s.lastSeq()).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void append_withAGapOrDuplicate_isRefusedAndWritesNothing(String kind) {
        try (JdbcStore s = Databases.open(kind, dir)) {
            s.append(List.of(entry(1, null, "{}")));
            assertThatThrownBy(() -> s.append(List.of(entry(3, null, "{}")))).hasMessageContaining("journal ends at 1");
            assertThatThrownBy(() -> s.append(List.of(entry(2, null, "{}"), entry(2, null, "{}"))))
                    .isInstanceOf(RuntimeException.class);
            assertThat(s.lastSeq()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void entries_surviveReopening(String kind) {
        try (JdbcStore s = Databases.open(kind, dir)) {
            s.append(List.of(entry(1, null, "{}"), entry(2, null, "{}")));
        }
        try (JdbcStore s = kind.equals("h2") ? JdbcStore.h2(dir) : JdbcStore.open(Databases.PG_URL, null, null)) {
            assertThat(s.lastSeq()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void snapshot_latestWins(String kind) {
        try (JdbcStore s = Databases.open(kind, dir)) {
            assertThat(s.latestSnapshot()).isEmpty();
            s.saveSnapshot(new Store.Snapshot(10, "aa", new byte[] {1, 2, 3}));
            s.saveSnapshot(new Store.Snapshot(20, "bb", new byte[] {4, 5}));
            Store.Snapshot last = s.latestSnapshot().orElseThrow();
            assertThat(last.seq()).isEqualTo(20);
            assertThat(last.stateHash()).isEqualTo("bb");
            assertThat(last.body()).containsExactly(4, 5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void readAfter_streamsManyEntries(String kind) {
        try (JdbcStore s = Databases.open(kind, dir)) {
            List<Entry> batch = new ArrayList<>();
            for (long i = 1; i <= 20_000; i++) {
                batch.add(entry(i, i % 2 == 0 ? "lab-a" : null, "{\"id\":" + i + "}"));
                if (batch.size() == 5_000) {
                    s.append(batch);
                    batch.clear();
                }
            }
            long[] count = {0, 0};
            s.readAfter(0, e -> {
                count[0]++;
                assertThat(e.seq()).isEqualTo(count[0]);
            });
            assertThat(count[0]).isEqualTo(20_000);
        }
    }

    @org.junit.jupiter.api.Test
    void open_unsupportedUrl_namesTheFlag() {
        assertThatThrownBy(() -> JdbcStore.open("jdbc:mysql://x/y", null, null))
                .hasMessageContaining("--db 'jdbc:mysql://x/y'").hasMessageContaining("jdbc:postgresql://");
    }
}
