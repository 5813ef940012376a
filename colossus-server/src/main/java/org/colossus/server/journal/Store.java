package org.colossus.server.journal;

/**
 * Durable storage of the journal ({@link JournalStore}), projection snapshots ({@link SnapshotStore}) and the audit
 * log ({@link AuditStore}) over one database; each part of the server takes the narrowest of them.
 */
public interface Store extends JournalStore, SnapshotStore, AuditStore, HistoryStore, AutoCloseable {
    @Override
    void close();
}
