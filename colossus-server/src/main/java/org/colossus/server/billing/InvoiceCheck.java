package org.colossus.server.billing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.EnergyFactors;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.LedgerException;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;

/**
 * A tenant's check of an invoice against the journal entries it proved in the audit log: the same ledger code
 * recomputes the bill from those entries alone, the invoice's hash must be the one its {@code invoice.issued} entry
 * carries, and the first line that differs is named. The energy lines are recomputed with the factors the invoice
 * states (the log proves GPU-time, not watts).
 */
public final class InvoiceCheck {
    private InvoiceCheck() {
    }

    /** The verdict: evidence and failures (empty if the invoice is backed line by line). */
    public record Result(List<String> evidence, List<String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /** An entry's canonical text (as the audit log serves it) as an entry. */
    public static Entry entry(String canonical) {
        try {
            JsonNode n = Canonical.MAPPER.readTree(canonical);
            return new Entry(n.get("seq").asLong(), n.get("time").asLong(), n.get("type").asText(),
                    n.get("actor").asText(), n.get("tenant").isNull() ? null : n.get("tenant").asText(),
                    n.get("payload").toString());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a canonical journal entry: " + e.getMessage());
        }
    }

    /**
     * @param claimed the invoice as served or saved
     * @param tenant who checks (the invoice must be addressed to it)
     * @param proven the tenant's own entries, each proven in the log, in journal order
     */
    public static Result check(Invoice claimed, String tenant, List<Entry> proven) {
        List<String> evidence = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (!tenant.equals(claimed.tenant())) {
            failures.add("invoice " + claimed.id() + " is addressed to '" + claimed.tenant() + "', not to you ('"
                    + tenant + "')");
            return new Result(evidence, failures);
        }
        BillingPeriod period;
        try {
            period = BillingPeriod.parse(claimed.period());
        } catch (LedgerException e) {
            failures.add("invoice " + claimed.id() + ": " + e.getMessage());
            return new Result(evidence, failures);
        }
        JournalLedger ledger = new JournalLedger(factors(claimed));
        Entry issuedEntry = null;
        String issuedSha = null;
        Set<Long> seqs = new HashSet<>();
        for (Entry e : proven) {
            seqs.add(e.seq());
            ledger.accept(e);
            if (e.type().equals("invoice.issued")) {
                var i = (org.colossus.server.journal.Payload.InvoiceIssued)
                        org.colossus.server.journal.Payload.parse(e.type(), e.payload());
                if (i.id().equals(claimed.id())) {
                    issuedEntry = e;
                    issuedSha = i.sha256();
                }
            }
        }
        String sha = InvoiceDocument.sha256(claimed);
        boolean issued = claimed.status().equals("issued");
        if (!issued) {
            // A draft or a final invoice not issued yet: nothing is journaled to hash against, but every line must
            // still follow from the proven entries (a draft's up to the time it was drawn).
            evidence.add("invoice " + claimed.id() + " is " + claimed.status() + ": no SHA-256 is journaled until it"
                    + " is issued; its lines are checked");
        } else if (issuedEntry == null) {
            failures.add("invoice " + claimed.id() + ": no invoice.issued entry for it among your " + proven.size()
                    + " proven entries (not issued yet, or its entry was removed from the log)");
        } else if (!issuedSha.equals(sha)) {
            failures.add("invoice " + claimed.id() + ": its SHA-256 " + sha + " is not the " + issuedSha
                    + " journaled in entry " + issuedEntry.seq() + " when it was issued: it was changed afterwards");
        } else {
            evidence.add("invoice " + claimed.id() + ": SHA-256 " + sha + " is the one journaled in entry "
                    + issuedEntry.seq());
        }
        long asOf = claimed.status().equals("draft") ? claimed.asOfMillis() : period.endMillis();
        Invoice recomputed = ledger.ledger().invoice(tenant, period, asOf).withStatus(claimed.status());
        compare(claimed, recomputed, seqs, failures);
        if (failures.isEmpty()) {
            long items = claimed.lines().stream().mapToLong(l -> l.items().size()).sum();
            evidence.add("invoice " + claimed.id() + ": " + claimed.lines().size() + " lines and " + items
                    + " job holdings recomputed from your proven entries; total " + claimed.total() + " "
                    + claimed.currency() + " matches");
        }
        return new Result(evidence, failures);
    }

    private static EnergyFactors factors(Invoice claimed) {
        try {
            Map<String, BigDecimal> watts = new HashMap<>();
            claimed.energy().wattsPerGpu().forEach((k, v) -> watts.put(k, new BigDecimal(v)));
            return new EnergyFactors(watts, new BigDecimal(claimed.energy().pue()),
                    new BigDecimal(claimed.energy().kgCo2ePerKwh()));
        } catch (RuntimeException e) {
            return EnergyFactors.NONE;
        }
    }

    /** Names the first difference of each line (and of the total), with the entries it rests on. */
    private static void compare(Invoice claimed, Invoice proven, Set<Long> seqs, List<String> failures) {
        int n = Math.max(claimed.lines().size(), proven.lines().size());
        for (int i = 0; i < n; i++) {
            Invoice.Line c = i < claimed.lines().size() ? claimed.lines().get(i) : null;
            Invoice.Line p = i < proven.lines().size() ? proven.lines().get(i) : null;
            if (Objects.equals(c, p)) {
                continue;
            }
            if (c == null) {
                failures.add("line " + (i + 1) + ": your proven entries give a line " + describe(p)
                        + " that the invoice does not have");
                continue;
            }
            String where = "line " + c.number() + " (" + describe(c) + ")";
            if (p == null) {
                failures.add(where + ": no such line follows from your proven entries" + citations(c, seqs));
                continue;
            }
            String why = itemDifference(c, p, seqs);
            if (why == null && c.gpuMillis() != p.gpuMillis()) {
                why = c.gpuHours() + " GPU-hours billed, " + p.gpuHours() + " proven";
            }
            if (why == null && !c.amount().equals(p.amount())) {
                why = "amount " + c.amount() + ", " + p.amount() + " proven";
            }
            if (why == null && !c.unitPrice().equals(p.unitPrice())) {
                why = "unit price " + c.unitPrice() + ", " + p.unitPrice() + " in the proven contract";
            }
            failures.add(where + ": " + (why != null ? why : "differs from the line your proven entries give: "
                    + describe(p)));
        }
        if (!claimed.total().equals(proven.total())) {
            failures.add("total: " + claimed.total() + " billed, " + proven.total() + " proven");
        }
        if (!Objects.equals(claimed.energy(), proven.energy())) {
            failures.add("energy: " + claimed.energy().kwh() + " kWh stated, " + proven.energy().kwh()
                    + " kWh from the proven holdings at the stated factors");
        }
    }

    private static String itemDifference(Invoice.Line c, Invoice.Line p, Set<Long> seqs) {
        Map<String, Invoice.Item> provenItems = new HashMap<>();
        for (Invoice.Item it : p.items()) {
            provenItems.put(it.placedSeq() + "/" + it.job(), it);
        }
        for (Invoice.Item it : c.items()) {
            Invoice.Item q = provenItems.remove(it.placedSeq() + "/" + it.job());
            if (q == null) {
                if (!seqs.contains(it.placedSeq())) {
                    return "job " + it.job() + " is billed from entry " + it.placedSeq()
                            + ", which is not among your proven entries (another tenant's, or not in the log)";
                }
                return "job " + it.job() + " (entry " + it.placedSeq() + ") is not billable on this line";
            }
            if (!q.equals(it)) {
                if (it.releasedSeq() != 0 && !seqs.contains(it.releasedSeq())) {
                    return "job " + it.job() + " cites its release in entry " + it.releasedSeq()
                            + ", which is not among your proven entries";
                }
                return "job " + it.job() + " (entry " + it.placedSeq() + "): " + it.gpuMillis() + " GPU-ms billed, "
                        + q.gpuMillis() + " proven (" + q.fromMillis() + " to " + q.toMillis() + " ms, " + q.gpus()
                        + " GPUs)";
            }
        }
        if (!provenItems.isEmpty()) {
            Invoice.Item missing = provenItems.values().iterator().next();
            return "job " + missing.job() + " (entry " + missing.placedSeq() + ") is proven but missing";
        }
        return null;
    }

    private static String citations(Invoice.Line c, Set<Long> seqs) {
        if (c.signedSeq() != 0 && !seqs.contains(c.signedSeq())) {
            return "; its contract entry " + c.signedSeq() + " is not among your proven entries";
        }
        return "";
    }

    private static String describe(Invoice.Line l) {
        return l.kind() + ", contract " + l.contractId() + ", " + l.gpuHours() + " GPU-hours, " + l.amount();
    }
}
