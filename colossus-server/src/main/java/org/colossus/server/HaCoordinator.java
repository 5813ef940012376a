package org.colossus.server;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.colossus.server.audit.AuditLog;
import org.colossus.server.engine.Engine;
import org.colossus.server.journal.LeaderLease;
import org.colossus.server.journal.Store;

/**
 * High availability (issue 21): this server's side of the leadership row. A thread renews the lease while the server
 * leads and tries to take it while it stands by; the engine switches roles on its own thread. On taking the lead the
 * store's writes are fenced with the new epoch and the audit log is opened (it integrates what the last leader's did
 * not, and its first checkpoint extends the last one); on losing it the audit log is closed (its writes are fenced
 * too) and the data plane's jobs are left to the new leader.
 */
final class HaCoordinator implements Engine.RoleListener, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HaCoordinator.class);

    private final LeaderLease lease;
    private final Store store;
    private final String name;
    private final long leaseMillis;
    private final Path dataDir;
    private final SecureRandom keyRandom;
    private final AtomicReference<AuditLog> audit;
    private volatile Engine engine;
    private volatile String url;
    private volatile boolean closed;
    private Thread thread;
    private long lastRenewNanos = System.nanoTime();

    HaCoordinator(LeaderLease lease, Store store, ServerConfig.Ha ha, Path dataDir, SecureRandom keyRandom,
                  AtomicReference<AuditLog> audit) {
        this.lease = lease;
        this.store = store;
        this.name = ha.name();
        this.leaseMillis = ha.leaseMillis();
        this.dataDir = dataDir;
        this.keyRandom = keyRandom;
        this.audit = audit;
        this.url = ha.advertiseUrl();
    }

    /** Tries once to lead (at start-up): the epoch, or 0 to start as a standby. */
    long tryLead() {
        OptionalLong e = lease.tryAcquire(name, url, leaseMillis);
        if (e.isPresent()) {
            lease.fenceWrites(e.getAsLong());
            LOG.info("{} leads under epoch {}", name, e.getAsLong());
            return e.getAsLong();
        }
        return 0;
    }

    /** Starts the lease thread once the server listens (its URL goes into the leadership row). */
    void start(Engine engine, String listeningUrl) {
        this.engine = engine;
        if (url == null) {
            url = listeningUrl;
        }
        thread = new Thread(this::loop, "colossus-ha");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long period = Math.max(200, leaseMillis / 5);
        while (!closed) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.warn("leadership: {}", e.getMessage());
                if (engine.leader() && System.nanoTime() - lastRenewNanos > TimeUnit.MILLISECONDS.toNanos(leaseMillis)) {
                    // The lease has lapsed while the database could not be reached: another server may lead now.
                    await(engine.demote("the lease could not be renewed for " + leaseMillis + " ms"));
                }
            }
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void step() {
        if (engine.leader()) {
            if (lease.renew(engine.epoch(), name, url, leaseMillis)) {
                lastRenewNanos = System.nanoTime();
            } else {
                await(engine.demote("another server took the lead"));
            }
            return;
        }
        LeaderLease.Leader l = lease.leader();
        engine.setLeaderUrl(l.live() ? l.url() : null);
        OptionalLong e = lease.tryAcquire(name, url, leaseMillis);
        if (e.isPresent()) {
            lastRenewNanos = System.nanoTime();
            LOG.info("{} takes the lead under epoch {}", name, e.getAsLong());
            await(engine.promote(e.getAsLong()));
        }
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.get(120, TimeUnit.SECONDS);
        } catch (Exception ex) {
            LOG.warn("role change: {}", ex.getMessage());
        }
    }

    /** On the engine thread, caught up with the journal, before the first write under {@code epoch}. */
    @Override
    public void promoted(long epoch) {
        lease.fenceWrites(epoch);
        AuditLog a = AuditLog.open(store, dataDir, keyRandom, store.lastSeq());
        AuditLog old = audit.getAndSet(a);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public void demoted(String why) {
        try {
            // Writers are sent to the new leader at once, not from the lease thread's next look.
            LeaderLease.Leader l = lease.leader();
            engine.setLeaderUrl(l.live() ? l.url() : null);
        } catch (RuntimeException e) {
            LOG.warn("leadership: {}", e.getMessage());
        }
        AuditLog a = audit.getAndSet(null);
        if (a != null) {
            // Closed off the engine thread: its writer may be waiting on the database, where it is fenced anyway.
            Thread t = new Thread(a::close, "colossus-audit-close");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
        Engine e = engine;
        if (e != null && e.leader()) {
            try {
                lease.release(e.epoch(), name); // a standby takes over at once instead of after the lease
            } catch (RuntimeException ex) {
                LOG.warn("could not release the lease: {}", ex.getMessage());
            }
        }
    }
}
