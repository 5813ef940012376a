package org.colossus.server.error;

/**
 * A write refused by a standby. The reply carries the leader's URL in {@code X-Colossus-Leader} (and the detail), so
 * that a client given several servers' URLs goes there next.
 */
public final class NotLeader extends Problem {
    private final String leaderUrl;

    NotLeader(String leaderUrl) {
        super(503, "Standby", leaderUrl == null
                ? "this server is a standby and no leader holds the lease right now; retry shortly"
                : "this server is a standby; send writes to the leader at " + leaderUrl, null, null, null);
        this.leaderUrl = leaderUrl;
    }

    /** The leader's URL, or null. */
    public String leaderUrl() {
        return leaderUrl;
    }
}
