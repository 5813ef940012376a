package org.colossus.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.colossus.server.ServerException;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Store;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.Hashes;
import org.colossus.trust.MerkleTree;
import org.colossus.trust.NoteKey;
import org.colossus.trust.SignedNote;
import org.colossus.trust.TrustException;

/**
 * The transparency log over the journal (issue 6, first part): leaf i is SHA-256(0x00 || canonical bytes of journal
 * entry i + 1). An integrator thread follows the committed journal, so the engine's hot path does not wait for it:
 * it appends leaves (O(log n) nodes each, persisted in {@code merkle_node} in one transaction per batch, never
 * rebuilt) and signs a C2SP checkpoint with the log's Ed25519 key at least every second while entries arrive.
 * Proofs are served for any tree size up to the latest checkpoint, from the stored nodes.
 */
public final class AuditLog implements AutoCloseable {
    private static final long CHECKPOINT_MILLIS = 1000;
    private static final long FLUSH_MILLIS = 250;
    private long lastFlushNanos;

    private final Store store;
    private final NoteKey.Signer key;
    private final String origin;
    private final MerkleTree tree;
    private final Frontier frontier;
    private final LinkedBlockingQueue<List<Entry>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile SignedNote latest;
    private volatile long latestSize;
    private volatile boolean running = true;
    private long lastCheckpointNanos;

    /** Appends need only the left siblings of the right edge; everything else is read from the store. */
    private final class Frontier implements MerkleTree.NodeStore {
        final List<Store.MerkleNode> pending = new ArrayList<>();
        /** Per level, the last two nodes written: an append's left sibling is the one before its own node. */
        final long[] index = new long[64];
        final byte[][] hash = new byte[64][];
        final long[] prevIndex = new long[64];
        final byte[][] prevHash = new byte[64][];

        @Override
        public byte[] get(int level, long idx) {
            if (hash[level] != null && index[level] == idx) {
                return hash[level];
            }
            if (prevHash[level] != null && prevIndex[level] == idx) {
                return prevHash[level];
            }
            byte[] h = store.merkleNode(level, idx);
            if (h == null) {
                throw new ServerException("merkle node " + level + "/" + idx + " is missing from the store");
            }
            return h;
        }

        @Override
        public void put(int level, long idx, byte[] h) {
            prevIndex[level] = index[level];
            prevHash[level] = hash[level];
            index[level] = idx;
            hash[level] = h;
            pending.add(new Store.MerkleNode(level, idx, h));
        }

        void flush() {
            store.putMerkleNodes(pending);
            pending.clear();
        }
    }

    /** Read-only access to the stored nodes, for proofs on request threads. */
    private MerkleTree.NodeStore stored() {
        return new MerkleTree.NodeStore() {
            @Override
            public byte[] get(int level, long idx) {
                byte[] h = store.merkleNode(level, idx);
                if (h == null) {
                    throw new ServerException("merkle node " + level + "/" + idx + " is missing from the store");
                }
                return h;
            }

            @Override
            public void put(int level, long idx, byte[] hash) {
                throw new UnsupportedOperationException("read-only");
            }
        };
    }

