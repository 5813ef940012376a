package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.Ledger;
import org.colossus.ledger.LedgerException;
import org.colossus.server.billing.Billing;
import org.colossus.server.billing.InvoiceDocument;
import org.colossus.server.billing.IssueInvoice;
import org.colossus.server.error.Problem;

/** Invoices (issue 18): list the issued ones, draft or read one as JSON or CSV, issue a closed period's. */
final class InvoiceRoutes extends RouteGroup {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InvoiceRoutes.class);
    private static final Pattern ID = Pattern.compile("(\\d{4}-\\d{2})-([a-z0-9][a-z0-9-]{0,62})");
    private final Billing billing;

    InvoiceRoutes(ApiContext api, Billing billing) {
        super(api);
        this.billing = billing;
    }

    /** An issued invoice as the journal records it. */
    record IssuedInvoice(String id, String tenant, String period, String sha256, String issued, long seq) {
        static IssuedInvoice of(Ledger.Issued i) {
            return new IssuedInvoice(i.id(), i.tenant(), i.period(), i.sha256(),
                    Instant.ofEpochMilli(i.timeMillis()).toString(), i.seq());
        }
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/api/v1/invoices", Route.Role.ANY, 200,
                "Issued invoices (a tenant sees its own; the operator all, or ?tenant=NAME), each with the SHA-256 its"
                        + " invoice.issued journal entry carries; ?period=YYYY-MM selects one month.",
                null, IssuedInvoice.class, Route.Shape.LIST, this::list));
        r.add(new Route("GET", "/api/v1/invoices/{id}", Route.Role.ANY, 200,
                "One invoice, id PERIOD-TENANT (e.g. 2026-11-aurora-labs): issued, final (the period is over, not"
                        + " issued yet) or a draft of the open period to now. Canonical JSON (an issued one hashes to"
                        + " its journaled SHA-256), or CSV with Accept: text/csv.",
                null, Invoice.class, Route.Shape.ONE, this::show));
        r.add(new Route("POST", "/api/v1/invoices", Route.Role.OPERATOR, 201,
                "Issue the invoices of a period that is over: one tenant's, or every tenant's not yet issued; each"
                        + " journals an invoice.issued entry with the invoice's SHA-256.",
                Bodies.IssueInvoices.class, IssuedInvoice.class, Route.Shape.LIST, this::issue));
        return r;
    }

    private void list(Context ctx) {
        Principal p = principal(ctx);
        String tenant = p.tenant();
        String asked = ctx.queryParam("tenant");
        if (asked != null) {
            String name = Bodies.tenantName("tenant", asked);
            if (!p.operator() && !name.equals(p.tenant()) || !read(s -> s.hasTenant(name))) {
                throw Problem.notFound("tenant", name);
            }
            tenant = name;
        }
        String period = ctx.queryParam("period");
        if (period != null) {
            period = period(period).label();
        }
        List<IssuedInvoice> out = new ArrayList<>();
        for (Ledger.Issued i : billing.issuedOf(tenant)) {
            if (period == null || i.period().equals(period)) {
                out.add(IssuedInvoice.of(i));
            }
        }
        json(ctx, 200, out);
    }

    private void show(Context ctx) {
        String id = ctx.pathParam("id");
        Matcher m = ID.matcher(id);
        Principal p = principal(ctx);
        if (!m.matches()) {
            throw Problem.notFound("invoice", Bodies.clip(id));
        }
        String tenant = m.group(2);
        // Another tenant's invoice is as absent as one that does not exist (as for jobs).
        if (!p.operator() && !tenant.equals(p.tenant()) || !read(s -> s.hasTenant(tenant))) {
            throw Problem.notFound("invoice", id);
        }
        BillingPeriod period = period(m.group(1));
        long now = engine.now();
        if (period.startMillis() > now) {
            throw Problem.invalid("period", period.label(), "a month that has started (now is "
                    + Instant.ofEpochMilli(now) + ")");
        }
        Invoice inv = billing.invoice(tenant, period, now);
        String body = InvoiceDocument.json(inv);
        var issued = billing.issued(inv.id());
        if (issued.isPresent() && !issued.get().sha256().equals(InvoiceDocument.sha256(
                body.getBytes(StandardCharsets.UTF_8)))) {
            LOG.error("invoice {} does not hash to its journaled SHA-256 {}: the ledger diverged", inv.id(),
                    issued.get().sha256());
            throw new Problem(500, "Ledger diverged", "invoice " + inv.id() + " no longer matches what was issued;"
                    + " the operator has been alerted", null, null, null);
        }
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/csv")) {
            ctx.status(200).contentType("text/csv; charset=utf-8").result(InvoiceDocument.csv(inv));
        } else {
            ctx.status(200).contentType("application/json").result(body);
        }
    }

    private void issue(Context ctx) {
        Bodies.IssueInvoices b = body(ctx, Bodies.IssueInvoices.class);
        BillingPeriod period = period(Bodies.required("period", b.period(), "a calendar month, YYYY-MM"));
        String tenant = b.tenant() == null ? null : Bodies.tenantName("tenant", b.tenant());
        List<Ledger.Issued> issued = write(new IssueInvoice(billing, tenant, period));
        json(ctx, 201, issued.stream().map(IssuedInvoice::of).toList());
    }

    private static BillingPeriod period(String text) {
        try {
            return BillingPeriod.parse(text);
        } catch (LedgerException e) {
            throw Problem.invalid("period", Bodies.clip(text), "a calendar month as YYYY-MM, e.g. 2026-11");
        }
    }
}
