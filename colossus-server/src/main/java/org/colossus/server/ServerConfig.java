package org.colossus.server;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.sim.FailureModel;

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
 */
public record ServerConfig(Path dataDir, String dbUrl, String dbUser, String dbPassword, String host, int port,
                           String fleet, QueuePolicy policy, String placement, Isolation isolation, double speed,
                           FailureModel failures, long seed, InstantSource clock, SecureRandom keyRandom,
                           int snapshotEvery) {
    public static final String DEFAULT_FLEET = "colossus2";

    public ServerConfig {
        if (!(speed > 0) || speed > 1_000_000) {
            throw new ServerException("--speed " + speed + ": expected a number from 0 (exclusive) to 1000000");
        }
        if (port < 0 || port > 65535) {
            throw new ServerException("--port " + port + ": expected 0 (any free port) to 65535");
        }
        if (snapshotEvery < 0) {
            throw new ServerException("snapshot interval " + snapshotEvery + ": expected >= 0 (0 = never)");
        }
    }

    /** Defaults: H2 in ./colossus-data, loopback:8080, colossus2 at speed 60, fair policy, node isolation. */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("colossus-data"), null, null, null, "127.0.0.1", 8080, null, QueuePolicy.FAIR,
                "topology", Isolation.NODE, 60, FailureModel.DEFAULT, 1, InstantSource.system(), new SecureRandom(),
                100_000);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(dir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation, speed,
                failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withDb(String url, String user, String password) {
        return new ServerConfig(dataDir, url, user, password, host, port, fleet, policy, placement, isolation, speed,
                failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withListen(String host, int port) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withFleet(String fleet) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withSpeed(double speed) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withFailures(FailureModel failures) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withClock(InstantSource clock) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, snapshotEvery);
    }

    public ServerConfig withSnapshotEvery(int entries) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, entries);
    }

    public ServerConfig withSeed(long seed) {
        return new ServerConfig(dataDir, dbUrl, dbUser, dbPassword, host, port, fleet, policy, placement, isolation,
                speed, failures, seed, clock, keyRandom, snapshotEvery);
    }
}