    private AuditLog(Store store, NoteKey.Signer key, String origin) {
        this.store = store;
        this.key = key;
        this.origin = origin;
        this.frontier = new Frontier();
        long leaves = store.merkleLeaves();
        this.tree = new MerkleTree(frontier, leaves);
        // Rebuild the frontier (the right edge's complete subtrees) from the store: log n reads.
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((leaves & (1L << level)) != 0) {
                long idx = start >>> level;
                frontier.index[level] = idx;
                frontier.hash[level] = store.merkleNode(level, idx);
                start += 1L << level;
            }
        }
        this.thread = new Thread(this::loop, "colossus-audit");
        this.thread.setDaemon(true);
    }

    /**
     * Opens the log of a data directory: its key ({@code audit.key}, created at first start, owner-only), the stored
     * tree, then integrates the journal entries the tree does not have yet.
     */
    public static AuditLog open(Store store, Path dataDir, SecureRandom random, long journalSeq) {
        Path keyFile = dataDir.resolve("audit.key");
        NoteKey.Signer key;
        try {
            if (Files.exists(keyFile)) {
                key = NoteKey.parseSigner(Files.readString(keyFile, StandardCharsets.UTF_8).trim());
            } else {
                String origin = "colossus.log/" + HexFormat.of().formatHex(random.generateSeed(8));
                key = NoteKey.generate(origin, random);
                Files.deleteIfExists(keyFile);
                try {
                    Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(keyFile);
                }
                Files.writeString(keyFile, key.encode() + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            }
            Files.writeString(dataDir.resolve("audit.vkey"), key.verifier().encode() + "\n", StandardCharsets.UTF_8);
        } catch (IOException | TrustException e) {
            throw new ServerException("audit log key " + keyFile + ": " + e.getMessage(), e);
        }
        AuditLog log = new AuditLog(store, key, key.name());
        if (log.tree.size() > journalSeq) {
            throw new ServerException("the audit log has " + log.tree.size() + " leaves but the journal only " + journalSeq
                    + " entries: the journal was truncated");
        }
        List<Entry> batch = new ArrayList<>();
        store.readAfter(log.tree.size(), e -> {
            batch.add(e);
            if (batch.size() == 10_000) {
                log.integrate(batch);
                batch.clear();
            }
        });
        log.integrate(batch);
        log.checkpoint();
        log.thread.start();
        return log;
    }

    /** Integrates and writes the nodes at once (start-up, shutdown). */
    private void integrate(List<Entry> entries) {
        append(entries);
        frontier.flush();
    }

    private void append(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.seq() <= tree.size()) {
                continue; // integrated at start-up already
            }
            if (e.seq() != tree.size() + 1) {
                throw new ServerException("audit log at " + tree.size() + " leaves cannot take journal entry " + e.seq());
            }
            tree.appendLeafHash(Hashes.leaf(e.canonicalBytes()));
        }
    }

    private void checkpoint() {
        long size = tree.size();
        latest = SignedNote.sign(new Checkpoint(origin, size, tree.root()).text(), key);
        latestSize = size;
        lastCheckpointNanos = System.nanoTime();
    }

    /** Called with every committed batch (on the engine thread): queued for the integrator. */
    public void published(List<Entry> entries) {
        queue.add(entries);
    }

    private void loop() {
        List<List<Entry>> batches = new ArrayList<>();
        while (running) {
            try {
                List<Entry> first = queue.poll(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batches.add(first);
                    queue.drainTo(batches);
                    for (List<Entry> b : batches) {
                        append(b);
                    }
                    batches.clear();
                }
                // Nodes are written in one transaction per interval, not per journal batch: under load the engine
                // commits hundreds of small batches a second, and as many extra commits would halve its throughput.
                long now = System.nanoTime();
                if (!frontier.pending.isEmpty() && (now - lastFlushNanos > TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS)
                        || frontier.pending.size() > 100_000)) {
                    frontier.flush();
                    lastFlushNanos = now;
                }
                if (frontier.pending.isEmpty() && tree.size() != latestSize
                        && now - lastCheckpointNanos > TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_MILLIS)) {
                    checkpoint();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("colossus: audit log stopped: " + e.getMessage());
                running = false;
            }
        }
    }

    public String origin() {
        return origin;
    }

    public NoteKey.Verifier verifier() {
        return key.verifier();
    }

    /** The latest signed checkpoint, as a C2SP signed note. */
    public SignedNote checkpoint(boolean fresh) {
        return latest;
    }

    public long checkpointSize() {
        return latestSize;
    }

    public boolean healthy() {
        return running && thread.isAlive();
    }

    public List<byte[]> inclusionProof(long index, long size) {
        checkSize(size);
        return new MerkleTree(stored(), size).inclusionProof(index, size);
    }

    public List<byte[]> consistencyProof(long from, long to) {
        checkSize(to);
        return new MerkleTree(stored(), to).consistencyProof(from, to);
    }

    private void checkSize(long size) {
        if (size < 1 || size > latestSize) {
            throw new TrustException("tree size " + size + ": expected 1 to the latest checkpoint's " + latestSize);
        }
    }

    /** Waits until every published entry is in a signed checkpoint (tests, shutdown). */
    public void awaitCheckpoint(long seq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (latestSize < seq && System.nanoTime() < deadline && running) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        // No interrupt: an interrupted thread inside H2's file I/O closes the channel, and H2 the whole database.
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // What the integrator had not taken yet: integrate it now so the stored tree matches the journal.
        List<Entry> rest = new ArrayList<>();
        List<List<Entry>> batches = new ArrayList<>();
        queue.drainTo(batches);
        batches.forEach(rest::addAll);
        try {
            integrate(rest);
            if (tree.size() != latestSize) {
                checkpoint();
            }
        } catch (RuntimeException e) {
            System.err.println("colossus: audit log close: " + e.getMessage());
        }
    }
}
