package org.colossus.server.audit;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.trust.AuditLeaf;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.MerkleTiles;
import org.colossus.trust.MerkleTree;
import org.colossus.trust.NoteKey;
import org.colossus.trust.SignedNote;
import org.colossus.trust.TrustException;

/**
 * The transparency log over the journal (docs/audit-log.md). Every journal entry gets an entry leaf hiding it behind
 * an opening secret only its tenant receives; every placement and release is followed by one node leaf per node,
 * chained to the node's previous event and committing to the holder. An integrator thread follows the committed
 * journal, so the engine's hot path does not wait for it: it appends leaves (O(log n) nodes each, never a rebuild),
 * writes the new nodes, node leaves and holdings in one transaction every 250 ms, and signs a C2SP checkpoint with
 * the log's Ed25519 key at least every second while entries arrive. Proofs are served for any tree size up to the
 * latest checkpoint, from the stored nodes.

 * <p>Over 500 lines: the integrator, its write-behind thread, the tile frontier and cache, the node-leaf holdings and
 * the read side all work on one tree under one discipline (the integrator alone appends; readers see only what a
 * signed checkpoint covers). The key files are {@link AuditKeys}, the tile layout {@code MerkleTiles}; separating the
 * read side and the node-leaf tracker is the next step (docs/architecture.md).
 */
