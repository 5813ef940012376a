package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.colossus.server.journal.AuditStore;
import org.colossus.server.journal.JdbcStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a SIGKILL in the middle of a transaction, H2 can keep that transaction's rows without undo records, and an
 * UPDATE or DELETE of one of them spins forever (a restart of CrashTest's server hung in the audit log's reset). The
 * store rewrites the tables it updates in place, without touching a row, when its file was not closed cleanly.
 */
class H2UncleanShutdownTest {
    @TempDir
    Path dir;

    private void copyKilledDirectory() throws Exception {
        for (String name : new String[] {"colossus.mv.db", "audit.key", "audit.secret", "audit.vkey"}) {
            try (InputStream in = getClass().getResourceAsStream("/h2-killed-mid-transaction/" + name)) {
                assertThat(in).as(name).isNotNull();
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("colossus"));
             ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void open_directoryKilledMidTransaction_healsAndTheServerStartsOnIt() throws Exception {
        copyKilledDirectory();
        long snapshots = count("SELECT COUNT(*) FROM snapshot");
        long samples = count("SELECT COUNT(*) FROM fleet_sample");
        long journal = count("SELECT COUNT(*) FROM journal");
        assertThat(count("SELECT leaves FROM audit_progress")).isPositive();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ServerConfig config = TestServers.config(dir, new ManualClock(System.currentTimeMillis()))
                    .withFleet("uniform:512x8").withSpeed(60);
            try (ColossusServer server = TestServers.start(config)) {
                long committed = server.engine().committedSeq();
                assertThat(committed).isEqualTo(journal);
                server.audit().awaitCheckpoint(committed, 60_000);
            }
        }, "a restart on the killed directory hung");
        // the snapshot and fleet samples were kept, the audit log rebuilt, and a clean close needs no heal next time
        assertThat(count("SELECT COUNT(*) FROM snapshot")).isGreaterThanOrEqualTo(Math.min(1, snapshots));
        assertThat(count("SELECT COUNT(*) FROM fleet_sample")).isGreaterThanOrEqualTo(samples);
        assertThat(count("SELECT seq FROM audit_progress")).isEqualTo(journal);
        try (JdbcStore store = JdbcStore.h2(dir)) {
            assertThat(store.healedAfterUncleanShutdown()).isFalse();
        }
    }

    /** No marker: the file was not closed by this code (killed, or written by a version without markers). */
    @Test
    void open_withoutCleanMarker_healsOnceAndKeepsSnapshotAndSamples() throws Exception {
        try (JdbcStore store = JdbcStore.h2(dir)) {
            assertThat(store.healedAfterUncleanShutdown()).isFalse(); // a new file has nothing to heal
        }
        assertThat(dir.resolve("colossus.closed-cleanly")).exists();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("colossus"))) {
            c.createStatement().execute("INSERT INTO fleet_sample (time_millis, data) VALUES (5, '{}')");
            c.createStatement().execute("UPDATE audit_progress SET seq = 7, leaves = 9 WHERE id = 1");
        }
        Files.delete(dir.resolve("colossus.closed-cleanly"));
        try (JdbcStore store = JdbcStore.h2(dir)) {
            assertThat(store.healedAfterUncleanShutdown()).isTrue();
            assertThat(store.auditProgress()).isEqualTo(new AuditStore.AuditProgress(0, 0));
            assertThat(dir.resolve("colossus.closed-cleanly")).doesNotExist(); // a kill now leaves none
            assertThat(store.fleetSamples(10)).singleElement().satisfies(s -> assertThat(s.timeMillis()).isEqualTo(5));
        }
        assertThat(count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE '%_HEAL'")).isZero();
        try (JdbcStore store = JdbcStore.h2(dir)) {
            assertThat(store.healedAfterUncleanShutdown()).isFalse();
        }
    }
}
