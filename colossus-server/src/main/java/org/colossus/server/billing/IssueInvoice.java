package org.colossus.server.billing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.Ledger;
import org.colossus.server.engine.Command;
import org.colossus.server.engine.Commands;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;

/**
 * Issues the invoices of a closed period: for one tenant, or for every tenant not yet invoiced for it. Runs on the
 * engine thread, where the ledger has every committed entry; the period is over, so every entry of the batch comes
 * after it and cannot change what is issued.
 */
public final class IssueInvoice implements Command<List<Ledger.Issued>> {
    private final Billing billing;
    private final String tenant;
    private final BillingPeriod period;

    /** @param tenant one tenant, or null for every tenant without an invoice for the period */
    public IssueInvoice(Billing billing, String tenant, BillingPeriod period) {
        this.billing = billing;
        this.tenant = tenant;
        this.period = period;
    }

    @Override
    public List<Command.Draft> decide(ControlState state, long nowMillis) {
        if (nowMillis < period.endMillis()) {
            throw Problem.invalid("period", period.label(), "a period that is over (this one ends "
                    + Instant.ofEpochMilli(period.endMillis()) + "; until then GET /api/v1/invoices/" + period.label()
                    + "-TENANT gives a draft)");
        }
        if (!billing.ready()) {
            // The engine thread never waits for the ledger's start-up read.
            throw Problem.unavailable("the ledger is still reading the journal; issue again shortly");
        }
        List<String> tenants = new ArrayList<>();
        if (tenant != null) {
            if (!state.hasTenant(tenant)) {
                throw Problem.notFound("tenant", tenant);
            }
            if (issued(state, Ledger.invoiceId(tenant, period))) {
                throw Problem.conflict("invoice " + Ledger.invoiceId(tenant, period) + " was issued already;"
                        + " an issued invoice never changes");
            }
            tenants.add(tenant);
        } else {
            for (var t : state.tenants()) {
                if (!issued(state, Ledger.invoiceId(t.name(), period))) {
                    tenants.add(t.name());
                }
            }
        }
        List<Command.Draft> drafts = new ArrayList<>();
        for (String t : tenants) {
            Invoice inv = billing.invoice(t, period, nowMillis).withStatus("issued");
            drafts.add(new Command.Draft(new Payload.InvoiceIssued(inv.id(), t, period.label(),
                    InvoiceDocument.sha256(inv), inv.currency(), inv.total()), Commands.OPERATOR, t));
        }
        return drafts;
    }

    private boolean issued(ControlState state, String id) {
        return billing.issued(id).isPresent() || state.invoiceAppliedSinceLoad(id);
    }

    @Override
    public List<Ledger.Issued> result(ControlState state, List<Entry> committed) {
        List<Ledger.Issued> out = new ArrayList<>();
        for (Entry e : committed) {
            if (e.type().equals("invoice.issued") && (tenant == null || tenant.equals(e.tenant()))) {
                Payload.InvoiceIssued i = (Payload.InvoiceIssued) Payload.parse(e.type(), e.payload());
                if (i.period().equals(period.label())) {
                    out.add(new Ledger.Issued(i.id(), i.tenant(), i.period(), i.sha256(), e.timeMillis(), e.seq()));
                }
            }
        }
        return out;
    }
}