public final class AuditLog implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditLog.class);
    private static final long CHECKPOINT_MILLIS = 1000;
    private static final long FLUSH_MILLIS = 250;
    private long lastFlushNanos;

    private final Store store;
    private final NoteKey.Signer key;
    private final String origin;
    private final MerkleTree tree;
    private final Frontier frontier;
    private final AuditLeaf.Openings openings;
    /** Jobs holding nodes: a release names the nodes it frees. */
    private final Map<Long, Store.Holding> holdings = new HashMap<>();
    private final Map<Long, int[]> holdingNodes = new HashMap<>();
    /** Per node: its latest node leaf's index and the jobs on it after it. */
    private final Map<Integer, long[]> heads = new HashMap<>();
    private long integratedSeq;
    private final List<Store.NodeLeaf> pendingNodeLeaves = new ArrayList<>();
    private final List<Store.AuditEvent> pendingEvents = new ArrayList<>();
    private final Map<Long, Store.Holding> pendingAdded = new LinkedHashMap<>();
    private final List<Long> pendingRemoved = new ArrayList<>();
    private volatile long latestSeq;
    /** Tree size to journal entries covered, for the checkpoints signed recently: proofs are served at these sizes. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> recent = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile boolean checkpointWanted;
    private final LinkedBlockingQueue<List<Entry>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile SignedNote latest;
    private volatile long latestSize;
    private volatile boolean running = true;
    private long lastCheckpointNanos;

    /**
     * Appends need only the left siblings of the right edge; everything else is read from the store. Of the nodes
     * appended, those of levels 0, 8, 16, ... go into tiles ({@link MerkleTiles}); the others follow from them.
     */
    private final class Frontier implements MerkleTree.NodeStore {
        /** Per level, the last two nodes written: an append's left sibling is the one before its own node. */
        final long[] index = new long[64];
        final byte[][] hash = new byte[64][];
        final long[] prevIndex = new long[64];
        final byte[][] prevHash = new byte[64][];
        /** Per tile level, the rightmost tile as far as it goes (a full one is handed over and a new one begun). */
        final byte[][] tile = new byte[8][];
        final long[] tileIndex = new long[8];
        final int[] tileBytes = new int[8];
        final boolean[] tileDirty = new boolean[8];
        final List<Store.MerkleTile> completed = new ArrayList<>();
        long appendedSinceTake;

        @Override
        public byte[] get(int level, long idx) {
            if (hash[level] != null && index[level] == idx) {
                return hash[level];
            }
            if (prevHash[level] != null && prevIndex[level] == idx) {
                return prevHash[level];
            }
            return storedNode(level, idx);
        }

        @Override
        public void put(int level, long idx, byte[] h) {
            prevIndex[level] = index[level];
            prevHash[level] = hash[level];
            index[level] = idx;
            hash[level] = h;
            if (level == 0) {
                appendedSinceTake++;
            }
            if (level % MerkleTiles.HEIGHT == 0) {
                addToTile(level / MerkleTiles.HEIGHT, idx, h);
            }
        }

        private void addToTile(int t, long idx, byte[] h) {
            long n = idx >>> MerkleTiles.HEIGHT;
            int offset = (int) (idx & (MerkleTiles.WIDTH - 1)) * MerkleTiles.HASH_BYTES;
            if (tile[t] == null || tileIndex[t] != n) {
                tile[t] = new byte[MerkleTiles.FULL_BYTES];
                tileIndex[t] = n;
                tileBytes[t] = 0;
                if (offset > 0) {
                    // after a restart: the stored part of this tile comes first
                    Store.TileKey key = new Store.TileKey(t, n);
                    byte[] stored = store.merkleTiles(List.of(key)).get(key);
                    if (stored == null || stored.length != offset) {
                        throw new ServerException("merkle tile " + t + "/" + n + " holds " + (stored == null ? 0
                                : stored.length / MerkleTiles.HASH_BYTES) + " hashes; the tree needs "
                                + offset / MerkleTiles.HASH_BYTES);
                    }
                    System.arraycopy(stored, 0, tile[t], 0, offset);
                    tileBytes[t] = offset;
                }
            }
            if (tileBytes[t] != offset) {
                throw new ServerException("merkle tile " + t + "/" + n + ": hash " + offset / MerkleTiles.HASH_BYTES
                        + " appended after " + tileBytes[t] / MerkleTiles.HASH_BYTES);
            }
            System.arraycopy(h, 0, tile[t], offset, MerkleTiles.HASH_BYTES);
            tileBytes[t] += MerkleTiles.HASH_BYTES;
            tileDirty[t] = true;
            if (tileBytes[t] == MerkleTiles.FULL_BYTES) {
                completed.add(new Store.MerkleTile(t, n, tile[t]));
                tile[t] = null;
                tileDirty[t] = false;
            }
        }

        /** Everything integrated since the last write, as one write; the pending lists start over. */
        Store.AuditWrite take() {
            List<Store.MerkleTile> tiles = new ArrayList<>(completed);
            for (int t = 0; t < tile.length; t++) {
                if (tileDirty[t]) {
                    tiles.add(new Store.MerkleTile(t, tileIndex[t], java.util.Arrays.copyOf(tile[t], tileBytes[t])));
                    tileDirty[t] = false;
                }
            }
            Store.AuditWrite w = new Store.AuditWrite(tiles, List.copyOf(pendingNodeLeaves),
                    List.copyOf(pendingEvents), List.copyOf(pendingAdded.values()), List.copyOf(pendingRemoved),
                    new Store.AuditProgress(integratedSeq, tree.size()));
            completed.clear();
            appendedSinceTake = 0;
            pendingNodeLeaves.clear();
            pendingEvents.clear();
            pendingAdded.clear();
            pendingRemoved.clear();
            return w;
        }

        boolean dirty() {
            return appendedSinceTake > 0 || integratedSeq != flushedSeq;
        }
    }

    /**
     * Full tiles never change: they are kept for proofs, with each inner node computed when a proof first needs it,
     * the most recently used 1,024 of them (8-16 MiB).
     */
    private final Map<Store.TileKey, MerkleTiles.Lazy> fullTiles = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(2048, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Store.TileKey, MerkleTiles.Lazy> eldest) {
                    return size() > 1024;
                }
            });

    private static Store.TileKey tileOf(int level, long idx) {
        return new Store.TileKey(MerkleTiles.tileLevel(level), MerkleTiles.tileIndex(level, idx));
    }

    /** Node (level, idx) from its tile: the cache, else the store. */
    private byte[] storedNode(int level, long idx) {
        Store.TileKey key = tileOf(level, idx);
        MerkleTiles.Lazy expanded = fullTiles.get(key);
        if (expanded == null) {
            byte[] bytes = store.merkleTiles(List.of(key)).get(key);
            if (bytes == null || bytes.length != MerkleTiles.FULL_BYTES) {
                byte[] h = MerkleTiles.node(bytes, level, idx);
                if (h == null) {
                    throw new ServerException("merkle node " + level + "/" + idx + " is missing from the store (tile "
                            + key.level() + "/" + key.index() + " holds " + (bytes == null ? 0
                            : bytes.length / MerkleTiles.HASH_BYTES) + " hashes)");
                }
                return h;
            }
            expanded = new MerkleTiles.Lazy(bytes);
            fullTiles.put(key, expanded);
        }
        return expanded.node(level, idx);
    }

    /** Read-only access to the stored nodes, for proofs on request threads. */
    private MerkleTree.NodeStore stored() {
        return new MerkleTree.NodeStore() {
            @Override
            public byte[] get(int level, long idx) {
                return storedNode(level, idx);
            }

            @Override
            public void put(int level, long idx, byte[] hash) {
                throw new UnsupportedOperationException("read-only");
            }
        };
    }

    private long flushedSeq;

    private AuditLog(Store store, NoteKey.Signer key, String origin, byte[] secret) {
        this.store = store;
        this.key = key;
        this.origin = origin;
        this.openings = new AuditLeaf.Openings(secret);
        this.frontier = new Frontier();
        Store.AuditProgress progress = store.auditProgress();
        long leaves = progress.leaves();
        this.integratedSeq = progress.seq();
        this.flushedSeq = progress.seq();
        this.tree = new MerkleTree(frontier, leaves);
        this.durable = null;
        for (Store.Holding h : store.auditHoldings()) {
            holdings.put(h.job(), h);
            holdingNodes.put(h.job(), java.util.Arrays.stream(h.nodes().split(",")).mapToInt(Integer::parseInt).toArray());
        }
        for (Store.NodeLeaf n : store.auditNodeHeads()) {
            heads.put(n.node(), new long[] {n.leaf(), n.holders()});
        }
        // Rebuild the frontier (the right edge's complete subtrees) from the store: log n reads.
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((leaves & (1L << level)) != 0) {
                long idx = start >>> level;
                frontier.index[level] = idx;
                frontier.hash[level] = storedNode(level, idx);
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
        AuditKeys keys = AuditKeys.load(dataDir, random);
        String disagreement = storedDisagreement(store, store.auditProgress());
        if (disagreement != null) {
            // Seen once on H2 after a SIGKILL: a tile ahead of the progress row written in the same transaction. The
            // log is derived from the journal and its secret alone, so a rebuild gives the same root at every size
            // and every checkpoint served before stays consistent; refusing to start would help nobody.
            LOG.warn("audit log tables disagree ({}); rebuilding the log from the journal", disagreement);
            store.resetAudit();
        }
        AuditLog log = new AuditLog(store, keys.signer(), keys.signer().name(), keys.openingSecret());
        if (log.integratedSeq > journalSeq) {
            throw new ServerException("the audit log covers " + log.integratedSeq + " journal entries but the journal only has "
                    + journalSeq + ": the journal was truncated");
        }
        List<Entry> batch = new ArrayList<>();
        store.readAfter(log.integratedSeq, e -> {
            batch.add(e);
            if (batch.size() == 10_000) {
                log.integrate(batch);
                batch.clear();
            }
        });
        log.append(batch);
        log.flush();
        log.awaitWrite();
        log.checkpoint();
        log.thread.start();
        return log;
    }

    /**
     * What in the stored tables goes beyond the stored progress (null: nothing): the rightmost tile of each level must
     * hold exactly the hashes the tree size implies, and no node leaf or event may lie past it.
     */
    static String storedDisagreement(Store store, Store.AuditProgress progress) {
        long leaves = progress.leaves();
        Map<Store.TileKey, Integer> expected = new LinkedHashMap<>();
        for (int t = 0; MerkleTiles.HEIGHT * t < 64; t++) {
            long count = leaves >>> (MerkleTiles.HEIGHT * t);
            expected.put(new Store.TileKey(t, count >>> MerkleTiles.HEIGHT),
                    (int) (count & (MerkleTiles.WIDTH - 1)) * MerkleTiles.HASH_BYTES);
            if (count == 0) {
                break;
            }
        }
        Map<Store.TileKey, byte[]> stored = store.merkleTiles(expected.keySet());
        for (var e : expected.entrySet()) {
            byte[] tile = stored.get(e.getKey());
            int length = tile == null ? 0 : tile.length;
            if (length != e.getValue()) {
                return "merkle tile " + e.getKey().level() + "/" + e.getKey().index() + " holds "
                        + length / MerkleTiles.HASH_BYTES + " hashes; a tree of " + leaves + " leaves needs "
                        + e.getValue() / MerkleTiles.HASH_BYTES;
            }
        }
        for (Store.NodeLeaf n : store.auditNodeHeads()) {
            if (n.leaf() >= leaves) {
                return "node " + n.node() + " has leaf " + n.leaf() + " in a tree of " + leaves + " leaves";
            }
        }
        for (Store.AuditEvent e : store.auditEvents(progress.seq() + 1, Long.MAX_VALUE)) {
            if (e.seq() > progress.seq()) {
                return "an event for journal entry " + e.seq() + " past the integrated " + progress.seq();
            }
        }
        return null;
    }

    /**
     * Appends, and hands the result to the writer unless it is still busy with the previous write: then batches
     * grow (up to 100,000 leaves) instead of the integrator waiting, and each database commit carries more rows.
     */
    private void integrate(List<Entry> entries) {
        append(entries);
        if (writerIdle() || frontier.appendedSinceTake > MAX_PENDING_LEAVES) {
            flush();
        }
    }

    private static final int MAX_PENDING_LEAVES = 100_000;

    private boolean writerIdle() {
        return inFlight == null || inFlight.isDone();
    }

    /** What the store durably holds: checkpoints are signed only for it, so every proof they allow can be served. */
    private record Durable(long size, long seq, byte[] root) {
    }

    private volatile Durable durable;
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "colossus-audit-writer");
        t.setDaemon(true);
        return t;
    });
    private java.util.concurrent.Future<?> inFlight;

    /**
     * Hands what was integrated to the writer thread and returns: the next batch is hashed while this one is
     * written. At most one write is in flight, so memory stays bounded and writes stay in order.
     */
    private void flush() {
        awaitWrite();
        Store.AuditWrite w = frontier.take();
        long size = tree.size();
        long seq = integratedSeq;
        byte[] root = tree.root();
        flushedSeq = seq;
        inFlight = writer.submit(() -> {
            store.putAudit(w);
            durable = new Durable(size, seq, root);
        });
    }

    private void awaitWrite() {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ServerException("audit log write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerException("interrupted while writing the audit log");
        } finally {
            inFlight = null;
        }
    }

    private void append(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.seq() <= integratedSeq) {
                continue; // integrated at start-up already
            }
            if (e.seq() != integratedSeq + 1) {
                throw new ServerException("audit log at entry " + integratedSeq + " cannot take journal entry " + e.seq());
            }
            byte[] opening = openings.of(e.seq());
            tree.append(AuditLeaf.entry(opening, e.canonicalBytes()));
            nodeLeaves(e, opening);
            integratedSeq = e.seq();
        }
    }

    private static final java.util.Set<String> RELEASES = java.util.Set.of("job.finished", "job.stopped", "job.cancelled",
            "job.requeued", "job.failed");

    /** Appends the node leaves of a placement or release. */
    private void nodeLeaves(Entry e, byte[] opening) {
        AuditLeaf.Event event;
        String tenant;
        int[] nodes;
        if (e.type().equals("job.placed")) {
            Payload.JobPlaced p = (Payload.JobPlaced) Payload.of(e);
            nodes = p.nodes().stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
            tenant = e.tenant() == null ? "" : e.tenant();
            event = AuditLeaf.Event.PLACE;
            long job = p.id();
            if (holdings.containsKey(job)) {
                removeHolding(job); // placed again without a release: the log says so through the counts
            }
            Store.Holding h = new Store.Holding(job, tenant, java.util.Arrays.stream(nodes).mapToObj(Integer::toString)
                    .collect(java.util.stream.Collectors.joining(",")));
            holdings.put(job, h);
            holdingNodes.put(job, nodes);
            pendingAdded.put(job, h);
        } else if (RELEASES.contains(e.type())) {
            long job = jobId(Payload.of(e));
            Store.Holding h = holdings.get(job);
            if (h == null) {
                return; // the job held nothing (cancelled while queued, failed before placement)
            }
            nodes = holdingNodes.get(job);
            tenant = h.tenant();
            event = AuditLeaf.Event.RELEASE;
            removeHolding(job);
        } else {
            return;
        }
        if (nodes.length == 0) {
            return;
        }
        byte[] holder = AuditLeaf.holderCommitment(tenant, opening);
        long first = tree.size();
        for (int node : nodes) {
            long[] head = heads.computeIfAbsent(node, k -> new long[] {-1, 0});
            int holders = (int) head[1] + (event == AuditLeaf.Event.PLACE ? 1 : -1);
            AuditLeaf.Node leaf = new AuditLeaf.Node(node, e.seq(), e.timeMillis(), event, head[0], holders, holder);
            byte[] data = leaf.data();
            long index = tree.append(data);
            head[0] = index;
            head[1] = holders;
            pendingNodeLeaves.add(new Store.NodeLeaf(node, index, e.seq(), e.timeMillis(), holders, data));
        }
        pendingEvents.add(new Store.AuditEvent(e.seq(), first, nodes.length));
    }

    private void removeHolding(long job) {
        holdings.remove(job);
        holdingNodes.remove(job);
        if (pendingAdded.remove(job) == null) {
            pendingRemoved.add(job);
        }
    }

    private static long jobId(Payload p) {
        return switch (p) {
            case Payload.JobFinished f -> f.id();
            case Payload.JobStopped s -> s.id();
            case Payload.JobCancelled c -> c.id();
            case Payload.JobRequeued r -> r.id();
            case Payload.JobFailed f -> f.id();
            default -> throw new IllegalStateException("not a release: " + p.type());
        };
    }

    /** Signs the durable tree (no-op if it is already the latest checkpoint). */
    private void checkpoint() {
        Durable d = durable;
        if (d == null || (latest != null && d.size() == latestSize)) {
            return;
        }
        long size = d.size();
        latest = SignedNote.sign(new Checkpoint(origin, size, d.root()).text(), key);
        latestSeq = d.seq();
        latestSize = size;
        recent.put(size, d.seq());
        while (recent.size() > 100_000) {
            recent.pollFirstEntry();
        }
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
                    queue.drainTo(batches, 1000);
                    for (List<Entry> b : batches) {
                        append(b);
                    }
                    batches.clear();
                }
                // Nodes are written in one transaction per interval, not per journal batch: under load the engine
                // commits hundreds of small batches a second, and as many extra commits would halve its throughput.
                long now = System.nanoTime();
                boolean wanted = checkpointWanted;
                if (frontier.dirty() && (wanted || frontier.appendedSinceTake > MAX_PENDING_LEAVES
                        || (now - lastFlushNanos > TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS) && writerIdle()))) {
                    flush();
                    lastFlushNanos = now;
                }
                if (wanted) {
                    awaitWrite();
                }
                if (inFlight != null && inFlight.isDone()) {
                    awaitWrite(); // surfaces a failed write
                }
                Durable d = durable;
                if (d != null && d.size() != latestSize
                        && (wanted || now - lastCheckpointNanos > TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_MILLIS))) {
                    checkpoint();
                }
                if (wanted && !frontier.dirty() && inFlight == null) {
                    checkpointWanted = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("audit log stopped: {}", e.getMessage(), e);
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

    /**
     * The latest signed checkpoint, as a C2SP signed note. {@code fresh}: first integrate and sign everything
     * committed so far (waits up to two seconds).
     */
    public SignedNote checkpoint(boolean fresh) throws InterruptedException {
        if (fresh && running) {
            checkpointWanted = true;
            queue.add(List.of()); // wakes the integrator now rather than at its next flush interval
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (checkpointWanted && running && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }
        return latest;
    }

    /** The journal entries a recent checkpoint of {@code size} covers (1 to this), or -1 if none is known. */
    public long seqAt(long size) {
        Long seq = recent.get(size);
        return seq == null ? -1 : seq;
    }

    /** The journal entries the latest checkpoint covers: 1 to this. */
    public long checkpointSeq() {
        return latestSeq;
    }

    /** The opening secret of entry {@code seq}, for its tenant only. */
    public byte[] opening(long seq) {
        return openings.of(seq);
    }

    /** Where an entry sits in the log: its leaf index and its node leaves. */
    public record Placement(long seq, long leaf, List<Store.NodeLeaf> nodeLeaves) {
    }

    /** The leaf positions of entries {@code seqs} (ascending, all covered by the latest checkpoint). */
    public List<Placement> leavesOf(long[] seqs) {
        List<Placement> out = new ArrayList<>(seqs.length);
        if (seqs.length == 0) {
            return out;
        }
        List<Store.AuditEvent> events = store.auditEvents(seqs[0], seqs[seqs.length - 1]);
        int ei = 0;
        long offset = 0;
        if (!events.isEmpty() && events.get(0).seq() < seqs[0]) {
            Store.AuditEvent e = events.get(0);
            offset = e.firstLeaf() - e.seq() + e.count();
            ei = 1;
        }
        // The node leaves of the page's own events only, in one batched read.
        Map<Long, Store.NodeLeaf> byLeaf = new HashMap<>();
        java.util.Set<Long> wantedSeqs = new java.util.HashSet<>();
        for (long seq : seqs) {
            wantedSeqs.add(seq);
        }
        List<Store.AuditEvent> own = events.stream().filter(e -> wantedSeqs.contains(e.seq())).toList();
        for (Store.NodeLeaf n : store.auditNodeLeavesOf(own)) {
            byLeaf.put(n.leaf(), n);
        }
        for (long seq : seqs) {
            while (ei < events.size() && events.get(ei).seq() < seq) {
                Store.AuditEvent e = events.get(ei++);
                offset = e.firstLeaf() - e.seq() + e.count();
            }
            long leaf = seq - 1 + offset;
            List<Store.NodeLeaf> nodes = List.of();
            if (ei < events.size() && events.get(ei).seq() == seq) {
                Store.AuditEvent e = events.get(ei);
                nodes = new ArrayList<>(e.count());
                for (long l = e.firstLeaf(); l < e.firstLeaf() + e.count(); l++) {
                    Store.NodeLeaf n = byLeaf.get(l);
                    if (n == null) {
                        throw new ServerException("node leaf " + l + " of entry " + seq + " is missing from the store");
                    }
                    nodes.add(n);
                }
            }
            out.add(new Placement(seq, leaf, nodes));
        }
        return out;
    }

    /** The node leaves of {@code node} with index in [fromLeaf, toLeaf] (within the latest checkpoint). */
    public List<Store.NodeLeaf> nodeHistory(int node, long fromLeaf, long toLeaf, int limit) {
        return store.auditNodeLeaves(node, fromLeaf, Math.min(toLeaf, latestSize - 1), limit);
    }

    /** For each (node, leaf) pair, the node's next leaf in the tree of {@code size}, if any. */
    public List<Store.NodeLeaf> nextNodeLeaves(List<long[]> after, long size) {
        return store.auditNextNodeLeaves(after, Math.min(size, latestSize) - 1);
    }

    /** The node leaves at these indices (within the latest checkpoint; others are left out). */
    public List<Store.NodeLeaf> nodeLeavesAt(java.util.Collection<Long> leaves) {
        return store.auditNodeLeavesAt(leaves.stream().filter(l -> l >= 0 && l < latestSize).toList());
    }

    /** A proof that the leaves at {@code indices} (ascending) are in the tree of {@code size}; see MerkleTree. */
    public List<byte[]> multiProof(long[] indices, long size) {
        checkSize(size);
        return new MerkleTree(prefetched(size, t -> t.multiProof(indices, size)), size).multiProof(indices, size);
    }

    /**
     * The stored nodes a multi-leaf proof needs, read in a few batched queries instead of one query per node: a dry
     * run of the proof over a recording store names them (complete subtrees only; the right edge is recomputed).
     */
    private MerkleTree.NodeStore prefetched(long size, java.util.function.Consumer<MerkleTree> dryRun) {
        java.util.List<java.util.Set<Long>> wanted = new ArrayList<>();
        byte[] dummy = new byte[32];
        dryRun.accept(new MerkleTree(new MerkleTree.NodeStore() {
            @Override
            public byte[] get(int level, long idx) {
                while (wanted.size() <= level) {
                    wanted.add(new java.util.HashSet<>());
                }
                wanted.get(level).add(idx);
                return dummy;
            }

            @Override
            public void put(int level, long idx, byte[] hash) {
                throw new UnsupportedOperationException("read-only");
            }
        }, size));
        // The tiles are pinned for this proof: a cached one may be evicted by a concurrent (or this very) proof.
        Map<Store.TileKey, MerkleTiles.Lazy> expanded = new HashMap<>();
        java.util.Set<Store.TileKey> missing = new java.util.HashSet<>();
        for (int level = 0; level < wanted.size(); level++) {
            for (Long idx : wanted.get(level)) {
                Store.TileKey key = tileOf(level, idx);
                if (!expanded.containsKey(key) && !missing.contains(key)) {
                    MerkleTiles.Lazy cached = fullTiles.get(key);
                    if (cached != null) {
                        expanded.put(key, cached);
                    } else {
                        missing.add(key);
                    }
                }
            }
        }
        Map<Store.TileKey, byte[]> partial = new HashMap<>();
        for (Map.Entry<Store.TileKey, byte[]> e : store.merkleTiles(missing).entrySet()) {
            if (e.getValue().length == MerkleTiles.FULL_BYTES) {
                MerkleTiles.Lazy x = new MerkleTiles.Lazy(e.getValue());
                fullTiles.put(e.getKey(), x);
                expanded.put(e.getKey(), x);
            } else {
                partial.put(e.getKey(), e.getValue());
            }
        }
        return new MerkleTree.NodeStore() {
            @Override
            public byte[] get(int level, long idx) {
                Store.TileKey key = tileOf(level, idx);
                MerkleTiles.Lazy x = expanded.get(key);
                if (x != null) {
                    return x.node(level, idx);
                }
                byte[] bytes = partial.get(key);
                byte[] h = bytes == null ? null : MerkleTiles.node(bytes, level, idx);
                return h != null ? h : storedNode(level, idx);
            }

            @Override
            public void put(int level, long idx, byte[] hash) {
                throw new UnsupportedOperationException("read-only");
            }
        };
    }

    /**
     * The first {@code width} hashes of tile ({@code level}, {@code index}) (C2SP tlog-tiles), if the latest checkpoint
     * covers them; else null. A tile served for an older checkpoint stays a prefix of every later version.
     */
    public byte[] tile(int level, long index, int width) {
        if (level < 0 || level >= 8 || index < 0 || width < 1 || width > MerkleTiles.WIDTH) {
            return null;
        }
        long hashesAtLevel = latestSize >>> (MerkleTiles.HEIGHT * level);
        if (index > hashesAtLevel / MerkleTiles.WIDTH || index * MerkleTiles.WIDTH + width > hashesAtLevel) {
            return null;
        }
        Store.TileKey key = new Store.TileKey(level, index);
        MerkleTiles.Lazy cached = fullTiles.get(key);
        byte[] bytes = cached != null ? cached.bytes() : store.merkleTiles(List.of(key)).get(key);
        int length = width * MerkleTiles.HASH_BYTES;
        if (bytes == null || bytes.length < length) {
            throw new ServerException("merkle tile " + level + "/" + index + " holds " + (bytes == null ? 0
                    : bytes.length / MerkleTiles.HASH_BYTES) + " hashes; the checkpoint covers " + width);
        }
        return java.util.Arrays.copyOf(bytes, length);
    }

    public long checkpointSize() {
        return latestSize;
    }

    public boolean healthy() {
        return running && thread.isAlive();
    }

    public List<byte[]> inclusionProof(long index, long size) {
        checkSize(size);
        return new MerkleTree(prefetched(size, t -> t.inclusionProof(index, size)), size).inclusionProof(index, size);
    }

    public List<byte[]> consistencyProof(long from, long to) {
        checkSize(to);
        return new MerkleTree(prefetched(to, t -> t.consistencyProof(from, to)), to).consistencyProof(from, to);
    }

    private void checkSize(long size) {
        if (size < 1 || size > latestSize) {
            throw new TrustException("tree size " + size + ": expected 1 to the latest checkpoint's " + latestSize);
        }
    }

    /** Waits until every published entry is in a signed checkpoint (tests, shutdown). */
    public void awaitCheckpoint(long seq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (latestSeq < seq && System.nanoTime() < deadline && running) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        // No interrupt: an interrupted thread inside H2's file I/O closes the channel, and H2 the whole database.
        running = false;
        try {
            // The integrator finishes the batch it holds (a large backlog and its flush can take seconds on
            // PostgreSQL); integrating the rest here while it still runs would append and write the same leaves twice.
            thread.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("audit log integrator still busy after 120 s; the next start integrates the rest");
            return;
        }
        try {
            awaitWrite();
        } catch (RuntimeException e) {
            LOG.warn("audit log close: {}", e.getMessage());
        }
        // What the integrator had not taken yet: integrate it now so the stored tree matches the journal.
        List<Entry> rest = new ArrayList<>();
        List<List<Entry>> batches = new ArrayList<>();
        queue.drainTo(batches);
        batches.forEach(rest::addAll);
        try {
            append(rest);
            flush();
            awaitWrite();
            checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("audit log close: {}", e.getMessage());
        }
        writer.shutdown();
    }
}
