package org.colossus.sim;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.NodeType;
import org.colossus.ledger.BillingPeriod;
import org.colossus.ledger.ContractTerms;
import org.colossus.ledger.EnergyFactors;
import org.colossus.ledger.Invoice;
import org.colossus.ledger.Ledger;
import org.colossus.scheduler.JobClass;

/**
 * Billing in the simulator: the live server's ledger, fed the simulation's placements and releases, so that a
 * scenario reports revenue, energy and emissions computed by the same code as the invoices.
 *
 * <p>Each tenant gets a reserved contract for each period of its scenario's {@code reservedGpus} and an on-demand and
 * a preemptible contract without commitment, all at the scenario's prices.
 *
 * @param startMillis the wall-clock time of simulated second 0 (billing periods are calendar months)
 * @param pricePerGpuHour by job class, in USD
 */
public record SimBilling(long startMillis, Map<JobClass, BigDecimal> pricePerGpuHour) {
    /**
     * Illustrative list prices (USD per GPU-hour), not market data: the same as {@code colossus demo}'s contracts. A
     * scenario sets its own under {@code billing.prices}.
     */
    public static final SimBilling DEFAULT = new SimBilling(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(),
            Map.of(JobClass.RESERVED, new BigDecimal("3.40"), JobClass.ON_DEMAND, new BigDecimal("4.20"),
                    JobClass.PREEMPTIBLE, new BigDecimal("1.90")));

    public SimBilling {
        pricePerGpuHour = Map.copyOf(new EnumMap<>(pricePerGpuHour));
    }

    long millis(double seconds) {
        return startMillis + Math.round(seconds * 1000);
    }

    /** A ledger with the tenants' contracts, ready to be fed the run. */
    Ledger ledger(Fleet fleet, List<String> tenants, List<Simulation.ContractChange> changes, double horizonSeconds) {
        Ledger ledger = new Ledger(EnergyFactors.of(fleet));
        List<String> models = new ArrayList<>();
        for (NodeType t : fleet.nodeTypes()) {
            if (!models.contains(t.gpu().id())) {
                models.add(t.gpu().id());
            }
        }
        long end = millis(Double.isInfinite(horizonSeconds) ? 10 * 365 * 86400.0 : horizonSeconds) + 1;
        long id = 1;
        for (String tenant : tenants) {
            for (String model : models) {
                for (JobClass c : List.of(JobClass.ON_DEMAND, JobClass.PREEMPTIBLE)) {
                    ledger.contractSigned(new ContractTerms(id, tenant, c, model, 0, startMillis, end,
                            pricePerGpuHour.get(c), "USD", 0), startMillis);
                    id++;
                }
            }
            // Reserved capacity: one contract per stretch of the tenant's reservedGpus (changes are in time order).
            double from = 0;
            int gpus = 0;
            List<double[]> stretches = new ArrayList<>();
            for (Simulation.ContractChange ch : changes.stream()
                    .sorted(java.util.Comparator.comparingDouble(Simulation.ContractChange::fromSeconds)).toList()) {
                if (ch.tenant().equals(tenant)) {
                    if (gpus > 0 && ch.fromSeconds() > from) {
                        stretches.add(new double[] {from, ch.fromSeconds(), gpus});
                    }
                    from = ch.fromSeconds();
                    gpus = ch.gpus();
                }
            }
            if (gpus > 0) {
                stretches.add(new double[] {from, Double.POSITIVE_INFINITY, gpus});
            }
            for (double[] s : stretches) {
                // Commitments are in the fleet's first GPU model: the scenario reserves GPUs, not models.
                ledger.contractSigned(new ContractTerms(id++, tenant, JobClass.RESERVED, models.get(0), (int) s[2],
                        millis(s[0]), Double.isInfinite(s[1]) ? end : millis(s[1]),
                        pricePerGpuHour.get(JobClass.RESERVED), "USD", 0), startMillis);
            }
        }
        return ledger;
    }

