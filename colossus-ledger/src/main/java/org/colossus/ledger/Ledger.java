package org.colossus.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.colossus.scheduler.JobClass;

/**
 * Billing as a projection of what happened: contracts signed and ended, jobs placed and released. It is fed in
 * journal order (the live server from its journal, the simulator from its events, a tenant's verifier from the
 * entries it proved) and drafts any tenant's invoice for any period from holdings indexed by month, without
 * rescanning the history. Not thread-safe: one feeder at a time, reads under the same lock.
 *
 * <p>An invoice for a period counts only what happened before the period's end (or before {@code asOfMillis} for a
 * draft): entries are appended in time order, so once the period is over its invoice never changes, whenever it is
 * computed — which is what lets the journal carry its hash and a tenant recompute it.
 */
public final class Ledger {
    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);
    private static final BigDecimal WH_PER_WATT_MILLI = BigDecimal.valueOf(3_600_000L);

    /** A contract as the ledger tracks it. */
    private static final class Contract {
        final ContractTerms terms;
        final long signedMillis;
        long endedMillis = Long.MAX_VALUE;
        long endedSeq;

        Contract(ContractTerms terms, long signedMillis) {
            this.terms = terms;
            this.signedMillis = signedMillis;
        }

        long effectiveEnd() {
            return Math.min(terms.endMillis(), endedMillis);
        }

        boolean activeAt(long t) {
            return terms.startMillis() <= t && t < effectiveEnd();
        }
    }

    /** One job holding GPUs from placement to release. */
    private static final class Hold {
        final long job;
        final int gpus;
        final JobClass jobClass;
        final String gpuModel;
        final long contractId;
        final long fromMillis;
        final long placedSeq;
        long toMillis = Long.MAX_VALUE;
        long releasedSeq;
        String release = "held";
        long lastCheckpointMillis;

        Hold(long job, int gpus, JobClass jobClass, String gpuModel, long contractId, long fromMillis, long placedSeq) {
            this.job = job;
            this.gpus = gpus;
            this.jobClass = jobClass;
            this.gpuModel = gpuModel;
            this.contractId = contractId;
            this.fromMillis = fromMillis;
            this.placedSeq = placedSeq;
            this.lastCheckpointMillis = fromMillis;
        }
    }

    private static final class Book {
        /** Released holdings by the start of each month they overlap. */
        final TreeMap<Long, List<Hold>> byMonth = new TreeMap<>();
        final TreeMap<Long, Hold> open = new TreeMap<>();
    }

    /** An issued invoice as the journal records it. */
    public record Issued(String id, String tenant, String period, String sha256, long timeMillis, long seq) {
    }

    private final TreeMap<Long, Contract> contracts = new TreeMap<>();
    private final Map<String, Book> books = new HashMap<>();
    private final Map<Long, String> jobTenant = new HashMap<>();
    private final TreeMap<String, Issued> issued = new TreeMap<>();
    private final EnergyFactors energy;
    private final Availability availability = new Availability(this::reservedWithSla);

    public Ledger(EnergyFactors energy) {
        this.energy = energy;
    }

    private List<Availability.Contracts.Reserved> reservedWithSla(String tenant, String gpuModel) {
        List<Availability.Contracts.Reserved> out = new ArrayList<>(2);
        for (Contract c : slaContracts) {
            ContractTerms t = c.terms;
            if (t.tenant().equals(tenant) && t.gpuModel().equals(gpuModel)) {
                out.add(reserved(c));
            }
        }
        return out;
    }

    private static Availability.Contracts.Reserved reserved(Contract c) {
        return new Availability.Contracts.Reserved(c.terms.id(), c.terms.gpus(), c.terms.startMillis(),
                c.effectiveEnd(), c.signedMillis, c.terms.sla());
    }

    /** Reserved contracts with a service level, in id order: the few the availability tracker looks at. */
    private final List<Contract> slaContracts = new ArrayList<>();

    public EnergyFactors energy() {
        return energy;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Feeding, in journal order

    public void contractSigned(ContractTerms terms, long atMillis) {
        Contract c = new Contract(terms, atMillis);
        contracts.put(terms.id(), c);
        if (terms.jobClass() == JobClass.RESERVED && terms.sla() != null) {
            slaContracts.add(c);
        }
        books.computeIfAbsent(terms.tenant(), k -> new Book());
    }

    /** The operator ended a contract before its term ({@code atMillis} is the entry's time). */
    public void contractEnded(long id, long atMillis, long seq) {
        Contract c = contracts.get(id);
        if (c != null && atMillis < c.effectiveEnd()) {
            c.endedMillis = atMillis;
            c.endedSeq = seq;
        }
    }

    /** A job was submitted and waits in the queue (only reserved jobs matter: they may be denied). */
    public void submitted(long job, String tenant, JobClass jobClass, String gpuModel, int gpus, long atMillis) {
        if (jobClass == JobClass.RESERVED) {
            availability.queued(job, tenant, gpuModel, gpus, atMillis);
        }
    }

    public void placed(long job, String tenant, JobClass jobClass, String gpuModel, int gpus, long atMillis, long seq) {
        if (jobClass == JobClass.RESERVED) {
            availability.placed(job, gpus, atMillis);
        }
        Book b = books.computeIfAbsent(tenant, k -> new Book());
        jobTenant.put(job, tenant);
        b.open.put(job, new Hold(job, gpus, jobClass, gpuModel, contractFor(tenant, jobClass, gpuModel, atMillis),
                atMillis, seq));
    }

    /** The job recorded a checkpoint: work after it is what a node failure loses. */
    public void checkpointed(long job, long atMillis) {
        Hold h = openHold(job);
        if (h != null) {
            h.lastCheckpointMillis = atMillis;
        }
    }

    /**
     * The job stopped holding its GPUs. Ignored if it held none (a queued job cancelled).
     *
     * @param release {@code finished}, {@code cancelled}, {@code stopped}, {@code requeued} or {@code failed}
     */
    public void released(long job, String release, long atMillis, long seq) {
        String tenant = jobTenant.get(job);
        Hold h = tenant == null ? null : books.get(tenant).open.remove(job);
        if (h == null) {
            availability.dequeued(job, atMillis); // cancelled or failed while it waited
            return;
        }
        Book b = books.get(tenant);
        if (h.jobClass == JobClass.RESERVED) {
            availability.released(job, h.gpus, release.equals("requeued") || release.equals("stopped"), atMillis);
        }
        h.toMillis = atMillis;
        h.releasedSeq = seq;
        h.release = release;
        BillingPeriod p = BillingPeriod.containing(h.fromMillis);
        while (true) {
            b.byMonth.computeIfAbsent(p.startMillis(), k -> new ArrayList<>()).add(h);
            if (atMillis < p.endMillis()) {
                break;
            }
            p = p.next();
        }
    }

    public void issued(Issued invoice) {
        issued.put(invoice.id(), invoice);
    }

    /** The tenant's contract a job placed at {@code atMillis} is billed to (as the state prices it), or -1. */
    private long contractFor(String tenant, JobClass jobClass, String gpuModel, long atMillis) {
        long latest = -1;
        for (Contract c : contracts.values()) {
            ContractTerms t = c.terms;
            if (t.tenant().equals(tenant) && t.jobClass() == jobClass && t.gpuModel().equals(gpuModel)
                    && c.signedMillis <= atMillis) {
                if (c.activeAt(atMillis)) {
                    return t.id();
                }
                latest = t.id();
            }
        }
        return latest;
    }

    private Hold openHold(long job) {
        String tenant = jobTenant.get(job);
        return tenant == null ? null : books.get(tenant).open.get(job);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    public boolean knowsTenant(String tenant) {
        return books.containsKey(tenant);
    }

    public Optional<Issued> issued(String id) {
        return Optional.ofNullable(issued.get(id));
    }

    /** Issued invoices of {@code tenant} (null: all), by id. */
    public List<Issued> issuedOf(String tenant) {
        List<Issued> out = new ArrayList<>();
        for (Issued i : issued.values()) {
            if (tenant == null || i.tenant().equals(tenant)) {
                out.add(i);
            }
        }
        return out;
    }

    public static String invoiceId(String tenant, BillingPeriod period) {
        return period.label() + "-" + tenant;
    }

    /**
     * The tenant's invoice for the period: {@code final} once the period is over ({@code asOfMillis} at or after its
     * end; it never changes again, and issuing it journals its hash), else a {@code draft} of what has accrued before
     * {@code asOfMillis}.
     */
    public Invoice invoice(String tenant, BillingPeriod period, long asOfMillis) {
        boolean over = asOfMillis >= period.endMillis();
        long cutoff = over ? period.endMillis() : Math.max(period.startMillis(), asOfMillis);
        String currency = "USD";
        int digits = digits(currency);
        Map<Long, LineBuilder> byContract = new TreeMap<>();
        // Commitments: every reserved contract of the tenant signed before the cutoff, over its term in the period.
        for (Contract c : contracts.values()) {
            ContractTerms t = c.terms;
            if (!t.tenant().equals(tenant) || c.signedMillis >= cutoff) {
                continue;
            }
            if (t.jobClass() == JobClass.RESERVED) {
                long end = c.endedMillis < cutoff ? c.effectiveEnd() : t.endMillis();
                long from = Math.max(t.startMillis(), period.startMillis());
                long to = Math.min(end, cutoff);
                if (to > from) {
                    LineBuilder lb = line(byContract, c, "reserved-commitment");
                    lb.from = from;
                    lb.to = to;
                    lb.endedSeq = c.endedMillis < cutoff ? c.endedSeq : 0;
                    lb.gpuMillis = (to - from) * (long) t.gpus();
                }
            }
        }
        Book b = books.get(tenant);
        BigDecimal wh = BigDecimal.ZERO;
        if (b != null) {
            List<Hold> holds = new ArrayList<>(b.byMonth.getOrDefault(period.startMillis(), List.of()));
            holds.addAll(b.open.values());
            holds.sort((x, y) -> x.placedSeq != y.placedSeq ? Long.compare(x.placedSeq, y.placedSeq)
                    : Long.compare(x.job, y.job));
            for (Hold h : holds) {
                long from = Math.max(h.fromMillis, period.startMillis());
                boolean releasedBefore = h.toMillis < cutoff;
                long to = Math.min(releasedBefore ? h.toMillis : cutoff, period.endMillis());
                if (h.fromMillis >= cutoff || to <= from) {
                    continue;
                }
                long gpuMillis = (to - from) * (long) h.gpus;
                Contract c = contracts.get(h.contractId);
                String kind = h.jobClass == JobClass.RESERVED ? "reserved-use" : h.jobClass.key();
                LineBuilder lb = c == null ? byContract.computeIfAbsent(-1L - h.jobClass.ordinal(),
                        k -> new LineBuilder(-1, kind, h.gpuModel, 0, 0, BigDecimal.ZERO))
                        : line(byContract, c, kind);
                if (lb.kind.equals("reserved-commitment")) {
                    // A reserved contract's commitment line and its use line are two lines; the use goes beside it.
                    lb = lb.use(h.gpuModel);
                }
                lb.gpuMillis += gpuMillis;
                lb.from = lb.items.isEmpty() ? from : Math.min(lb.from, from);
                lb.to = Math.max(lb.to, to);
                long lost = releasedBefore && h.release.equals("requeued")
                        ? (h.toMillis - Math.max(h.lastCheckpointMillis, from)) * (long) h.gpus : 0;
                BigDecimal itemWh = energy.wattsPerGpu(h.gpuModel).multiply(BigDecimal.valueOf(gpuMillis))
                        .multiply(energy.pue()).divide(WH_PER_WATT_MILLI, 3, RoundingMode.HALF_EVEN);
                wh = wh.add(itemWh);
                lb.items.add(new Invoice.Item(h.job, h.gpus, from, to, gpuMillis, h.placedSeq,
                        releasedBefore ? h.releasedSeq : 0, releasedBefore ? h.release : "held", Math.max(0, lost),
                        itemWh.toPlainString()));
            }
        }
        List<Invoice.Line> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO.setScale(digits);
        for (LineBuilder lb : byContract.values()) {
            BigDecimal commitment = null;
            long lost = 0;
            for (LineBuilder x : lb.withUse()) {
                if (x.gpuMillis == 0) {
                    continue;
                }
                BigDecimal price = x.kind.equals("reserved-use") ? BigDecimal.ZERO : x.price;
                BigDecimal amount = price.multiply(BigDecimal.valueOf(x.gpuMillis))
                        .divide(MILLIS_PER_HOUR, digits, RoundingMode.HALF_EVEN);
                total = total.add(amount);
                if (x.kind.equals("reserved-commitment")) {
                    commitment = amount;
                }
                for (Invoice.Item i : x.items) {
                    lost += i.lostGpuMillis();
                }
                lines.add(new Invoice.Line(lines.size() + 1, x.kind, x.contractId, x.gpuModel, x.signedSeq, x.endedSeq,
                        x.contractedGpus, x.from, x.to, x.gpuMillis, gpuHours(x.gpuMillis), price(price, digits),
                        amount.toPlainString(), x.items, null, null));
            }
            Contract c = contracts.get(lb.contractId);
            Sla sla = c == null ? null : c.terms.sla();
            if (sla == null) {
                continue;
            }
            if (commitment != null) {
                // Availability of the commitment over its time in the period (to now, for a draft).
                BigDecimal denied = availability.denied(tenant, c.terms.gpuModel(), reserved(c), lb.from, lb.to);
                BigDecimal entitled = BigDecimal.valueOf(lb.gpuMillis);
                BigDecimal availablePercent = BigDecimal.valueOf(100).subtract(denied.multiply(BigDecimal.valueOf(100))
                        .divide(entitled, 4, RoundingMode.HALF_EVEN));
                BigDecimal creditPercent = sla.creditPercent(availablePercent);
                BigDecimal credit = commitment.multiply(creditPercent).divide(BigDecimal.valueOf(100), digits,
                        RoundingMode.HALF_EVEN).negate();
                total = total.add(credit);
                long deniedMillis = denied.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
                lines.add(new Invoice.Line(lines.size() + 1, "sla-credit", lb.contractId, lb.gpuModel, lb.signedSeq,
                        lb.endedSeq, lb.contractedGpus, lb.from, lb.to, deniedMillis, gpuHours(deniedMillis),
                        price(lb.price, digits), credit.toPlainString(), List.of(), availablePercent.toPlainString(),
                        creditPercent.toPlainString()));
            }
            if (sla.creditLostWork() && lost > 0) {
                BigDecimal credit = lb.price.multiply(BigDecimal.valueOf(lost))
                        .divide(MILLIS_PER_HOUR, digits, RoundingMode.HALF_EVEN).negate();
                total = total.add(credit);
                lines.add(new Invoice.Line(lines.size() + 1, "lost-work-credit", lb.contractId, lb.gpuModel,
                        lb.signedSeq, 0, lb.contractedGpus, lb.from, lb.to, lost, gpuHours(lost),
                        price(lb.price, digits), credit.toPlainString(), List.of(), null, null));
            }
        }
        BigDecimal kwh = wh.divide(BigDecimal.valueOf(1000), 3, RoundingMode.HALF_EVEN);
        BigDecimal kg = wh.multiply(energy.kgCo2ePerKwh()).divide(BigDecimal.valueOf(1000), 3, RoundingMode.HALF_EVEN);
        Map<String, String> watts = new TreeMap<>();
        energy.wattsPerGpu().forEach((k, v) -> watts.put(k, v.toPlainString()));
        return new Invoice(invoiceId(tenant, period), tenant, period.label(), period.startMillis(),
                period.endMillis(), over ? "final" : "draft", cutoff, currency, lines, total.toPlainString(),
                new Invoice.Energy(kwh.toPlainString(), kg.toPlainString(), energy.pue().toPlainString(),
                        energy.kgCo2ePerKwh().toPlainString(), watts));
    }

    private static String price(BigDecimal price, int digits) {
        return price.setScale(Math.max(digits, price.scale()), RoundingMode.UNNECESSARY).toPlainString();
    }

    /** GPU-milliseconds as GPU-hours, 6 decimals. */
    static String gpuHours(long gpuMillis) {
        return BigDecimal.valueOf(gpuMillis).divide(MILLIS_PER_HOUR, 6, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static LineBuilder line(Map<Long, LineBuilder> byContract, Contract c, String kind) {
        ContractTerms t = c.terms;
        return byContract.computeIfAbsent(t.id(), k -> new LineBuilder(t.id(),
                t.jobClass() == JobClass.RESERVED ? "reserved-commitment" : kind, t.gpuModel(), t.signedSeq(),
                t.gpus(), t.pricePerGpuHour()));
    }

    private static final class LineBuilder {
        final long contractId;
        final String kind;
        final String gpuModel;
        final long signedSeq;
        final int contractedGpus;
        final BigDecimal price;
        long endedSeq;
        long from;
        long to;
        long gpuMillis;
        final List<Invoice.Item> items = new ArrayList<>();
        LineBuilder use;

        LineBuilder(long contractId, String kind, String gpuModel, long signedSeq, int contractedGpus,
                    BigDecimal price) {
            this.contractId = contractId;
            this.kind = kind;
            this.gpuModel = gpuModel;
            this.signedSeq = signedSeq;
            this.contractedGpus = contractedGpus;
            this.price = price;
        }

        LineBuilder use(String model) {
            if (use == null) {
                use = new LineBuilder(contractId, "reserved-use", model, signedSeq, contractedGpus, price);
            }
            return use;
        }

        List<LineBuilder> withUse() {
            return use == null ? List.of(this) : List.of(this, use);
        }
    }

    /** The minor-unit digits of a currency code (USD: 2). */
    static int digits(String currency) {
        return Currency.getInstance(currency).getDefaultFractionDigits();
    }
}
