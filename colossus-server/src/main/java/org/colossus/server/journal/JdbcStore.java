package org.colossus.server.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.colossus.server.ServerException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The journal in a relational database: H2 in a file by default, PostgreSQL in production. Schema by Flyway
 * ({@code db/migration/<vendor>}), access by JDBI, connections by HikariCP.
 */
public final class JdbcStore implements Store {
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final String description;

    private JdbcStore(HikariDataSource pool, String description) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
        this.description = description;
    }

    /** The default store: an H2 database file in {@code dataDir}, written through on every commit. */
    public static JdbcStore h2(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new ServerException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        // WRITE_DELAY=0: a commit reaches the file before the call returns, so a killed process keeps it.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("colossus") + ";WRITE_DELAY=0";
        return open(url, null, null);
    }

    /**
     * Opens {@code jdbcUrl} (jdbc:h2:... or jdbc:postgresql://...), migrating the schema. User and password may
     * be given in the URL or here (null: none / from the URL).
     */
    public static JdbcStore open(String jdbcUrl, String user, String password) {
        String vendor;
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            vendor = "h2";
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            vendor = "postgresql";
        } else {
            throw new ServerException("--db '" + jdbcUrl + "': expected a jdbc:h2:... or jdbc:postgresql://... URL");
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        if (user != null) {
            cfg.setUsername(user);
        }
        if (password != null) {
            cfg.setPassword(password);
        }
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("colossus-journal");
        cfg.setInitializationFailTimeout(10_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new ServerException("cannot open database " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration/" + vendor).load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new ServerException("cannot migrate database " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        String product;
        try (var c = ds.getConnection()) {
            var md = c.getMetaData();
            product = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
        } catch (java.sql.SQLException e) {
            ds.close();
            throw new ServerException("cannot open database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        return new JdbcStore(ds, product + " (" + redact(jdbcUrl) + ")");
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            Long last = h.createQuery("SELECT MAX(seq) FROM journal").mapTo(Long.class).one();
            long expected = (last == null ? 0 : last) + 1;
            if (entries.get(0).seq() != expected) {
                throw new ServerException("journal append at seq " + entries.get(0).seq() + " but the journal ends at "
                        + (expected - 1) + " (another writer?)");
            }
            PreparedBatch b = h.prepareBatch("INSERT INTO journal (seq, time_millis, type, actor, tenant, payload)"
                    + " VALUES (?, ?, ?, ?, ?, ?)");
            for (Entry e : entries) {
                b.add(e.seq(), e.timeMillis(), e.type(), e.actor(), e.tenant(), e.payload());
            }
            b.execute();
        });
    }

    @Override
    public void readAfter(long afterSeq, Consumer<Entry> sink) {
        // Streamed with a fetch size inside a transaction (PostgreSQL uses a cursor only then): a million entries
        // never sit in memory at once.
        jdbi.useTransaction(h -> {
            h.createQuery("SELECT seq, time_millis, type, actor, tenant, payload FROM journal WHERE seq > ? ORDER BY seq")
                    .bind(0, afterSeq)
                    .setFetchSize(4096)
                    .map((rs, ctx) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)))
                    .forEach(sink);
        });
    }

    @Override
    public List<Entry> range(long fromSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, time_millis, type, actor, tenant, payload FROM journal"
                        + " WHERE seq >= ? ORDER BY seq LIMIT ?")
                .bind(0, fromSeq).bind(1, limit)
                .map((rs, ctx) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)))
                .list());
    }

    @Override
    public long lastSeq() {
        Long last = jdbi.withHandle(h -> h.createQuery("SELECT MAX(seq) FROM journal").mapTo(Long.class).one());
        return last == null ? 0 : last;
    }

    @Override
    public void saveSnapshot(Snapshot s) {
        jdbi.useTransaction(h -> {
            h.execute("DELETE FROM snapshot WHERE seq < ?", s.seq());
            h.execute("DELETE FROM snapshot WHERE seq = ?", s.seq());
            h.execute("INSERT INTO snapshot (seq, state_hash, body) VALUES (?, ?, ?)", s.seq(), s.stateHash(), s.body());
        });
    }

    @Override
    public Optional<Snapshot> latestSnapshot() {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, state_hash, body FROM snapshot ORDER BY seq DESC LIMIT 1")
                .map((rs, ctx) -> new Snapshot(rs.getLong(1), rs.getString(2), rs.getBytes(3)))
                .findOne());
    }

    @Override
    public String describe() {
        return description;
    }

    /** For tests: empties the journal and snapshots (PostgreSQL test databases are shared between runs). */
    public void truncateForTests() {
        jdbi.useHandle(h -> {
            h.execute("DELETE FROM snapshot");
            h.execute("DELETE FROM journal");
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
