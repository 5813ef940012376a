package org.colossus.server.journal;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Durable storage of the journal and of projection snapshots. */
public interface Store extends AutoCloseable {
    /**
     * Appends entries in one transaction; they are durable when this returns. Their sequence numbers must continue
     * the journal without a gap.
     */
    void append(List<Entry> entries);

    /** Calls {@code sink} with every entry whose seq is greater than {@code afterSeq}, in order. */
    void readAfter(long afterSeq, Consumer<Entry> sink);

    List<Entry> range(long fromSeq, int limit);

    long lastSeq();

    /** A serialized projection valid after entry {@code seq}. */
    record Snapshot(long seq, String stateHash, byte[] body) {
    }

    void saveSnapshot(Snapshot snapshot);

    Optional<Snapshot> latestSnapshot();

    /** A Merkle node written by the audit log, or null. */
    byte[] merkleNode(int level, long index);

    /** Writes Merkle nodes (level, index, hash) in one transaction. */
    void putMerkleNodes(List<MerkleNode> nodes);

    /** The number of leaves the stored tree has. */
    long merkleLeaves();

    record MerkleNode(int level, long index, byte[] hash) {
    }

    /** e.g. "H2 2.5.252 (file ./colossus-data/colossus)". */
    String describe();

    @Override
    void close();
}
