package org.colossus.server.billing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.colossus.fleet.Fleet;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.EnergyFactors;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.Ledger;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.JournalStore;
import org.colossus.server.journal.Payload;

/**
 * The live server's ledger. At start-up a background thread reads the journal from its start (about 6 µs an entry,
 * mostly JSON: LedgerBenchmark), so the server does not wait for it; entries the engine commits meanwhile are held
 * and applied after. From then on it is fed every committed batch on the engine thread before the batch is
 * published, so a command deciding on the engine thread sees every entry committed before its batch. Reads and
 * issuing wait for the load (reads up to 30 s, then a 503; the engine thread never waits: issuing is refused with a
 * 503 until then).
 */
public final class Billing {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Billing.class);
    private static final long READ_WAIT_MILLIS = 30_000;

    private final JournalLedger journal;
    private final List<Entry> heldDuringLoad = new ArrayList<>();
    private final long loadThroughSeq;
    private boolean loaded;
    private RuntimeException loadFailure;
    private long loadedEntries;
    private long loadMillis;

    private Billing(EnergyFactors energy, long loadThroughSeq) {
        this.journal = new JournalLedger(energy);
        this.loadThroughSeq = loadThroughSeq;
    }

    /** Starts reading the journal's entries up to its current end into a new ledger, on a background thread. */
    public static Billing start(JournalStore store, Fleet fleet) {
        Billing b = new Billing(EnergyFactors.of(fleet), store.lastSeq());
        Thread t = new Thread(() -> b.load(store), "colossus-ledger-load");
        t.setDaemon(true);
        t.start();
        return b;
    }

    /** Reads the journal in the calling thread (tools and tests). */
    public static Billing load(JournalStore store, Fleet fleet) {
        Billing b = new Billing(EnergyFactors.of(fleet), store.lastSeq());
        b.load(store);
        return b;
    }

    private void load(JournalStore store) {
        long t0 = System.nanoTime();
        JournalLedger j = journal;
        long[] n = {0};
        try {
            // The projection is touched only by this thread until loaded is set (under the lock, below).
            store.readAfter(0, e -> {
                if (e.seq() <= loadThroughSeq) {
                    j.accept(e);
                    n[0]++;
                }
            });
        } catch (RuntimeException e) {
            LOG.error("the ledger could not read the journal; invoices are unavailable until a restart", e);
            synchronized (this) {
                loadFailure = e;
                notifyAll();
            }
            return;
        }
        synchronized (this) {
            for (Entry e : heldDuringLoad) {
                j.accept(e);
            }
            heldDuringLoad.clear();
            loadedEntries = n[0];
            loadMillis = (System.nanoTime() - t0) / 1_000_000;
            loaded = true;
            notifyAll();
        }
        LOG.info("ledger: {} journal entries read in {} ms", n[0], loadMillis);
    }

    /**
     * Called with every committed batch and its typed payloads (in the same order), on the engine thread: nothing is
     * parsed again; never blocks on the load.
     */
    public synchronized void accept(List<Entry> entries, List<Payload> payloads) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.seq() <= loadThroughSeq || !JournalLedger.TYPES.contains(e.type())) {
                continue; // the load reads it, or the ledger has no use for it
            }
            if (loaded) {
                journal.accept(e, payloads.get(i));
            } else {
                heldDuringLoad.add(e);
            }
        }
    }

    /** Whether the start-up read is done (for the engine thread, which must not wait). */
    public synchronized boolean ready() {
        return loaded;
    }

    private void awaitLoaded() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_WAIT_MILLIS);
        while (!loaded) {
            if (loadFailure != null) {
                throw Problem.unavailable("the ledger could not read the journal; the operator has been alerted");
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw Problem.unavailable("the ledger is still reading the journal; try again shortly");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Problem.unavailable("interrupted");
            }
        }
    }

    /** Waits (up to {@code millis}) for the start-up read; true if it is done. */
    public synchronized boolean awaitReady(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!loaded && loadFailure == null) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return loaded;
    }

    /** The invoice as of {@code nowMillis}: a draft while the period is open, else final or (if journaled) issued. */
    public synchronized Invoice invoice(String tenant, BillingPeriod period, long nowMillis) {
        awaitLoaded();
        Ledger l = journal.ledger();
        Invoice inv = l.invoice(tenant, period, nowMillis);
        return l.issued(inv.id()).isPresent() ? inv.withStatus("issued") : inv;
    }

    public synchronized Optional<Ledger.Issued> issued(String id) {
        awaitLoaded();
        return journal.ledger().issued(id);
    }

    /** Issued invoices of a tenant (null: every tenant's). */
    public synchronized List<Ledger.Issued> issuedOf(String tenant) {
        awaitLoaded();
        return journal.ledger().issuedOf(tenant);
    }

    /** Entries read at start-up and how long it took (0 until loaded). */
    public synchronized String describeLoad() {
        return loaded ? loadedEntries + " entries in " + loadMillis + " ms" : "loading";
    }
}
