package org.colossus.server.journal;

import java.util.OptionalLong;

/**
 * Leadership of several servers on one database (issue 21): one row, a fencing epoch and a lease on the database's
 * clock (servers' clocks do not matter). The leader renews its lease; when it lapses, another server takes over with
 * the next epoch, and the database refuses every write of an older epoch ({@link #fenceWrites}).
 */
public interface LeaderLease {
    /** Who leads: its epoch, name and URL, and whether its lease still runs. */
    record Leader(long epoch, String holder, String url, boolean live) {
    }

    /** Takes the lead if no lease runs: the new epoch, or empty. */
    OptionalLong tryAcquire(String holder, String url, long leaseMillis);

    /** Extends the lease (and says where this server listens); false if it no longer leads under {@code epoch}. */
    boolean renew(long epoch, String holder, String url, long leaseMillis);

    /** Ends the lease at once (a clean shutdown), so that a standby takes over without waiting for it to lapse. */
    void release(long epoch, String holder);

    Leader leader();

    /** From now on every journal append and audit write checks, in its transaction, that {@code epoch} still leads. */
    void fenceWrites(long epoch);
}
