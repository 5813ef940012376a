package org.colossus.server;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import org.colossus.fleet.FailureModel;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.server.error.ServerException;
import org.colossus.server.state.AdmissionPolicy;

/**
 * How to run the control plane.
 *
 * @param dbUrl null for the H2 file in {@code dataDir}
 * @param port 0 for a free port
 * @param fleet a preset name, fleet file, or {@code uniform:HxG}; null to take it from an existing journal
 *     (colossus2 for a new one)
 * @param speed simulated seconds per real second of the embedded data plane
 * @param seed the data plane's failure process
 * @param clock real time (tests pass a fixed or stepping source)
 * @param keyRandom API key and salt generation
 * @param ha high availability: several servers on one PostgreSQL, one leading ({@link Ha#OFF} for one server)
 * @param slurm the Slurm data plane (docs/slurm.md), or null for the embedded simulated fleet
 */
public record ServerConfig(Path dataDir, String dbUrl, String dbUser, String dbPassword, String host, int port,
                           String fleet, QueuePolicy policy, String placement, Isolation isolation, double speed,
                           FailureModel failures, long seed, InstantSource clock, SecureRandom keyRandom,
                           int snapshotEvery, AdmissionPolicy admission, Ha ha, Slurm slurm) {
    public static final String DEFAULT_FLEET = "colossus2";

    /**
     * High availability (issue 21; docs/operations.md).
     *
     * @param name this server's name in the leadership row (unique among the servers)
     * @param advertiseUrl where standbys send writers to this server when it leads; null for its listening URL
     * @param leaseMillis how long a leader's lease runs without renewal (a dead leader is replaced after it)
     */
    public record Ha(boolean enabled, String name, String advertiseUrl, long leaseMillis) {
        public static final Ha OFF = new Ha(false, null, null, 5_000);

        public Ha {
            if (leaseMillis < 1_000 || leaseMillis > 600_000) {
                throw new ServerException("--ha-lease " + leaseMillis + " ms: expected 1000 to 600000");
            }
        }
    }

    /**
     * The Slurm data plane (issue 17).
     *
     * @param bin where Slurm's commands are, or null for the PATH
     * @param conf the slurm.conf (SLURM_CONF), or null for Slurm's default
     * @param partition the partition jobs go to, or null for the default
     * @param jobDir a directory every node sees at the same path (job output, checkpoint markers); null for
     *               {@code slurm-jobs} in the data directory
     * @param pollMillis how often Slurm is read
     */
    public record Slurm(Path bin, Path conf, String partition, Path jobDir, long pollMillis) {
        public Slurm {
            if (pollMillis < 50 || pollMillis > 60_000) {
                throw new ServerException("--slurm-poll " + pollMillis + " ms: expected 50 to 60000");
            }
        }
    }

    public ServerConfig {
        if (!(speed > 0) || speed > 1_000_000) {
            throw new ServerException("--speed " + speed + ": expected a number from 0 (exclusive) to 1000000");
        }
        if (port < 0 || port > 65535) {
            throw new ServerException("--port " + port + ": expected 0 (any free port) to 65535");
        }
        if (admission == null) {
            throw new ServerException("admission limits: required");
        }
        if (ha == null) {
            ha = Ha.OFF;
        }
        if (slurm != null && speed != 1) {
            throw new ServerException("--speed " + speed + ": the Slurm data plane runs real jobs in real time; expected 1");
        }
        if (snapshotEvery < 0) {
            throw new ServerException("snapshot interval " + snapshotEvery + ": expected >= 0 (0 = never)");
        }
    }

    /** Every setting but secrets: the database password, given apart or in the URL, is shown as ***. */
    @Override
    public String toString() {
        return "ServerConfig[dataDir=" + dataDir + ", dbUrl=" + (dbUrl == null ? null : org.colossus.server.journal.JdbcStore.redact(dbUrl)) + ", dbUser=" + dbUser + ", dbPassword="
                + (dbPassword == null ? null : "***") + ", host=" + host + ", port=" + port + ", fleet=" + fleet
                + ", policy=" + policy + ", placement=" + placement + ", isolation=" + isolation + ", speed=" + speed
                + ", failures=" + failures + ", seed=" + seed + ", snapshotEvery=" + snapshotEvery + ", admission=" + admission
                + ", ha=" + ha + ", slurm=" + slurm + "]";
    }

    /** Defaults: H2 in ./colossus-data, loopback:8080, colossus2 at speed 60, fair policy, node isolation. */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("colossus-data"), null, null, null, "127.0.0.1", 8080, null, QueuePolicy.FAIR,
                "topology", Isolation.NODE, 60, FailureModel.DEFAULT, 1, InstantSource.system(), new SecureRandom(),
                100_000, AdmissionPolicy.DEFAULTS, Ha.OFF, null);
    }

    /** Every field, mutable: each {@code with...} copies the record into one, changes a field, and builds. */
    private static final class Builder {
        Path dataDir;
        String dbUrl;
        String dbUser;
        String dbPassword;
        String host;
        int port;
        String fleet;
        QueuePolicy policy;
        String placement;
        Isolation isolation;
        double speed;
        FailureModel failures;
        long seed;
        InstantSource clock;
        SecureRandom keyRandom;
        int snapshotEvery;
        AdmissionPolicy admission;
        Ha ha;
        Slurm slurm;

        Builder(ServerConfig c) {
            dataDir = c.dataDir;
            dbUrl = c.dbUrl;
            dbUser = c.dbUser;
            dbPassword = c.dbPassword;
            host = c.host;
            port = c.port;
            fleet = c.fleet;
            policy = c.policy;
            placement = c.placement;
            isolation = c.isolation;
            speed = c.speed;
            failures = c.failures;
            seed = c.seed;
            clock = c.clock;
            keyRandom = c.keyRandom;
            snapshotEvery = c.snapshotEvery;
            admission = c.admission;
            ha = c.ha;
            slurm = c.slurm;
        }

        ServerConfig build() {
            return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                    speed, failures, seed, clock, keyRandom, snapshotEvery, admission, ha, slurm);
        }
    }

    private ServerConfig with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    public ServerConfig withDataDir(Path dir) {
        return with(b -> b.dataDir = dir);
    }

    public ServerConfig withDb(String url, String user, String password) {
        return with(b -> {
            b.dbUrl = url;
            b.dbUser = user;
            b.dbPassword = password;
        });
    }

    public ServerConfig withListen(String host, int port) {
        return with(b -> {
            b.host = host;
            b.port = port;
        });
    }

    /** Every tenant's default admission limits and the fleet's ceiling on queued jobs. */
    public ServerConfig withAdmission(AdmissionPolicy admission) {
        return with(b -> b.admission = admission);
    }

    public ServerConfig withFleet(String fleet) {
        return with(b -> b.fleet = fleet);
    }

    /** Scheduler policy, placement and isolation of a new journal (an existing one keeps its own). */
    public ServerConfig withScheduling(QueuePolicy policy, String placement, Isolation isolation) {
        return with(b -> {
            b.policy = policy;
            b.placement = placement;
            b.isolation = isolation;
        });
    }

    public ServerConfig withSpeed(double speed) {
        return with(b -> b.speed = speed);
    }

    public ServerConfig withFailures(FailureModel failures) {
        return with(b -> b.failures = failures);
    }

    public ServerConfig withClock(InstantSource clock) {
        return with(b -> b.clock = clock);
    }

    public ServerConfig withSnapshotEvery(int entries) {
        return with(b -> b.snapshotEvery = entries);
    }

    public ServerConfig withSeed(long seed) {
        return with(b -> b.seed = seed);
    }

    /** High availability: this server joins the others on the same PostgreSQL journal. */
    public ServerConfig withHa(Ha ha) {
        return with(b -> b.ha = ha);
    }

    /** Drive a Slurm cluster instead of the embedded fleet; the clock runs at speed 1. */
    public ServerConfig withSlurm(Slurm slurm) {
        return with(b -> {
            b.slurm = slurm;
            if (slurm != null) {
                b.speed = 1;
            }
        });
    }
}
