package org.colossus.server.billing;

import java.util.List;
import java.util.Optional;
import org.colossus.fleet.Fleet;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.EnergyFactors;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.Ledger;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Store;

/**
 * The live server's ledger: built from the whole journal at start-up, then fed every committed batch on the engine
 * thread (before the batch is published), so that a command deciding on the engine thread sees every entry committed
 * before its batch. Request threads draft and read invoices under the same lock.
 */
public final class Billing {
    private final JournalLedger journal;

    private Billing(EnergyFactors energy) {
        this.journal = new JournalLedger(energy);
    }

    /** Reads the journal from its start into a new ledger. */
    public static Billing load(Store store, Fleet fleet) {
        Billing b = new Billing(EnergyFactors.of(fleet));
        store.readAfter(0, b.journal::accept);
        return b;
    }

    public synchronized void accept(List<Entry> entries) {
        for (Entry e : entries) {
            journal.accept(e);
        }
    }

    /** The invoice as of {@code nowMillis}: a draft while the period is open, else final or (if journaled) issued. */
    public synchronized Invoice invoice(String tenant, BillingPeriod period, long nowMillis) {
        Ledger l = journal.ledger();
        Invoice inv = l.invoice(tenant, period, nowMillis);
        return l.issued(inv.id()).isPresent() ? inv.withStatus("issued") : inv;
    }

    public synchronized Optional<Ledger.Issued> issued(String id) {
        return journal.ledger().issued(id);
    }

    /** Issued invoices of a tenant (null: every tenant's). */
    public synchronized List<Ledger.Issued> issuedOf(String tenant) {
        return journal.ledger().issuedOf(tenant);
    }
}
