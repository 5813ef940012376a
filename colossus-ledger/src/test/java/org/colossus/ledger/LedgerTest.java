package org.colossus.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.colossus.scheduler.JobClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerTest {
    private static final long HOUR = 3_600_000L;
    private static final BillingPeriod NOVEMBER = BillingPeriod.parse("2026-11");
    private static final EnergyFactors ENERGY = new EnergyFactors(Map.of("gb200", new BigDecimal("1200")),
            new BigDecimal("1.2"), new BigDecimal("0.4"));

    private static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    /**
     * The scripted month of issue 18, computed by hand:
     * <ul>
     * <li>reserved: 1,152 GB200 from 16 November at 3.40: 1,152 × 360 h × 3.40 = 1,410,048.00;</li>
     * <li>on-demand at 5.25: job 2 (64 GPUs) runs 8 h until preempted, 3 h until its node fails, then 7 h; job 4
     * (1 GPU) runs 1,001 s; job 3 (256 GPUs) starts at 22:00 on the 30th and is billed its 2 h in November:
     * (512 + 192 + 448 + 512) GPU-h + 1,001/3,600 GPU-h = 1,664.278056 GPU-h → 8,737.46;</li>
     * <li>the reserved job (1,152 GPUs) loses 1 h to a node failure after its last checkpoint and is restarted; its
     * use is an information line at 0.00;</li>
     * <li>total 1,418,785.46.</li>
     * </ul>
     */
    static Ledger scriptedNovember() {
        Ledger l = new Ledger(ENERGY);
        l.contractSigned(new ContractTerms(1, "aurora", JobClass.ON_DEMAND, "gb200", 288, t("2026-11-01T00:00:00Z"),
                t("2027-01-01T00:00:00Z"), new BigDecimal("5.25"), "USD", 2), t("2026-11-01T00:00:00Z"));
        l.contractSigned(new ContractTerms(2, "rival", JobClass.ON_DEMAND, "gb200", 64, t("2026-11-01T00:00:00Z"),
                t("2027-01-01T00:00:00Z"), new BigDecimal("9.99"), "USD", 3), t("2026-11-01T00:00:00Z"));
        l.placed(2, "aurora", JobClass.ON_DEMAND, "gb200", 64, t("2026-11-05T12:00:00Z"), 5);
        l.placed(9, "rival", JobClass.ON_DEMAND, "gb200", 64, t("2026-11-05T12:00:00Z"), 6);
        l.released(2, "stopped", t("2026-11-05T20:00:00Z"), 7);
        l.placed(2, "aurora", JobClass.ON_DEMAND, "gb200", 64, t("2026-11-06T00:00:00Z"), 8);
        l.released(2, "requeued", t("2026-11-06T03:00:00Z"), 9);
        l.contractSigned(new ContractTerms(3, "aurora", JobClass.RESERVED, "gb200", 1152, t("2026-11-16T00:00:00Z"),
                t("2027-05-16T00:00:00Z"), new BigDecimal("3.40"), "USD", 10), t("2026-11-10T00:00:00Z"));
        l.placed(2, "aurora", JobClass.ON_DEMAND, "gb200", 64, t("2026-11-06T03:10:00Z"), 11);
        l.released(2, "finished", t("2026-11-06T10:10:00Z"), 12);
        l.placed(4, "aurora", JobClass.ON_DEMAND, "gb200", 1, t("2026-11-07T00:00:00Z"), 13);
        l.released(4, "finished", t("2026-11-07T00:00:00Z") + 1_001_000, 14);
        l.released(9, "finished", t("2026-11-09T12:00:00Z"), 15);
        l.placed(1, "aurora", JobClass.RESERVED, "gb200", 1152, t("2026-11-16T00:00:00Z"), 20);
        l.checkpointed(1, t("2026-11-20T05:00:00Z"));
        l.released(1, "requeued", t("2026-11-20T06:00:00Z"), 30);
        l.placed(1, "aurora", JobClass.RESERVED, "gb200", 1152, t("2026-11-20T06:30:00Z"), 31);
        l.placed(3, "aurora", JobClass.ON_DEMAND, "gb200", 256, t("2026-11-30T22:00:00Z"), 40);
        l.released(3, "finished", t("2026-12-01T02:00:00Z"), 41);
        return l;
    }

    @Test
    void invoice_scriptedNovember_equalsTheHandComputedBillToTheCent() {
        Invoice inv = scriptedNovember().invoice("aurora", NOVEMBER, t("2026-12-01T05:00:00Z"));
        assertThat(inv.id()).isEqualTo("2026-11-aurora");
        assertThat(inv.status()).isEqualTo("final");
        assertThat(inv.lines()).extracting(Invoice.Line::kind)
                .containsExactly("on-demand", "reserved-commitment", "reserved-use");
        Invoice.Line onDemand = inv.line(1);
        assertThat(onDemand.gpuMillis()).isEqualTo((512 + 192 + 448 + 512) * HOUR + 1_001_000);
        assertThat(onDemand.gpuHours()).isEqualTo("1664.278056");
        assertThat(onDemand.unitPrice()).isEqualTo("5.25");
        assertThat(onDemand.amount()).isEqualTo("8737.46");
        assertThat(onDemand.items()).extracting(Invoice.Item::job).containsExactly(2L, 2L, 2L, 4L, 3L);
        assertThat(onDemand.items()).extracting(Invoice.Item::release)
                .containsExactly("stopped", "requeued", "finished", "finished", "held");
        // Job 2 had no checkpoint: the 3 h before its node failed are lost.
        assertThat(onDemand.items().get(1).lostGpuMillis()).isEqualTo(192 * HOUR);
        // Job 3 is cut at the period's end; its release (in December) is not cited.
        assertThat(onDemand.items().get(4).releasedSeq()).isZero();
        assertThat(onDemand.items().get(4).toMillis()).isEqualTo(NOVEMBER.endMillis());
        Invoice.Line commitment = inv.line(2);
        assertThat(commitment.contractedGpus()).isEqualTo(1152);
        assertThat(commitment.gpuHours()).isEqualTo("414720.000000");
        assertThat(commitment.amount()).isEqualTo("1410048.00");
        Invoice.Line use = inv.line(3);
        assertThat(use.gpuMillis()).isEqualTo(1152 * (102 * HOUR + 257 * HOUR + HOUR / 2));
        assertThat(use.amount()).isEqualTo("0.00");
        assertThat(use.items().get(0).lostGpuMillis()).isEqualTo(1152 * HOUR);
        assertThat(inv.total()).isEqualTo("1418785.46");
        assertThat(inv.energy().kwh()).isEqualTo("598763.920");
        assertThat(inv.energy().kgCo2e()).isEqualTo("239505.568");
    }

    @Test
    void invoice_rivalsJobs_neverOnAnotherTenantsBill() {
        Ledger l = scriptedNovember();
        Invoice aurora = l.invoice("aurora", NOVEMBER, NOVEMBER.endMillis());
        Invoice rival = l.invoice("rival", NOVEMBER, NOVEMBER.endMillis());
        assertThat(aurora.lines()).flatExtracting(Invoice.Line::items).extracting(Invoice.Item::job)
                .doesNotContain(9L);
        assertThat(rival.lines()).hasSize(1);
        assertThat(rival.line(1).items()).extracting(Invoice.Item::job).containsExactly(9L);
        assertThat(rival.total()).isEqualTo("61378.56"); // 64 × 96 h × 9.99
    }

    @Test
    void invoice_december_carriesWhatCrossedTheMonthEnd() {
        Invoice dec = scriptedNovember().invoice("aurora", NOVEMBER.next(), t("2027-01-01T00:00:00Z"));
        assertThat(dec.line(1).kind()).isEqualTo("on-demand");
        assertThat(dec.line(1).gpuMillis()).isEqualTo(512 * HOUR);
        assertThat(dec.line(1).items().get(0).releasedSeq()).isEqualTo(41);
        assertThat(dec.line(2).amount()).isEqualTo("2914099.20"); // 1,152 × 744 h × 3.40
    }

    @Test
    void invoice_draftThenFinal_draftCountsOnlyWhatHappenedBeforeNow() {
        Ledger l = scriptedNovember();
        Invoice draft = l.invoice("aurora", NOVEMBER, t("2026-11-06T00:00:00Z"));
        assertThat(draft.status()).isEqualTo("draft");
        assertThat(draft.lines()).hasSize(1);
        assertThat(draft.line(1).gpuMillis()).isEqualTo(512 * HOUR);
        // Once the period is over the invoice never changes, however late it is computed.
        assertThat(l.invoice("aurora", NOVEMBER, NOVEMBER.endMillis()))
                .isEqualTo(l.invoice("aurora", NOVEMBER, t("2030-01-01T00:00:00Z")));
    }

    @Test
    void contractEnded_early_commitmentStopsThereAndCitesTheEnd() {
        Ledger l = new Ledger(EnergyFactors.NONE);
        l.contractSigned(new ContractTerms(1, "a", JobClass.RESERVED, "h100", 8, NOVEMBER.startMillis(),
                NOVEMBER.endMillis(), new BigDecimal("2"), "USD", 1), NOVEMBER.startMillis());
        l.contractEnded(1, NOVEMBER.startMillis() + 10 * HOUR + 1, 7);
        Invoice inv = l.invoice("a", NOVEMBER, NOVEMBER.endMillis());
        assertThat(inv.line(1).gpuMillis()).isEqualTo(8 * (10 * HOUR + 1));
        assertThat(inv.line(1).endedSeq()).isEqualTo(7);
        assertThat(inv.total()).isEqualTo("160.00"); // 80.000002 GPU-h × 2, half-even to the cent
    }

    private static Ledger slaMonth() {
        Ledger l = new Ledger(EnergyFactors.NONE);
        Sla sla = new Sla(List.of(new Sla.Tier(new BigDecimal("99.5"), new BigDecimal("10")),
                new Sla.Tier(new BigDecimal("99"), new BigDecimal("25")),
                new Sla.Tier(new BigDecimal("95"), new BigDecimal("100"))), 300_000, true);
        l.contractSigned(new ContractTerms(1, "a", JobClass.RESERVED, "gb200", 64, NOVEMBER.startMillis(),
                t("2027-06-01T00:00:00Z"), new BigDecimal("3.40"), "USD", 1, sla), NOVEMBER.startMillis());
        l.submitted(10, "a", JobClass.RESERVED, "gb200", 32, NOVEMBER.startMillis());
        l.placed(10, "a", JobClass.RESERVED, "gb200", 32, NOVEMBER.startMillis(), 3);
        // Job 11 fits the free 32 GPUs but waits 10 h: denied after the 5-minute grace, 9 h 55 min × 32 GPUs.
        l.submitted(11, "a", JobClass.RESERVED, "gb200", 32, t("2026-11-10T00:00:00Z"));
        l.placed(11, "a", JobClass.RESERVED, "gb200", 32, t("2026-11-10T10:00:00Z"), 5);
        // Job 10's node fails an hour after its checkpoint; it is placed again within the grace (not denied).
        l.checkpointed(10, t("2026-11-14T23:00:00Z"));
        l.released(10, "requeued", t("2026-11-15T00:00:00Z"), 6);
        l.placed(10, "a", JobClass.RESERVED, "gb200", 32, t("2026-11-15T00:03:00Z"), 7);
        // Job 12 does not fit what is free (nothing): its wait denies nothing.
        l.submitted(12, "a", JobClass.RESERVED, "gb200", 48, t("2026-11-20T00:00:00Z"));
        l.released(12, "cancelled", t("2026-11-21T00:00:00Z"), 8);
        return l;
    }

    @Test
    void invoice_slaContract_creditsAvailabilityBelowATierAndLostWork() {
        Invoice inv = slaMonth().invoice("a", NOVEMBER, NOVEMBER.endMillis());
        assertThat(inv.lines()).extracting(Invoice.Line::kind)
                .containsExactly("reserved-commitment", "reserved-use", "sla-credit", "lost-work-credit");
        assertThat(inv.line(1).amount()).isEqualTo("156672.00"); // 64 × 720 h × 3.40
        Invoice.Line sla = inv.line(3);
        assertThat(sla.gpuMillis()).isEqualTo(32L * (9 * HOUR + 55 * 60_000));
        // 1 − 317.333 / 46,080 GPU-hours = 99.3113 %: below 99.5, not below 99: 10 % of the commitment
        assertThat(sla.availabilityPercent()).isEqualTo("99.3113");
        assertThat(sla.creditPercent()).isEqualTo("10");
        assertThat(sla.amount()).isEqualTo("-15667.20");
        assertThat(inv.line(4).gpuMillis()).isEqualTo(32 * HOUR);
        assertThat(inv.line(4).amount()).isEqualTo("-108.80");
        assertThat(inv.total()).isEqualTo("140896.00");
    }

    @Test
    void invoice_slaDraft_availabilityToDate() {
        Invoice draft = slaMonth().invoice("a", NOVEMBER, t("2026-11-10T05:00:00Z"));
        Invoice.Line sla = draft.lines().stream().filter(l -> l.kind().equals("sla-credit")).findFirst().orElseThrow();
        // 32 GPUs denied for 4 h 55 min of 221 h × 64 GPUs entitled so far: 98.8876 %, below 99: 25 %
        assertThat(sla.availabilityPercent()).isEqualTo("98.8876");
        assertThat(sla.creditPercent()).isEqualTo("25");
    }

    @Test
    void sla_badTiers_areRefusedNamingTheValue() {
        assertThatThrownBy(() -> new Sla(List.of(new Sla.Tier(BigDecimal.ZERO, BigDecimal.TEN)), 0, false))
                .isInstanceOf(LedgerException.class).hasMessageContaining("below 0%");
        assertThatThrownBy(() -> new Sla(List.of(new Sla.Tier(BigDecimal.TEN, new BigDecimal("101"))), 0, false))
                .hasMessageContaining("credit 101%");
        assertThatThrownBy(() -> new Sla(List.of(new Sla.Tier(BigDecimal.TEN, BigDecimal.ONE),
                new Sla.Tier(new BigDecimal("10.0"), BigDecimal.ONE)), 0, false)).hasMessageContaining("given twice");
    }

    @Test
    void parse_badPeriods_areRefusedNamingTheValue() {
        for (String bad : new String[] {"2026-13", "2026-00", "26-11", "2026-1", "", "1999-12", "2026-11-01"}) {
            assertThatThrownBy(() -> BillingPeriod.parse(bad)).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThat(BillingPeriod.parse("9999-12").endMillis()).isEqualTo(t("+10000-01-01T00:00:00Z"));
    }

    /**
     * Over random histories: per tenant, the GPU-time billed across consecutive months equals the GPU-time its jobs
     * held, and no holding is billed twice or to another tenant.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 1234, 2026})
    void invoices_randomHistories_billEveryHeldGpuMillisecondOnceToItsTenant(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Ledger l = new Ledger(ENERGY);
        String[] tenants = {"a", "b", "c"};
        long start = t("2026-10-20T00:00:00Z");
        long contract = 1;
        for (String tn : tenants) {
            for (JobClass c : JobClass.values()) {
                l.contractSigned(new ContractTerms(contract, tn, c, "gb200", 64, start, t("2027-06-01T00:00:00Z"),
                        new BigDecimal(random.nextInt(1, 1000) + "." + random.nextInt(10, 100)), "USD", contract),
                        start);
                contract++;
            }
        }
        Map<Long, long[]> open = new HashMap<>(); // job -> {from, gpus, tenant index}
        Map<String, Long> held = new HashMap<>();
        long now = start;
        long seq = 100;
        long nextJob = 1;
        for (int step = 0; step < 3_000; step++) {
            now += random.nextLong(0, 6 * HOUR);
            if (open.isEmpty() || random.nextInt(3) == 0) {
                int ti = random.nextInt(tenants.length);
                int gpus = 1 + random.nextInt(512);
                long job = nextJob++;
                l.placed(job, tenants[ti], JobClass.values()[random.nextInt(3)], "gb200", gpus, now, seq++);
                open.put(job, new long[] {now, gpus, ti});
            } else {
                long job = new ArrayList<>(open.keySet()).get(random.nextInt(open.size()));
                long[] o = open.remove(job);
                l.released(job, List.of("finished", "stopped", "requeued", "cancelled").get(random.nextInt(4)), now,
                        seq++);
                held.merge(tenants[(int) o[2]], (now - o[0]) * o[1], Long::sum);
            }
        }
        for (var e : open.entrySet()) {
            held.merge(tenants[(int) e.getValue()[2]], (now - e.getValue()[0]) * e.getValue()[1], Long::sum);
        }
        for (String tn : tenants) {
            long billed = 0;
            Map<String, Long> perHolding = new HashMap<>();
            for (BillingPeriod p = BillingPeriod.containing(start); p.startMillis() <= now; p = p.next()) {
                Invoice inv = l.invoice(tn, p, now);
                for (Invoice.Line line : inv.lines()) {
                    if (!line.kind().equals("reserved-commitment")) {
                        long sum = 0;
                        for (Invoice.Item it : line.items()) {
                            sum += it.gpuMillis();
                            assertThat(it.fromMillis()).isGreaterThanOrEqualTo(p.startMillis());
                            assertThat(it.toMillis()).isLessThanOrEqualTo(p.endMillis());
                            perHolding.merge(it.placedSeq() + "@" + it.fromMillis(), 1L, Long::sum);
                        }
                        assertThat(line.gpuMillis()).isEqualTo(sum);
                        billed += sum;
                    }
                }
            }
            assertThat(billed).as("tenant %s, seed %d", tn, seed).isEqualTo(held.getOrDefault(tn, 0L));
            assertThat(perHolding.values()).allMatch(n -> n == 1);
        }
    }
}
