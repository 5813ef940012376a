package org.colossus.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.colossus.fleet.FailureModel;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.state.AdmissionLimits;
import org.colossus.server.state.AdmissionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code colossus serve}: the live control plane until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the control plane: journal, REST API, and the embedded simulated fleet or a Slurm cluster.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "colossus-data",
            description = "Journal (H2 file), operator.token and server.url (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "A PostgreSQL database instead of H2, e.g. jdbc:postgresql://127.0.0.1:5432/colossus"
                    + " (password from $COLOSSUS_DB_PASSWORD).")
    String db;

    @Option(names = "--db-user", description = "Database user (default: $COLOSSUS_DB_USER or from the URL).")
    String dbUser;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}, loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--fleet", paramLabel = "PRESET|FILE",
            description = "Fleet of a new data directory: preset, fleet file or uniform:HxG (default: colossus2; an"
                    + " existing journal keeps its own).")
    String fleet;

    @Option(names = "--speed", defaultValue = "60",
            description = "Simulated seconds per real second of the embedded fleet (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--policy", defaultValue = "fair", description = "fifo, backfill or fair, for a new data directory (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--isolation", defaultValue = "node",
            description = "Unit tenants never share: none, node, domain, rack, pod (default: ${DEFAULT-VALUE}).")
    String isolation;

    @Option(names = "--failures", defaultValue = "on", description = "on or off: node failures in the simulated fleet (default: ${DEFAULT-VALUE}).")
    String failures;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulated fleet's failures (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-queued-jobs", defaultValue = "10000", paramLabel = "N",
            description = "Default admission limit: jobs one tenant may have queued (default: ${DEFAULT-VALUE}).")
    int maxQueuedJobs;

    @Option(names = "--submit-rate", defaultValue = "50", paramLabel = "PER_SECOND",
            description = "Default admission limit: job submissions per second per tenant (default: ${DEFAULT-VALUE}).")
    int submitRate;

    @Option(names = "--submit-burst", defaultValue = "200", paramLabel = "N",
            description = "Default admission limit: submissions a tenant may make at once (default: ${DEFAULT-VALUE}).")
    int submitBurst;

    @Option(names = "--request-rate", defaultValue = "500", paramLabel = "PER_SECOND",
            description = "Default admission limit: requests of any kind per second per tenant (default: ${DEFAULT-VALUE}).")
    int requestRate;

    @Option(names = "--request-burst", defaultValue = "1000", paramLabel = "N",
            description = "Default admission limit: requests a tenant may make at once (default: ${DEFAULT-VALUE}).")
    int requestBurst;

    @Option(names = "--max-queued-jobs-total", defaultValue = "100000", paramLabel = "N",
            description = "Jobs queued in the whole control plane, all tenants together (default: ${DEFAULT-VALUE}).")
    int maxQueuedJobsTotal;

    @Option(names = "--ha", description = "High availability: one of several servers on the same PostgreSQL journal"
            + " (--db); one leads, the others follow and take over (docs/operations.md).")
    boolean ha;

    @Option(names = "--ha-name", paramLabel = "NAME",
            description = "This server's name among the others (default: the host name and port).")
    String haName;

    @Option(names = "--advertise-url", paramLabel = "URL",
            description = "Where the others send writers while this server leads (default: its listening URL).")
    String advertiseUrl;

    @Option(names = "--ha-lease", defaultValue = "5000", paramLabel = "MILLIS",
            description = "A leader's lease: a dead leader is replaced this long after its last renewal (default:"
                    + " ${DEFAULT-VALUE}).")
    long haLeaseMillis;

    @Option(names = "--data-plane", defaultValue = "simulated", paramLabel = "simulated|slurm",
            description = "Where placed jobs run: the embedded simulated fleet, or a Slurm cluster (docs/slurm.md;"
                    + " --fleet must then be a file from 'colossus fleet import slurm'). Default: ${DEFAULT-VALUE}.")
    String dataPlane;

    @Option(names = "--slurm-conf", paramLabel = "FILE", description = "The cluster's slurm.conf (default: Slurm's own).")
    Path slurmConf;

    @Option(names = "--slurm-bin", paramLabel = "DIR", description = "Where sbatch, squeue, ... are (default: the PATH).")
    Path slurmBin;

    @Option(names = "--slurm-partition", paramLabel = "NAME", description = "Partition for Colossus's jobs (default: Slurm's default).")
    String slurmPartition;

    @Option(names = "--slurm-job-dir", paramLabel = "DIR",
            description = "A directory every node sees at the same path: job output and checkpoint markers"
                    + " (default: slurm-jobs in the data directory).")
    Path slurmJobDir;

    @Option(names = "--slurm-poll", defaultValue = "500", paramLabel = "MILLIS",
            description = "How often Slurm's jobs and nodes are read (default: ${DEFAULT-VALUE}).")
    long slurmPollMillis;

    AdmissionPolicy admission() {
        return new AdmissionPolicy(new AdmissionLimits(flag("--max-queued-jobs", maxQueuedJobs, 0),
                flag("--submit-rate", submitRate, 1), flag("--submit-burst", submitBurst, 1),
                flag("--request-rate", requestRate, 1), flag("--request-burst", requestBurst, 1)),
                flag("--max-queued-jobs-total", maxQueuedJobsTotal, 0, 10_000_000));
    }

    private static int flag(String name, int value, int min) {
        return flag(name, value, min, AdmissionLimits.MAX_VALUE);
    }

    private static int flag(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CliException(name + " " + value + ": expected " + min + " to " + max);
        }
        return value;
    }

    ServerConfig config() {
        boolean fail = switch (failures) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new CliException("--failures " + failures + ": expected on or off");
        };
        ServerConfig c = ServerConfig.defaults().withDataDir(dataDir).withListen(host, port).withFleet(fleet)
                .withSpeed(speed).withFailures(fail ? FailureModel.DEFAULT : FailureModel.OFF).withSeed(seed)
                .withAdmission(admission());
        c = c.withScheduling(QueuePolicy.parse(policy), c.placement(), Isolation.parse(isolation));
        if (db != null) {
            String user = dbUser != null ? dbUser : System.getenv("COLOSSUS_DB_USER");
            c = c.withDb(db, user, System.getenv("COLOSSUS_DB_PASSWORD"));
        }
        switch (dataPlane) {
            case "simulated" -> {
            }
            case "slurm" -> {
                if (fleet == null) {
                    throw new CliException("--data-plane slurm: --fleet FILE is required (write one with"
                            + " colossus fleet import slurm)");
                }
                c = c.withSlurm(new ServerConfig.Slurm(slurmBin, slurmConf, slurmPartition, slurmJobDir, slurmPollMillis));
            }
            default -> throw new CliException("--data-plane " + dataPlane + ": expected simulated or slurm");
        }
        if (ha) {
            String name = haName != null ? haName : hostName() + ":" + port;
            if (name.isBlank() || name.length() > 200) {
                throw new CliException("--ha-name '" + name + "': expected 1 to 200 characters");
            }
            if (advertiseUrl != null && !advertiseUrl.matches("https?://[^\\s]{1,990}")) {
                throw new CliException("--advertise-url " + advertiseUrl + ": expected an http:// or https:// URL");
            }
            c = c.withHa(new ServerConfig.Ha(true, name, advertiseUrl, haLeaseMillis));
        }
        return c;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "colossus";
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ColossusServer server = ColossusServer.start(config(), new PrintStream(System.out, true, StandardCharsets.UTF_8));
        runUntilTerminated(server);
        return 0;
    }

    /**
     * Blocks until SIGTERM or SIGINT, then closes the server cleanly (the engine finishes its batch, a final
     * snapshot is written) and returns, so that the process exits 0. Falls back to a shutdown hook where signals
     * cannot be handled.
     */
    @SuppressWarnings("removal")
    static void runUntilTerminated(ColossusServer server) throws InterruptedException {
        runUntilTerminated((AutoCloseable) server::close);
    }

    @SuppressWarnings("removal")
    static void runUntilTerminated(AutoCloseable server) throws InterruptedException {
        CountDownLatch signalled = new CountDownLatch(1);
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> signalled.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> signalled.countDown());
        } catch (RuntimeException | LinkageError e) {
            CountDownLatch closed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeQuietly(server);
                closed.countDown();
            }, "colossus-shutdown"));
            closed.await();
            return;
        }
        signalled.await();
        System.out.println("shutting down");
        closeQuietly(server);
        System.out.println("stopped");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("colossus: close: " + e.getMessage());
        }
    }
}
