package org.colossus.server.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.colossus.server.error.ServerException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The journal in a relational database: H2 in a file by default, PostgreSQL in production. Schema by Flyway
 * ({@code db/migration/<vendor>}), access by JDBI, connections by HikariCP.
 *
 * <p>Over 500 lines: it implements the three parts of {@link Store} ({@link JournalStore}, {@link SnapshotStore},
 * {@link AuditStore}) because they share one pool, the engine's writer connection, the migrations and the SQL dialect
 * switches (H2 point reads, PostgreSQL arrays). The hooks for attack tests and benchmarks ({@code tamper},
 * {@code truncateForTests}) are on this class only, not on {@code Store}.
 */
public final class JdbcStore implements Store, LeaderLease {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcStore.class);
    /** H2 database files open in this JVM (a second store on one file shares the database: no heal, no marker). */
    private static final java.util.Map<Path, Integer> OPEN_H2_FILES = new java.util.concurrent.ConcurrentHashMap<>();
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final String description;
    private final boolean h2;
    /** The journal's end as this store last wrote or read it; the engine is the only writer. */
    private long lastSeq;
    /** The H2 database file's base path (null: not an H2 file), for the clean-shutdown marker. */
    private final Path h2File;
    private final boolean healedAfterUncleanShutdown;

    private JdbcStore(HikariDataSource pool, String description, Path h2File, boolean unclean) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
        this.description = description;
        this.h2 = description.startsWith("H2");
        this.h2File = h2File;
        if (unclean) {
            healAfterUncleanShutdown();
        }
        this.healedAfterUncleanShutdown = unclean;
        this.lastSeq = queryLastSeq();
    }

    /**
     * Whether this store found its H2 file not closed cleanly and rewrote the tables a killed transaction may have left
     * rows in (see {@link #healAfterUncleanShutdown}).
     */
    public boolean healedAfterUncleanShutdown() {
        return healedAfterUncleanShutdown;
    }

    /**
     * The base path of an H2 file URL ({@code jdbc:h2:file:/d/colossus} or {@code jdbc:h2:/d/colossus}; options after
     * {@code ;} ignored); null for in-memory, server and other URLs.
     */
    static Path h2File(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        if (options >= 0) {
            rest = rest.substring(0, options);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (rest.matches("^[a-z]{2,}:.*")) {
            return null; // mem:, tcp:, ssl:, zip:, nio...: not a file this process owns
        }
        if (rest.isEmpty()) {
            return null;
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1); // as H2 itself reads it
        }
        return Path.of(rest).toAbsolutePath().normalize();
    }

    private static Path cleanMarker(Path h2File) {
        return h2File.resolveSibling(h2File.getFileName() + ".closed-cleanly");
    }

    /**
     * Rows that a transaction of a killed process wrote can stay in H2's maps with no undo record (MVStore's
     * "leftover" entries), and a later UPDATE or DELETE of such a row spins forever inside {@code MVMap.operate}
     * (H2 2.5.252: a restart after SIGKILL hung in the audit log's DELETE and, reproduced from a kept file, in its
     * progress UPDATE; CrashTest, 2026-12-02). Plain inserts of new keys are not affected. So after an unclean
     * shutdown the tables that are updated or deleted from in place are rewritten without touching a row: the audit
     * log's tables are emptied by TRUNCATE (the log is rebuilt from the journal, which gives the same roots), and the
     * snapshot and fleet samples are copied out, truncated and copied back.
     */
    private void healAfterUncleanShutdown() {
        LOG.warn("{} was not closed cleanly: rebuilding the audit log from the journal and rewriting the snapshot"
                + " and fleet-sample tables (rows a killed transaction left behind can block updates forever)",
                description);
        resetAudit();
        for (String table : List.of("snapshot", "fleet_sample")) {
            String keep = table + "_heal";
            jdbi.useHandle(h -> {
                boolean saved = h.createQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA ="
                        + " 'PUBLIC' AND LOWER(TABLE_NAME) = :t").bind("t", keep).mapTo(Integer.class).one() > 0;
                if (!saved) {
                    // A copy that survives a kill part-way: the next heal restores from it instead of copying again.
                    h.execute("CREATE TABLE " + keep + " AS SELECT * FROM " + table);
                    h.execute("CHECKPOINT");
                }
                h.execute("TRUNCATE TABLE " + table);
                h.execute("INSERT INTO " + table + " SELECT * FROM " + keep);
                h.execute("CHECKPOINT");
                h.execute("DROP TABLE " + keep);
                h.execute("CHECKPOINT");
            });
        }
    }

    /** The default store: an H2 database file in {@code dataDir}, written through on every commit. */
    public static JdbcStore h2(Path dataDir) {
        DataDirectory.create(dataDir);
        // Durability is not left to H2's write delay: append() stores every journal commit itself (CHECKPOINT). With
        // WRITE_DELAY=0 instead, H2 runs no background writer, and a server killed after an idle minute lost its
        // last acknowledged commits on restart (a security review's finding, reproduced by CrashAfterIdleTest).
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("colossus");
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
        Path file = vendor.equals("h2") ? h2File(jdbcUrl) : null;
        boolean existed = file != null && Files.exists(file.resolveSibling(file.getFileName() + ".mv.db"));
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
        if (vendor.equals("postgresql")) {
            // Batches go out as multi-row INSERTs: one statement per few hundred rows instead of one per row.
            cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
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
        boolean unclean = false;
        if (file != null && OPEN_H2_FILES.merge(file, 1, Integer::sum) == 1) {
            Path marker = cleanMarker(file);
            unclean = existed && !Files.exists(marker);
            try {
                Files.deleteIfExists(marker); // from here until close, a kill leaves no marker
            } catch (java.io.IOException e) {
                OPEN_H2_FILES.merge(file, -1, Integer::sum);
                ds.close();
                throw new ServerException("cannot remove " + marker + ": " + e.getMessage(), e);
            }
        }
        try {
            return new JdbcStore(ds, product + " (" + redact(jdbcUrl) + ")", file, unclean);
        } catch (RuntimeException e) {
            if (file != null) {
                OPEN_H2_FILES.merge(file, -1, Integer::sum);
            }
            ds.close();
            throw e;
        }
    }

    /** A JDBC URL with any password parameter replaced by ***. */
    public static String redact(String url) {
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
    public synchronized void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (entries.get(0).seq() != lastSeq + 1) {
            throw new ServerException("journal append at seq " + entries.get(0).seq() + " but the journal ends at "
                    + lastSeq);
        }
        // The hot path of every command: one plain JDBC batch and one commit on the writer's own connection (the
        // primary key refuses a second writer's duplicate sequence numbers).
        try {
            java.sql.Connection c = writer();
            checkFence(c);
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO journal (seq, time_millis, type, actor, tenant, payload) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Entry e : entries) {
                    ps.setLong(1, e.seq());
                    ps.setLong(2, e.timeMillis());
                    ps.setString(3, e.type());
                    ps.setString(4, e.actor());
                    ps.setString(5, e.tenant());
                    ps.setString(6, e.payload());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
                if (h2) {
                    // H2 acknowledges a commit before its store reaches the file; this writes it there now.
                    try (java.sql.Statement st = c.createStatement()) {
                        st.execute("CHECKPOINT");
                    }
                }
            } catch (java.sql.SQLException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (java.sql.SQLException e) {
            closeWriter();
            throw new ServerException("journal append failed: " + e.getMessage(), e);
        }
        lastSeq = entries.get(entries.size() - 1).seq();
    }

    /** 0: appends are not fenced (a single server); else the epoch this server leads under. */
    private volatile long fenceEpoch;
    /** The lease this server last took or renewed: how long a fenced write's transaction may sit idle. */
    private volatile long fenceIdleMillis = 30_000;

    @Override
    public void fenceWrites(long epoch) {
        this.fenceEpoch = epoch;
        synchronized (this) {
            this.lastSeq = queryLastSeq(); // another leader may have written since this store last looked
        }
    }

    /**
     * In the write's own transaction: the leadership row, share-locked, must still carry this server's epoch. A
     * takeover's update waits for this transaction and is seen by every later one, so a deposed leader's write is
     * refused even if it was paused for minutes between deciding and writing.
     */
    private void checkFence(java.sql.Connection c) throws java.sql.SQLException {
        long fence = fenceEpoch;
        if (fence == 0) {
            return;
        }
        // A leader paused inside this transaction (a long GC, SIGSTOP, a frozen VM) would hold the share lock taken
        // here, and with it every takeover, for as long as the pause lasts: the database ends the session once it has
        // sat idle in the transaction for a lease, so a standby leads within about a lease of the pause, and the woken
        // leader finds its connection gone and its write refused. Both statements go in one round trip: this runs on
        // every append.
        String select = "SELECT epoch FROM leadership WHERE id = 1";
        String sql = h2 ? select : "SET LOCAL idle_in_transaction_session_timeout = " + Math.max(1_000, fenceIdleMillis)
                + "; " + select + " FOR SHARE";
        try (java.sql.Statement st = c.createStatement()) {
            boolean rows = st.execute(sql);
            while (!rows && st.getUpdateCount() != -1) {
                rows = st.getMoreResults();
            }
            try (java.sql.ResultSet rs = st.getResultSet()) {
                long current = rs != null && rs.next() ? rs.getLong(1) : -1;
                if (current != fence) {
                    rollbackQuietly(c);
                    throw new FencedException(fence, current);
                }
            }
        }
    }

    /** For tests: the fence check of a write, run on the caller's connection inside its open transaction. */
    public void fenceForTests(java.sql.Connection c) throws java.sql.SQLException {
        checkFence(c);
    }

    private static final String NOW_MS = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    private void requireHaDatabase() {
        if (h2) {
            throw new ServerException("high availability needs PostgreSQL (--db jdbc:postgresql://...): the embedded H2"
                    + " database belongs to one process");
        }
    }

    @Override
    public java.util.OptionalLong tryAcquire(String holder, String url, long leaseMillis) {
        requireHaDatabase();
        fenceIdleMillis = leaseMillis;
        return jdbi.withHandle(h -> h.createQuery("UPDATE leadership SET epoch = epoch + 1, holder = :holder, url = :url,"
                        + " lease_until_ms = " + NOW_MS + " + :lease WHERE id = 1 AND lease_until_ms < " + NOW_MS
                        + " RETURNING epoch")
                .bind("holder", holder).bind("url", url).bind("lease", leaseMillis)
                .mapTo(Long.class).findOne()
                .map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty()));
    }

    @Override
    public boolean renew(long epoch, String holder, String url, long leaseMillis) {
        requireHaDatabase();
        fenceIdleMillis = leaseMillis;
        return jdbi.withHandle(h -> h.createUpdate("UPDATE leadership SET lease_until_ms = " + NOW_MS + " + :lease,"
                        + " url = :url WHERE id = 1 AND epoch = :epoch AND holder = :holder")
                .bind("lease", leaseMillis).bind("url", url).bind("epoch", epoch).bind("holder", holder)
                .execute()) == 1;
    }

    @Override
    public void release(long epoch, String holder) {
        requireHaDatabase();
        jdbi.useHandle(h -> h.createUpdate("UPDATE leadership SET lease_until_ms = 0 WHERE id = 1 AND epoch = :epoch"
                + " AND holder = :holder").bind("epoch", epoch).bind("holder", holder).execute());
    }

    @Override
    public Leader leader() {
        requireHaDatabase();
        return jdbi.withHandle(h -> h.createQuery("SELECT epoch, holder, url, lease_until_ms, " + NOW_MS
                        + " FROM leadership WHERE id = 1")
                .map((rs, ctx) -> new Leader(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4) > rs.getLong(5)))
                .one());
    }

    private java.sql.Connection writer;

    /** The engine's connection, kept out of the pool with auto-commit off; reopened after an error. */
    private java.sql.Connection writer() throws java.sql.SQLException {
        if (writer == null) {
            writer = pool.getConnection();
            writer.setAutoCommit(false);
        }
        return writer;
    }

    private static void rollbackQuietly(java.sql.Connection c) {
        try {
            c.rollback();
        } catch (java.sql.SQLException ignored) {
            // the connection is discarded next
        }
    }

    private synchronized void closeWriter() {
        if (writer != null) {
            try {
                writer.close();
            } catch (java.sql.SQLException ignored) {
                // already broken
            }
            writer = null;
        }
    }

    @Override
    public void readAfter(long afterSeq, Consumer<Entry> sink) {
        // In pages by primary key: neither database materializes a million-row result (H2 would spill it to a
        // temporary file), and memory stays flat.
        long after = afterSeq;
        while (true) {
            List<Entry> page = range(after + 1, PAGE);
            for (Entry e : page) {
                sink.accept(e);
            }
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).seq();
        }
    }

    private static final int PAGE = 10_000;

    @Override
    public List<Entry> range(long fromSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, time_millis, type, actor, tenant, payload FROM journal"
                        + " WHERE seq >= ? ORDER BY seq LIMIT ?")
                .setFetchSize(Math.min(limit, PAGE))
                .bind(0, fromSeq).bind(1, limit)
                .map((rs, ctx) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)))
                .list());
    }

    @Override
    public List<Entry> rangeOf(String tenant, long fromSeq, long toSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, time_millis, type, actor, tenant, payload FROM journal"
                        + " WHERE seq BETWEEN ? AND ? AND tenant = ? ORDER BY seq LIMIT ?")
                .setFetchSize(Math.min(limit, PAGE))
                .bind(0, fromSeq).bind(1, toSeq).bind(2, tenant).bind(3, limit)
                .map((rs, ctx) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)))
                .list());
    }

    @Override
    public long lastSeq() {
        return queryLastSeq();
    }

    private long queryLastSeq() {
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
    public java.util.Map<TileKey, byte[]> merkleTiles(java.util.Collection<TileKey> keys) {
        java.util.Map<TileKey, byte[]> out = new java.util.HashMap<>();
        if (!keys.isEmpty()) {
            onConnection("reading merkle tiles", c -> readTiles(c, h2, keys, out));
        }
        return out;
    }

    /** All wanted tiles on one connection: point reads on H2, one query per 10,000 on PostgreSQL. */
    private static void readTiles(java.sql.Connection c, boolean h2, java.util.Collection<TileKey> keys,
                                  java.util.Map<TileKey, byte[]> out) throws java.sql.SQLException {
        if (h2) {
            // H2 evaluates "= ANY(array)" and long IN lists by scanning; embedded point reads take microseconds.
            try (var ps = c.prepareStatement("SELECT hashes FROM merkle_tile WHERE level = ? AND idx = ?")) {
                for (TileKey k : keys) {
                    ps.setInt(1, k.level());
                    ps.setLong(2, k.index());
                    try (var rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.put(k, rs.getBytes(1));
                        }
                    }
                }
            }
            return;
        }
        List<TileKey> all = List.copyOf(keys);
        // PostgreSQL: one round trip, an index lookup per (level, idx) pair.
        try (var ps = c.prepareStatement("SELECT m.level, m.idx, m.hashes FROM merkle_tile m"
                + " JOIN unnest(?, ?) AS k(level, idx) ON m.level = k.level AND m.idx = k.idx")) {
            for (int from = 0; from < all.size(); from += 10_000) {
                List<TileKey> part = all.subList(from, Math.min(all.size(), from + 10_000));
                ps.setArray(1, c.createArrayOf("INTEGER", part.stream().map(TileKey::level).toArray()));
                ps.setArray(2, c.createArrayOf("BIGINT", part.stream().map(TileKey::index).toArray()));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(new TileKey(rs.getInt(1), rs.getLong(2)), rs.getBytes(3));
                    }
                }
            }
        }
    }

    @Override
    public void putAudit(AuditWrite w) {
        jdbi.useTransaction(h -> {
            try {
                checkFence(h.getConnection()); // a deposed leader's audit writer is fenced like its appends
            } catch (java.sql.SQLException e) {
                throw new ServerException("audit write failed: " + e.getMessage(), e);
            }
            if (!w.tiles().isEmpty()) {
                // The rightmost tile of each level grows with every write until it holds 256 hashes.
                PreparedBatch b = h.prepareBatch(h2
                        ? "MERGE INTO merkle_tile (level, idx, hashes) KEY (level, idx) VALUES (?, ?, ?)"
                        : "INSERT INTO merkle_tile (level, idx, hashes) VALUES (?, ?, ?)"
                                + " ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes");
                for (MerkleTile t : w.tiles()) {
                    b.add(t.level(), t.index(), t.hashes());
                }
                b.execute();
            }
            if (!w.nodeLeaves().isEmpty()) {
                PreparedBatch b = h.prepareBatch("INSERT INTO audit_node_leaf (node, leaf, seq, time_millis, holders, data)"
                        + " VALUES (?, ?, ?, ?, ?, ?)");
                for (NodeLeaf n : w.nodeLeaves()) {
                    b.add(n.node(), n.leaf(), n.seq(), n.timeMillis(), n.holders(), n.data());
                }
                b.execute();
            }
            if (!w.events().isEmpty()) {
                PreparedBatch b = h.prepareBatch("INSERT INTO audit_event (seq, first_leaf, node_leaves) VALUES (?, ?, ?)");
                for (AuditEvent e : w.events()) {
                    b.add(e.seq(), e.firstLeaf(), e.count());
                }
                b.execute();
            }
            if (!w.holdingsRemoved().isEmpty()) {
                PreparedBatch b = h.prepareBatch("DELETE FROM audit_holding WHERE job = ?");
                for (Long job : w.holdingsRemoved()) {
                    b.add(job);
                }
                b.execute();
            }
            if (!w.holdingsAdded().isEmpty()) {
                PreparedBatch b = h.prepareBatch("INSERT INTO audit_holding (job, tenant, nodes) VALUES (?, ?, ?)");
                for (Holding x : w.holdingsAdded()) {
                    b.add(x.job(), x.tenant(), x.nodes());
                }
                b.execute();
            }
            h.execute(h2 ? "MERGE INTO audit_progress (id, seq, leaves) KEY (id) VALUES (1, ?, ?)"
                    : "UPDATE audit_progress SET seq = ?, leaves = ? WHERE id = 1", w.progress().seq(), w.progress().leaves());
        });
        if (h2) {
            // As for the journal: H2 acknowledges the commit before its store reaches the file, and a checkpoint is
            // signed only for what is durable.
            jdbi.useHandle(h -> h.execute("CHECKPOINT"));
        }
    }

    @Override
    public void putFleetSample(FleetSample sample, int keep) {
        jdbi.useTransaction(h -> {
            h.execute("DELETE FROM fleet_sample WHERE time_millis = ?", sample.timeMillis());
            h.execute("INSERT INTO fleet_sample (time_millis, data) VALUES (?, ?)", sample.timeMillis(), sample.json());
            // Older than the newest `keep`: one indexed range delete (none while fewer are stored).
            h.createQuery("SELECT time_millis FROM fleet_sample ORDER BY time_millis DESC LIMIT 1 OFFSET ?")
                    .bind(0, keep).mapTo(Long.class).findOne()
                    .ifPresent(oldest -> h.execute("DELETE FROM fleet_sample WHERE time_millis <= ?", oldest));
        });
    }

    @Override
    public List<FleetSample> fleetSamples(int limit) {
        List<FleetSample> newest = jdbi.withHandle(h -> h.createQuery("SELECT time_millis, data FROM fleet_sample"
                        + " ORDER BY time_millis DESC LIMIT ?").bind(0, limit)
                .map((rs, ctx) -> new FleetSample(rs.getLong(1), rs.getString(2))).list());
        List<FleetSample> out = new java.util.ArrayList<>(newest);
        java.util.Collections.reverse(out);
        return out;
    }

    @Override
    public void resetAudit() {
        if (h2) {
            // A reset follows tables that disagree after a SIGKILL, or an unclean shutdown, and on H2 rows a killed
            // transaction left behind make an UPDATE or DELETE of them spin forever (healAfterUncleanShutdown): a
            // row-by-row DELETE of audit_node_leaf once spun for 15 minutes. TRUNCATE drops each table's maps whole
            // instead. It commits by itself, so the order keeps every kill part-way detectable: the progress goes
            // first (a missing row reads as zero), the tiles last, and tiles ahead of a zero progress are what the
            // next start finds (AuditLog.storedDisagreement) and resets again.
            jdbi.useHandle(h -> {
                h.execute("TRUNCATE TABLE audit_progress");
                h.execute("INSERT INTO audit_progress (id, seq, leaves) VALUES (1, 0, 0)");
                h.execute("CHECKPOINT");
                for (String table : List.of("audit_holding", "audit_event", "audit_node_leaf", "merkle_tile")) {
                    h.execute("TRUNCATE TABLE " + table);
                }
                h.execute("CHECKPOINT");
            });
            return;
        }
        jdbi.useTransaction(h -> {
            h.execute("DELETE FROM merkle_tile");
            h.execute("DELETE FROM audit_node_leaf");
            h.execute("DELETE FROM audit_event");
            h.execute("DELETE FROM audit_holding");
            h.execute("UPDATE audit_progress SET seq = 0, leaves = 0 WHERE id = 1");
        });
    }

    @Override
    public AuditProgress auditProgress() {
        // no row: an H2 reset killed between emptying the table and inserting the zero row
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, leaves FROM audit_progress WHERE id = 1")
                .map((rs, ctx) -> new AuditProgress(rs.getLong(1), rs.getLong(2))).findOne()
                .orElse(new AuditProgress(0, 0)));
    }

    @Override
    public List<Holding> auditHoldings() {
        return jdbi.withHandle(h -> h.createQuery("SELECT job, tenant, nodes FROM audit_holding ORDER BY job")
                .map((rs, ctx) -> new Holding(rs.getLong(1), rs.getString(2), rs.getString(3))).list());
    }

    private static final String NODE_LEAF_COLUMNS = "n.node, n.leaf, n.seq, n.time_millis, n.holders, n.data";

    private static NodeLeaf nodeLeaf(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new NodeLeaf(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getBytes(6));
    }

    @Override
    public List<NodeLeaf> auditNodeHeads() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + NODE_LEAF_COLUMNS + " FROM audit_node_leaf n JOIN"
                        + " (SELECT node, MAX(leaf) AS m FROM audit_node_leaf GROUP BY node) x"
                        + " ON n.node = x.node AND n.leaf = x.m ORDER BY n.node")
                .map((rs, ctx) -> nodeLeaf(rs)).list());
    }

    @Override
    public List<NodeLeaf> auditNodeLeaves(int node, long fromLeaf, long toLeaf, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + NODE_LEAF_COLUMNS + " FROM audit_node_leaf n"
                        + " WHERE n.node = ? AND n.leaf BETWEEN ? AND ? ORDER BY n.leaf LIMIT ?")
                .bind(0, node).bind(1, fromLeaf).bind(2, toLeaf).bind(3, limit)
                .map((rs, ctx) -> nodeLeaf(rs)).list());
    }

    /** Work on one pooled connection, where batching needs plain JDBC. */
    @FunctionalInterface
    private interface ConnectionWork {
        void run(java.sql.Connection c) throws java.sql.SQLException;
    }

    private void onConnection(String what, ConnectionWork work) {
        try {
            jdbi.useHandle(h -> work.run(h.getConnection()));
        } catch (java.sql.SQLException e) {
            throw new ServerException(what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code ps} and adds the node leaves it returns. */
    private static void collect(java.sql.PreparedStatement ps, List<NodeLeaf> out) throws java.sql.SQLException {
        try (var rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(nodeLeaf(rs));
            }
        }
    }

    /** Sets a statement's parameters for one part of the items (one item on H2, a chunk as arrays on PostgreSQL). */
    @FunctionalInterface
    private interface PartBinder<T> {
        void bind(java.sql.Connection c, java.sql.PreparedStatement ps, List<T> part) throws java.sql.SQLException;
    }

    /**
     * The node leaves {@code sql} returns, run on one connection once per {@code part} items. H2 is embedded, so a
     * point or range read per item costs no round trip; PostgreSQL takes arrays of up to {@code part} items at once.
     */
    private <T> List<NodeLeaf> nodeLeavesByPart(List<T> items, String sql, int part, PartBinder<T> binder) {
        List<NodeLeaf> out = new java.util.ArrayList<>();
        if (items.isEmpty()) {
            return out;
        }
        onConnection("reading node leaves", c -> {
            try (var ps = c.prepareStatement(sql)) {
                for (int from = 0; from < items.size(); from += part) {
                    binder.bind(c, ps, items.subList(from, Math.min(items.size(), from + part)));
                    collect(ps, out);
                }
            }
        });
        return out;
    }

    @Override
    public List<NodeLeaf> auditNodeLeavesAt(java.util.Collection<Long> leaves) {
        String sql = "SELECT " + NODE_LEAF_COLUMNS + " FROM audit_node_leaf n WHERE n.leaf " + (h2 ? "= ?" : "= ANY(?)");
        // See readTiles: point reads on H2, arrays on PostgreSQL.
        List<NodeLeaf> out = nodeLeavesByPart(List.copyOf(leaves), sql, h2 ? 1 : 10_000, (c, ps, part) -> {
            if (h2) {
                ps.setLong(1, part.get(0));
            } else {
                ps.setArray(1, c.createArrayOf("BIGINT", part.toArray()));
            }
        });
        out.sort(java.util.Comparator.comparingLong(NodeLeaf::leaf));
        return out;
    }

    @Override
    public List<NodeLeaf> auditNextNodeLeaves(List<long[]> after, long maxLeaf) {
        if (h2) {
            return nodeLeavesByPart(after, "SELECT " + NODE_LEAF_COLUMNS + " FROM audit_node_leaf n"
                    + " WHERE n.node = ? AND n.leaf > ? AND n.leaf <= ? ORDER BY n.leaf LIMIT 1", 1, (c, ps, part) -> {
                        ps.setInt(1, (int) part.get(0)[0]);
                        ps.setLong(2, part.get(0)[1]);
                        ps.setLong(3, maxLeaf);
                    });
        }
        // PostgreSQL: one round trip, an index probe per pair.
        return nodeLeavesByPart(after, "SELECT " + NODE_LEAF_COLUMNS + " FROM unnest(?, ?) AS a(node, leaf)"
                + " CROSS JOIN LATERAL (SELECT * FROM audit_node_leaf x WHERE x.node = a.node AND x.leaf > a.leaf"
                + " AND x.leaf <= ? ORDER BY x.leaf LIMIT 1) n", 20_000, (c, ps, part) -> {
                    ps.setArray(1, c.createArrayOf("INTEGER", part.stream().map(a -> (int) a[0]).toArray()));
                    ps.setArray(2, c.createArrayOf("BIGINT", part.stream().map(a -> a[1]).toArray()));
                    ps.setLong(3, maxLeaf);
                });
    }

    @Override
    public List<NodeLeaf> auditNodeLeavesOf(List<AuditEvent> events) {
        List<AuditEvent> ranges = events.stream().filter(e -> e.count() > 0).toList();
        if (h2) {
            // embedded: one index range read per event
            return nodeLeavesByPart(ranges, "SELECT " + NODE_LEAF_COLUMNS + " FROM audit_node_leaf n"
                    + " WHERE n.leaf BETWEEN ? AND ?", 1, (c, ps, part) -> {
                        ps.setLong(1, part.get(0).firstLeaf());
                        ps.setLong(2, part.get(0).firstLeaf() + part.get(0).count() - 1);
                    });
        }
        // PostgreSQL: one round trip per 10,000 events, an index range scan each
        return nodeLeavesByPart(ranges, "SELECT " + NODE_LEAF_COLUMNS + " FROM audit_node_leaf n"
                + " JOIN unnest(?, ?) AS r(lo, hi) ON n.leaf BETWEEN r.lo AND r.hi", 10_000, (c, ps, part) -> {
                    ps.setArray(1, c.createArrayOf("BIGINT", part.stream().map(AuditEvent::firstLeaf).toArray()));
                    ps.setArray(2, c.createArrayOf("BIGINT",
                            part.stream().map(e -> e.firstLeaf() + e.count() - 1).toArray()));
                });
    }

    @Override
    public List<AuditEvent> auditEvents(long fromSeq, long toSeq) {
        return jdbi.withHandle(h -> {
            List<AuditEvent> out = new java.util.ArrayList<>(h.createQuery(
                            "SELECT seq, first_leaf, node_leaves FROM audit_event WHERE seq < ? ORDER BY seq DESC LIMIT 1")
                    .bind(0, fromSeq)
                    .map((rs, ctx) -> new AuditEvent(rs.getLong(1), rs.getLong(2), rs.getInt(3))).list());
            out.addAll(h.createQuery("SELECT seq, first_leaf, node_leaves FROM audit_event WHERE seq BETWEEN ? AND ? ORDER BY seq")
                    .bind(0, fromSeq).bind(1, toSeq)
                    .map((rs, ctx) -> new AuditEvent(rs.getLong(1), rs.getLong(2), rs.getInt(3))).list());
            return out;
        });
    }

    /**
     * Runs SQL statements in one transaction: for tests that play a malicious operator and for benchmarks that reset
     * their database. Not part of {@link Store}: nothing in the server can reach it.
     */
    public void tamper(String... statements) {
        jdbi.useTransaction(h -> {
            for (String sql : statements) {
                h.execute(sql);
            }
        });
        lastSeq = queryLastSeq();
    }

    @Override
    public String describe() {
        return description;
    }

    /** For tests: empties the journal and snapshots (PostgreSQL test databases are shared between runs). */
    public void truncateForTests() {
        resetAudit();
        jdbi.useHandle(h -> {
            h.execute("DELETE FROM snapshot");
            h.execute("DELETE FROM fleet_sample");
            h.execute("DELETE FROM journal");
            h.execute("UPDATE leadership SET epoch = 0, holder = NULL, url = NULL, lease_until_ms = 0");
        });
        lastSeq = 0;
    }

    @Override
    public void close() {
        closeWriter();
        pool.close(); // the last connection closes the H2 database, which writes everything to its file
        if (h2File != null && OPEN_H2_FILES.merge(h2File, -1, Integer::sum) == 0) {
            OPEN_H2_FILES.remove(h2File, 0);
            try {
                DataDirectory.writeOwnerOnly(cleanMarker(h2File), "closed cleanly\n");
            } catch (java.io.IOException e) {
                LOG.warn("cannot write {}: the next start will rebuild the audit log ({})", cleanMarker(h2File),
                        e.getMessage());
            }
        }
    }
}
