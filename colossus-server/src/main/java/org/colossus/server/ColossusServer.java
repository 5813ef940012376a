package org.colossus.server;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.server.api.ApiKeys;
import org.colossus.server.api.ApiResource;
import org.colossus.server.audit.AuditLog;
import org.colossus.server.billing.Billing;
import org.colossus.server.dataplane.DataPlane;
import org.colossus.server.dataplane.SimulatedFleet;
import org.colossus.server.dataplane.slurm.SlurmCommands;
import org.colossus.server.dataplane.slurm.SlurmDataPlane;
import org.colossus.server.engine.Commands;
import org.colossus.server.engine.Engine;
import org.colossus.server.engine.SimClock;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.DataDirectory;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.JdbcStore;
import org.colossus.server.journal.LeaderLease;
import org.colossus.server.journal.Payload;
import org.colossus.server.journal.Store;
import org.colossus.server.state.ControlState;

/**
 * The live control plane: opens the store, replays the journal into the state, starts the engine with the
 * embedded data plane, and serves the API. The first start of a data directory defines the fleet and creates the
 * operator token.
 */
public final class ColossusServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ColossusServer.class);
    private final ServerConfig config;
    private final Store store;
    private final Engine engine;
    private final ApiResource api;
    private final Javalin http;
    private final String url;
    private final String operatorToken;
    private final long replayMillis;
    private final long replayedEntries;
    private final DataPlane dataPlane;
    private final Snapshots snapshots;
    private final AtomicReference<AuditLog> audit;
    private final Billing billing;
    private final HaCoordinator ha;

    /** The ledger: invoices drafted and issued from the journal. */
    public Billing billing() {
        return billing;
    }

    /** The audit log; null on a standby (the leader writes it). */
    public AuditLog audit() {
        return audit.get();
    }

    private ColossusServer(ServerConfig config, Store store, Engine engine, ApiResource api, Javalin http, String url,
                           String operatorToken, long replayMillis, long replayedEntries, DataPlane dataPlane,
                           Snapshots snapshots, AtomicReference<AuditLog> audit, Billing billing, HaCoordinator ha) {
        this.billing = billing;
        this.ha = ha;
        this.snapshots = snapshots;
        this.audit = audit;
        this.config = config;
        this.store = store;
        this.engine = engine;
        this.api = api;
        this.http = http;
        this.url = url;
        this.operatorToken = operatorToken;
        this.replayMillis = replayMillis;
        this.replayedEntries = replayedEntries;
        this.dataPlane = dataPlane;
    }

    public static Store openStore(ServerConfig config) {
        return config.dbUrl() == null ? JdbcStore.h2(config.dataDir())
                : JdbcStore.open(config.dbUrl(), config.dbUser(), config.dbPassword());
    }

    /** Starts a server; {@code log} gets the start-up lines (listening URL, the operator token on first start). */
    public static ColossusServer start(ServerConfig config, PrintStream log) {
        if (config.ha().enabled() && config.dbUrl() == null) {
            throw new ServerException("--ha needs --db jdbc:postgresql://...: several servers share one PostgreSQL"
                    + " journal, and the embedded H2 database belongs to one process");
        }
        DataDirectory.create(config.dataDir());
        Store store = openStore(config);
        DataDirectory.restrictFiles(config.dataDir());
        try {
            return start(config, store, log);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static ColossusServer start(ServerConfig config, Store store, PrintStream log) {
        Catalog catalog = Catalog.standard();
        long t0 = System.nanoTime();
        Payload.ControlPlaneDefined defined = Replay.definition(store);
        AtomicReference<AuditLog> auditRef = new AtomicReference<>();
        HaCoordinator ha = null;
        long epoch = 0;
        if (config.ha().enabled()) {
            if (!(store instanceof LeaderLease lease)) {
                throw new ServerException("--ha: this store has no leadership row");
            }
            ha = new HaCoordinator(lease, store, config.ha(), config.dataDir(), config.keyRandom(), auditRef);
            epoch = ha.tryLead();
            if (epoch == 0 && defined == null) {
                defined = awaitDefinition(store, log);
            }
            if (defined != null && !Files.exists(config.dataDir().resolve("audit.key"))) {
                // A new key here would sign the shared log under another name: tenants' verifiers would refuse it.
                throw new ServerException("--ha: " + config.dataDir().resolve("audit.key") + " is missing; copy the"
                        + " audit log's key (audit.key and audit.vkey) from the data directory of the server that started"
                        + " this journal (docs/operations.md)");
            }
        }
        boolean leading = ha == null || epoch > 0;
        ControlState state;
        String fleetName;
        if (defined == null) {
            fleetName = config.fleet() == null ? ServerConfig.DEFAULT_FLEET : config.fleet();
            Fleet fleet = Fleets.resolve(fleetName, catalog);
            state = new ControlState(fleet, org.colossus.scheduler.SchedulerConfig.of(config.policy(),
                    org.colossus.scheduler.Placement.named(config.placement()), config.isolation()));
        } else {
            fleetName = defined.fleet();
            if (config.fleet() != null && !config.fleet().equals(defined.fleet())) {
                throw new ServerException("--fleet " + config.fleet() + ": this data directory's journal runs fleet '"
                        + defined.fleet() + "'; start with that fleet or use a new --data-dir");
            }
            state = Snapshots.load(store, catalog, defined, log);
        }
        long replayed = state.lastSeq();
        long replayMillis = (System.nanoTime() - t0) / 1_000_000;
        // Simulated time resumes where the journal ends (at speed 1 it is real time, so it jumps over the downtime).
        long realNow = config.clock().millis();
        long last = state.lastTimeMillis() == Long.MIN_VALUE ? realNow : state.lastTimeMillis();
        long simOrigin = config.speed() == 1 ? Math.max(realNow, last) : last;
        SimClock clock = new SimClock(config.clock(), config.speed(), simOrigin);
        DataPlane dataPlane = dataPlane(config, state);
        ApiResource[] apiRef = new ApiResource[1];
        long behind = state.lastSeq() - store.auditProgress().seq();
        long auditStart = System.nanoTime();
        if (leading) {
            // A standby opens the audit log when it takes the lead (the leader writes it).
            AuditLog audit = AuditLog.open(store, config.dataDir(), config.keyRandom(), state.lastSeq());
            auditRef.set(audit);
            if (behind > 0) {
                // e.g. after a schema migration that rebuilds the log: it can take minutes on a large journal
                log.printf(java.util.Locale.ROOT, "audit log: %d journal entries integrated at start-up in %.1f s"
                        + " (tree size %d)%n", behind, (System.nanoTime() - auditStart) / 1e9, audit.checkpointSize());
            }
        }
        final ControlState initial = state;
        Billing billing = Billing.start(store, state.fleet());
        Engine engine = new Engine(store, initial, () -> Snapshots.load(store, catalog, Replay.definition(store), log),
                dataPlane, clock, committed -> {
                    List<Entry> entries = committed.entries();
                    // The ledger first: a command of the next batch (issuing an invoice) must see these entries.
                    billing.accept(committed.entries(), committed.payloads());
                    AuditLog audit = auditRef.get();
                    if (audit != null) {
                        audit.published(entries);
                    }
                    if (apiRef[0] != null) {
                        apiRef[0].published(entries);
                    }
                });
        Snapshots snapshots = new Snapshots(store, config.snapshotEvery(),
                store.latestSnapshot().map(Store.Snapshot::seq).orElse(0L));
        engine.setAfterCommit(snapshots::afterCommit);
        if (ha == null) {
            engine.start();
        } else if (leading) {
            engine.startAsLeader(epoch, ha);
        } else {
            engine.startAsStandby(ha);
        }
        String token = null;
        try {
            if (defined == null && leading) {
                engine.submit(new org.colossus.server.engine.Command<Boolean>() {
                    @Override
                    public java.util.List<org.colossus.server.engine.Command.Draft> decide(ControlState s, long now) {
                        return java.util.List.of(new org.colossus.server.engine.Command.Draft(s.definition(fleetName),
                                "system", null));
                    }

                    @Override
                    public Boolean result(ControlState s, java.util.List<Entry> committed) {
                        return true;
                    }
                }).get(30, TimeUnit.SECONDS);
            }
            boolean hasOperator = engine.read(ControlState::hasOperatorKey).get(30, TimeUnit.SECONDS);
            if (!hasOperator && leading) {
                ApiKeys.Issued k = new ApiKeys(config.keyRandom()).issue();
                engine.submit(Commands.issueOperatorKey(k.keyId(), k.salt(), k.hash())).get(30, TimeUnit.SECONDS);
                token = k.token();
                writeOwnerOnly(config.dataDir().resolve("operator.token"), token + "\n");
            }
        } catch (Exception e) {
            engine.close();
            closeAudit(auditRef);
            throw new ServerException("start-up failed: " + e.getMessage(), e);
        }
        ApiResource api = new ApiResource(engine, new ApiKeys(config.keyRandom()), catalog, state.fleet(), auditRef::get,
                store, billing, config.admission(), config.clock());
        apiRef[0] = api;
        Javalin http = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            api.register(c);
        });
        try {
            http.start();
        } catch (RuntimeException e) {
            engine.close();
            closeAudit(auditRef);
            api.close();
            throw new ServerException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        String url = "http://" + host + ":" + http.port();
        writeOwnerOnly(config.dataDir().resolve("server.url"), url + "\n");
        api.setReady(true);
        if (token != null) {
            log.println("operator token (shown once; also in " + config.dataDir().resolve("operator.token") + "): " + token);
        }
        log.println("journal: " + store.describe() + ", " + replayed + " entries replayed in " + replayMillis + " ms");
        log.println("data plane: " + dataPlane.describe() + (config.slurm() == null ? " at speed " + config.speed() : ""));
        log.println("listening on " + url);
        if (ha != null) {
            ha.start(engine, url);
            log.println("high availability: " + engine.role() + (leading ? " (epoch " + epoch + ")" : ""));
        }
        log.flush();
        return new ColossusServer(config, store, engine, api, http, url, token, replayMillis, replayed, dataPlane,
                snapshots, auditRef, billing, ha);
    }

    private static DataPlane dataPlane(ServerConfig config, ControlState state) {
        if (config.slurm() == null) {
            return new SimulatedFleet(state.fleet(), config.failures(), new SplittableRandom(config.seed() ^ state.lastSeq()));
        }
        ServerConfig.Slurm s = config.slurm();
        Path jobDir = s.jobDir() != null ? s.jobDir() : config.dataDir().resolve("slurm-jobs");
        return new SlurmDataPlane(state.fleet(), new SlurmCommands(s.bin(), s.conf(), s.partition()),
                new SlurmDataPlane.Settings(jobDir.toAbsolutePath(), s.pollMillis(), 30_000), config.clock());
    }

    private static void closeAudit(AtomicReference<AuditLog> ref) {
        AuditLog a = ref.getAndSet(null);
        if (a != null) {
            a.close();
        }
    }

    /** A standby of a journal nobody has started yet waits for the first leader to define it. */
    private static Payload.ControlPlaneDefined awaitDefinition(Store store, PrintStream log) {
        log.println("high availability: waiting for the leader to start the journal");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Payload.ControlPlaneDefined d = Replay.definition(store);
            if (d != null) {
                return d;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ServerException("--ha: no server started the journal within 120 s (none holds the lead?)");
    }

    static void writeOwnerOnly(Path file, String text) {
        try {
            DataDirectory.writeOwnerOnly(file, text);
        } catch (IOException e) {
            throw new ServerException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public String url() {
        return url;
    }

    public int port() {
        return http.port();
    }

    /** The operator token if this start created it, else null (it is in operator.token). */
    public String operatorToken() {
        return operatorToken;
    }

    public long replayMillis() {
        return replayMillis;
    }

    public long replayedEntries() {
        return replayedEntries;
    }

    public Engine engine() {
        return engine;
    }

    public Store store() {
        return store;
    }

    public ServerConfig config() {
        return config;
    }

    /** The state hash, read on the engine thread. */
    public String stateHash() {
        try {
            return engine.read(ControlState::stateHash).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ServerException("cannot read the state hash: " + e.getMessage(), e);
        }
    }

    /** The state hash and the journal position it belongs to, read together. */
    public record HashAt(long seq, String hash) {
    }

    public HashAt stateHashAt() {
        try {
            return engine.read(s -> new HashAt(s.lastSeq(), s.stateHash())).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ServerException("cannot read the state hash: " + e.getMessage(), e);
        }
    }

    /** Stops accepting requests, lets the engine finish what it has, and closes the store. */
    @Override
    public void close() {
        api.setReady(false);
        api.close(); // ends the event streams first: Jetty recycles their requests when it stops
        http.stop();
        engine.close();
        dataPlane.close(); // its jobs keep running in the cluster: the next start adopts them
        if (ha != null) {
            ha.close(); // after the engine's last commit: then a standby may take the lead at once
        }
        closeAudit(audit);
        snapshots.close();
        ControlState last = engine.stoppedState();
        if (config.snapshotEvery() > 0 && last != null
                && last.lastSeq() > store.latestSnapshot().map(Store.Snapshot::seq).orElse(0L)) {
            try {
                Snapshots.save(store, last.snapshot()); // the next start replays nothing
            } catch (RuntimeException e) {
                LOG.warn("final snapshot failed (the journal is intact): {}", e.getMessage());
            }
        }
        store.close();
    }
}
