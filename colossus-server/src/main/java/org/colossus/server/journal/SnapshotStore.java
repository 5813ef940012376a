package org.colossus.server.journal;

import java.util.Optional;

/** Snapshots of the projection, so that a start-up replays only the journal's tail. */
public interface SnapshotStore {
    /** A serialized projection valid after entry {@code seq}. */
    record Snapshot(long seq, String stateHash, byte[] body) {
    }

    void saveSnapshot(Snapshot snapshot);

    Optional<Snapshot> latestSnapshot();
}
