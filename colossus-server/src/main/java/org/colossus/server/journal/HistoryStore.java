package org.colossus.server.journal;

import java.util.List;

/**
 * The console's fleet samples (a view of the state at fixed times, not a record: the journal is the record), kept in
 * the database so that the plots survive a restart.
 */
public interface HistoryStore {
    /** A sample as the console keeps it: its time on the control plane's clock and its data (JSON). */
    record FleetSample(long timeMillis, String json) {
    }

    /** Stores a sample (one at a time replaces another of the same time) and keeps only the newest {@code keep}. */
    void putFleetSample(FleetSample sample, int keep);

    /** The newest {@code limit} samples, oldest first. */
    List<FleetSample> fleetSamples(int limit);
}
