package org.colossus.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.colossus.fleet.Catalog;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.server.state.ControlState;
import org.colossus.server.state.StateSnapshot;

/**
 * Periodic snapshots of the projection so that start-up replays only the journal's tail. The engine copies the state
 * into a {@link StateSnapshot} between batches (cheap); this class serializes it (gzip of {@link SnapshotCodec}'s binary
 * form, with the SHA-256 of the uncompressed bytes as its digest) and stores it on a background thread. The journal stays the source of truth: a snapshot that
 * does not check out is ignored and the journal is replayed from the start.
 */
public final class Snapshots implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Snapshots.class);
    private final Store store;
    private final int every;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "colossus-snapshot");
        t.setDaemon(true);
        return t;
    });
    private long lastSeq;
    private volatile boolean writing;

    /** @param every entries between snapshots; 0 for none */
    public Snapshots(Store store, int every, long lastSnapshotSeq) {
        this.store = store;
        this.every = every;
        this.lastSeq = lastSnapshotSeq;
    }

    /** Called on the engine thread after each commit. */
    public void afterCommit(ControlState state) {
        if (every > 0 && state.lastSeq() - lastSeq >= every && !writing) {
            lastSeq = state.lastSeq();
            StateSnapshot s = state.snapshot();
            writing = true;
            writer.execute(() -> {
                try {
                    save(store, s);
                } catch (RuntimeException e) {
                    LOG.warn("snapshot at entry {} failed (the journal is intact)", s.seq(), e);
                } finally {
                    writing = false;
                }
            });
        }
    }

    public static void save(Store store, StateSnapshot s) {
        try {
            ByteArrayOutputStream raw = new ByteArrayOutputStream(1 << 20);
            try (java.io.DataOutputStream data = new java.io.DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
                SnapshotCodec.write(s, data);
            }
            byte[] bytes = raw.toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3);
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
                gz.write(bytes);
            }
            store.saveSnapshot(new Store.Snapshot(s.seq(), digest(bytes), out.toByteArray()));
        } catch (IOException e) {
            throw new ServerException("cannot write snapshot: " + e.getMessage(), e);
        }
    }

    private static String digest(byte[] json) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The state from the latest usable snapshot plus the journal after it, or a cold replay.
     *
     * @param log gets one line on what was done
     */
    public static ControlState load(Store store, Catalog catalog, Payload.ControlPlaneDefined defined,
                                    java.io.PrintStream log) {
        var fleet = Replay.fleet(defined, catalog);
        var config = Replay.schedulerConfig(defined);
        Optional<Store.Snapshot> latest = store.latestSnapshot();
        if (latest.isPresent()) {
            Store.Snapshot snap = latest.get();
            try {
                byte[] json;
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(snap.body()))) {
                    json = in.readAllBytes();
                }
                if (!digest(json).equals(snap.stateHash())) {
                    throw new ServerException("digest mismatch");
                }
                StateSnapshot s = SnapshotCodec.read(new java.io.DataInputStream(new ByteArrayInputStream(json)));
                ControlState state = ControlState.restore(fleet, config, s);
                Replay.replayTail(store, state);
                log.println("journal: snapshot at entry " + s.seq() + ", then " + (state.lastSeq() - s.seq())
                        + " entries replayed");
                return state;
            } catch (IOException | RuntimeException e) {
                log.println("journal: snapshot at entry " + snap.seq() + " unusable (" + e.getMessage()
                        + "); replaying the whole journal");
            }
        }
        ControlState state = new ControlState(fleet, config);
        store.readAfter(0, state::apply);
        return state;
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