    /** Revenue, energy and emissions of the run: every tenant's invoices for the months it covers, summed. */
    SimResult.Revenue revenue(Ledger ledger, List<String> tenants, double horizonSeconds) {
        long asOf = millis(horizonSeconds);
        int steps = 100;
        double[] amount = new double[steps + 1];
        double[] kwhSeries = new double[steps + 1];
        List<SimResult.TenantRevenue> out = new ArrayList<>();
        BigDecimal[] sum = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO};
        for (String tenant : tenants) {
            BigDecimal reserved = BigDecimal.ZERO;
            BigDecimal onDemand = BigDecimal.ZERO;
            BigDecimal preemptible = BigDecimal.ZERO;
            BigDecimal kwh = BigDecimal.ZERO;
            BigDecimal kg = BigDecimal.ZERO;
            long lostGpuMillis = 0;
            for (BillingPeriod p = BillingPeriod.containing(startMillis); p.startMillis() < asOf; p = p.next()) {
                Invoice inv = ledger.invoice(tenant, p, asOf);
                for (Invoice.Line l : inv.lines()) {
                    BigDecimal a = new BigDecimal(l.amount());
                    double price = Double.parseDouble(l.unitPrice());
                    if (l.kind().equals("reserved-commitment")) {
                        spread(amount, l.fromMillis(), l.toMillis(), l.gpuMillis() / 3.6e6 * price, asOf);
                    }
                    for (Invoice.Item i : l.items()) {
                        spread(amount, i.fromMillis(), i.toMillis(), i.gpuMillis() / 3.6e6 * price, asOf);
                        spread(kwhSeries, i.fromMillis(), i.toMillis(), Double.parseDouble(i.energyWh()) / 1000, asOf);
                    }
                    switch (l.kind()) {
                        case "reserved-commitment" -> reserved = reserved.add(a);
                        case "on-demand" -> onDemand = onDemand.add(a);
                        case "preemptible" -> preemptible = preemptible.add(a);
                        default -> {
                        }
                    }
                    for (Invoice.Item i : l.items()) {
                        lostGpuMillis += i.lostGpuMillis();
                    }
                }
                kwh = kwh.add(new BigDecimal(inv.energy().kwh()));
                kg = kg.add(new BigDecimal(inv.energy().kgCo2e()));
            }
            BigDecimal total = reserved.add(onDemand).add(preemptible);
            out.add(new SimResult.TenantRevenue(tenant, reserved.toPlainString(), onDemand.toPlainString(),
                    preemptible.toPlainString(), total.toPlainString(), kwh.toPlainString(), kg.toPlainString(),
                    lostGpuMillis / 3.6e6));
            BigDecimal[] add = {reserved, onDemand, preemptible, total, kwh, kg};
            for (int i = 0; i < sum.length; i++) {
                sum[i] = sum[i].add(add[i]);
            }
        }
        double[] times = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            times[i] = horizonSeconds * i / steps;
            if (i > 0) {
                amount[i] += amount[i - 1];
                kwhSeries[i] += kwhSeries[i - 1];
            }
        }
        return new SimResult.Revenue("USD", Instant.ofEpochMilli(startMillis).toString(), out,
                new SimResult.TenantRevenue("all", sum[0].toPlainString(), sum[1].toPlainString(),
                        sum[2].toPlainString(), sum[3].toPlainString(), sum[4].toPlainString(), sum[5].toPlainString(),
                        out.stream().mapToDouble(SimResult.TenantRevenue::lostGpuHours).sum()),
                new SimResult.RevenueSeries(times, amount, kwhSeries));
    }

    /**
     * Adds {@code value}, spread evenly over [from, to), into the steps of {@code series} (step i covers the time up to
     * sample i); cumulated by the caller.
     */
    private void spread(double[] series, long fromMillis, long toMillis, double value, long asOfMillis) {
        int steps = series.length - 1;
        double span = asOfMillis - startMillis;
        if (toMillis <= fromMillis || span <= 0) {
            return;
        }
        double a = (fromMillis - startMillis) / span * steps;
        double b = (toMillis - startMillis) / span * steps;
        double perStep = value / (b - a);
        for (int i = Math.max(0, (int) Math.floor(a)); i < Math.min(steps, (int) Math.ceil(b)); i++) {
            double overlap = Math.min(b, i + 1) - Math.max(a, i);
            if (overlap > 0) {
                series[i + 1] += perStep * overlap;
            }
        }
    }
}
