package org.colossus.server.journal;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The audit log's tables: Merkle tiles, node leaves, entry offsets, holdings and progress (docs/audit-log.md). */
public interface AuditStore {
    /**
     * A tile of the audit log's Merkle tree (C2SP tlog-tiles layout, {@code MerkleTiles}): the hashes of tree level
     * 8 × {@code level} at indices [256 × {@code index}, 256 × {@code index} + hashes / 32).
     */
    record MerkleTile(int level, long index, byte[] hashes) {
    }

    record TileKey(int level, long index) {
    }

    /** The stored tiles among {@code keys}, by key (absent ones left out). */
    Map<TileKey, byte[]> merkleTiles(Collection<TileKey> keys);

    /** A node leaf of the audit log (its data is the leaf's text). */
    record NodeLeaf(int node, long leaf, long seq, long timeMillis, int holders, byte[] data) {
    }

    /** Entry {@code seq} is followed by node leaves [firstLeaf, firstLeaf + count). */
    record AuditEvent(long seq, long firstLeaf, int count) {
    }

    /** A job holding nodes (comma-separated ids), as the audit log tracks it. */
    record Holding(long job, String tenant, String nodes) {
    }

    /** How far the audit log has integrated the journal. */
    record AuditProgress(long seq, long leaves) {
    }

    /** One integration step of the audit log, written in one transaction. */
    record AuditWrite(List<MerkleTile> tiles, List<NodeLeaf> nodeLeaves, List<AuditEvent> events,
                      List<Holding> holdingsAdded, List<Long> holdingsRemoved, AuditProgress progress) {
    }

    void putAudit(AuditWrite write);

    /**
     * Empties the audit tables in one transaction (progress back to zero), for a rebuild from the journal: the log is
     * derived data, its leaves and their order follow from the journal and the log's secret alone.
     */
    void resetAudit();

    AuditProgress auditProgress();

    List<Holding> auditHoldings();

    /** The latest node leaf of every node that has one. */
    List<NodeLeaf> auditNodeHeads();

    /** Node leaves of {@code node} with leaf index in [fromLeaf, toLeaf], in order, at most {@code limit}. */
    List<NodeLeaf> auditNodeLeaves(int node, long fromLeaf, long toLeaf, int limit);

    /** The node leaves with these leaf indices (those that are node leaves), in leaf order. */
    List<NodeLeaf> auditNodeLeavesAt(Collection<Long> leaves);

    /** For each (node, leaf) pair, the node's first leaf after that leaf and at most {@code maxLeaf}, if any. */
    List<NodeLeaf> auditNextNodeLeaves(List<long[]> after, long maxLeaf);

    /** The node leaves of the given events ([firstLeaf, firstLeaf + count) each), in no particular order. */
    List<NodeLeaf> auditNodeLeavesOf(List<AuditEvent> events);

    /** The event rows with seq in [fromSeq, toSeq], and the nearest one before fromSeq if any, in seq order. */
    List<AuditEvent> auditEvents(long fromSeq, long toSeq);
}
