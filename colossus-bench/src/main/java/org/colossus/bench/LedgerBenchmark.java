package org.colossus.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.EnergyFactors;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.Ledger;
import org.colossus.scheduler.JobClass;
import org.colossus.server.billing.JournalLedger;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ledger (issue 18) on a month-long journal of 100,000 jobs of 20 tenants (each with a reserved, an on-demand and
 * a preemptible contract; one job in ten interrupted and placed again): drafting every tenant's invoice from the
 * incremental projection (goal: under 1 s), and building that projection from the journal's entries as the server
 * does at start-up. Run: {@code java -jar colossus-bench/target/benchmarks.jar LedgerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LedgerBenchmark {
    static final int JOBS = 100_000;
    static final int TENANTS = 20;
    static final BillingPeriod NOVEMBER = BillingPeriod.parse("2026-11");
    private static final long HOUR = 3_600_000L;

    private List<Entry> journal;
    private Ledger ledger;
    private List<String> tenants;

    @Setup(Level.Trial)
    public void setUp() {
        journal = journal(new SplittableRandom(42));
        tenants = new ArrayList<>();
        for (int t = 0; t < TENANTS; t++) {
            tenants.add("lab-" + t);
        }
        ledger = replay();
    }

    /** A month of entries as the server journals them: contracts, submissions, placements, releases. */
    static List<Entry> journal(SplittableRandom random) {
        List<Entry> out = new ArrayList<>();
        long start = NOVEMBER.startMillis();
        long seq = 0;
        long contract = 1;
        for (int t = 0; t < TENANTS; t++) {
            String tenant = "lab-" + t;
            for (JobClass c : JobClass.values()) {
                Payload.ContractSigned p = new Payload.ContractSigned(contract++, tenant, c.key(), "gb200", 4608,
                        start, start + 365 * 24 * HOUR, c == JobClass.PREEMPTIBLE ? "1.90" : "3.40");
                out.add(new Entry(++seq, start, p.type(), "operator", tenant, Canonical.json(p)));
            }
        }
        long span = NOVEMBER.endMillis() - start;
        for (int j = 1; j <= JOBS; j++) {
            String tenant = "lab-" + random.nextInt(TENANTS);
            long at = start + (long) j * span / (JOBS + 1);
            int gpus = 8 << random.nextInt(7);
            JobClass c = JobClass.values()[random.nextInt(3)];
            Payload.JobSubmitted s = new Payload.JobSubmitted(j, "job-" + j, "gb200", gpus, c.key(), 0, false, 0, false,
                    HOUR, null, null, null, null);
            out.add(new Entry(++seq, at, s.type(), "tenant:" + tenant, tenant, Canonical.json(s)));
            Payload.JobPlaced p = new Payload.JobPlaced(j, List.of(j % 1000), List.of(gpus));
            out.add(new Entry(++seq, at, p.type(), "scheduler", tenant, Canonical.json(p)));
            long end = at + 60_000 + random.nextLong(6 * HOUR);
            if (j % 10 == 0) {
                Payload.JobRequeued r = new Payload.JobRequeued(j, j % 1000);
                out.add(new Entry(++seq, end, r.type(), "scheduler", tenant, Canonical.json(r)));
                Payload.JobPlaced again = new Payload.JobPlaced(j, List.of(j % 1000 + 1), List.of(gpus));
                out.add(new Entry(++seq, end + 1000, again.type(), "scheduler", tenant, Canonical.json(again)));
                end += HOUR;
            }
            Payload.JobFinished f = new Payload.JobFinished(j);
            out.add(new Entry(++seq, end, f.type(), "dataplane", tenant, Canonical.json(f)));
        }
        // The server journals in time order: releases interleave with later placements.
        out.sort((a, b) -> a.timeMillis() != b.timeMillis() ? Long.compare(a.timeMillis(), b.timeMillis())
                : Long.compare(a.seq(), b.seq()));
        List<Entry> renumbered = new ArrayList<>(out.size());
        long n = 0;
        for (Entry e : out) {
            renumbered.add(new Entry(++n, e.timeMillis(), e.type(), e.actor(), e.tenant(), e.payload()));
        }
        return renumbered;
    }

    private Ledger replay() {
        JournalLedger jl = new JournalLedger(new EnergyFactors(Map.of("gb200", new BigDecimal("1400")),
                new BigDecimal("1.15"), new BigDecimal("0.4842")));
        for (Entry e : journal) {
            jl.accept(e);
        }
        return jl.ledger();
    }

    /** Every tenant's November invoice, the month over: what issuing a period computes. */
    @Benchmark
    public int draftEveryTenant() {
        int lines = 0;
        for (String t : tenants) {
            Invoice inv = ledger.invoice(t, NOVEMBER, Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
            lines += inv.lines().size();
        }
        return lines;
    }

    /** The projection from the month's ~310,000 entries (JSON parsed), as a server start-up builds it. */
    @Benchmark
    public Ledger replayJournal() {
        return replay();
    }
}
