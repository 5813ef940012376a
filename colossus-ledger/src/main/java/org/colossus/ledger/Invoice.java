package org.colossus.ledger;

import java.util.List;

/**
 * One tenant's bill for one period, in the form it is issued, hashed and verified: every number is a decimal string
 * (exact, in the units its name says) or an integer, so its canonical JSON is the same wherever it is computed.
 *
 * @param id {@code PERIOD-TENANT}, e.g. {@code 2026-11-aurora-labs}
 * @param status {@code draft} (the period is still open; amounts to {@code asOfMillis}), {@code final} (the period
 *               is over, not issued yet) or {@code issued} (its SHA-256 is in the journal)
 * @param asOfMillis entries before this time are billed: the period's end once it is over
 * @param lines billed lines and information lines (amount 0.00), in contract order
 * @param total the sum of the lines' rounded amounts
 */
public record Invoice(String id, String tenant, String period, long periodStartMillis, long periodEndMillis,
                      String status, long asOfMillis, String currency, List<Line> lines, String total, Energy energy) {
    public Invoice {
        lines = List.copyOf(lines);
    }

    /**
     * One line: a reserved commitment (contracted GPUs over the contract's time in the period), GPU-time held by
     * on-demand or preemptible jobs, or the information line of the GPU-time reserved jobs used under their commitment.
     *
     * @param number 1, 2, 3, ... in the invoice
     * @param kind {@code reserved-commitment}, {@code on-demand}, {@code preemptible}, {@code reserved-use}, or a
     *             credit of a contract's service level: {@code sla-credit} (availability below a tier) or
     *             {@code lost-work-credit} (work lost to node failures); credits have negative amounts
     * @param contractId the contract it bills, or -1 for jobs without one (billed at 0.00)
     * @param signedSeq the journal entry that signed the contract (0 without one)
     * @param endedSeq the entry of an early end by the operator in the period, else 0
     * @param fromMillis the commitment's start in the period, or a usage line's first held millisecond
     * @param toMillis the commitment's end in the period, or a usage line's last held millisecond
     * @param gpuMillis GPU-milliseconds of the line (its quantity)
     * @param gpuHours the same in GPU-hours, 6 decimals
     * @param unitPrice per GPU-hour
     * @param amount {@code gpuMillis} × {@code unitPrice} / 3,600,000, rounded half-even to the currency's minor unit
     * @param items the jobs' holdings behind a usage line (empty for a commitment or a credit)
     * @param availabilityPercent for an {@code sla-credit}: the contract's availability in the period, 4 decimals
     *                            ({@code gpuMillis} is then the denied GPU-time); null on other lines
     * @param creditPercent for an {@code sla-credit}: the tier's credit of the commitment; null on other lines
     */
    public record Line(int number, String kind, long contractId, String gpuModel, long signedSeq, long endedSeq,
                       int contractedGpus, long fromMillis, long toMillis, long gpuMillis, String gpuHours,
                       String unitPrice, String amount, List<Item> items, String availabilityPercent,
                       String creditPercent) {
        public Line {
            items = List.copyOf(items);
        }
    }

    /**
     * One job's holding of GPUs within the period: placement to release, clipped to the period.
     *
     * @param placedSeq the {@code job.placed} entry
     * @param releasedSeq the entry that released the GPUs, or 0 if the job still held them at {@code asOfMillis}
     * @param release {@code finished}, {@code timeout} (stopped at its time limit), {@code cancelled}, {@code stopped}
     *                (preempted), {@code requeued} (its node failed), {@code failed}, or {@code held}
     * @param lostGpuMillis for a holding ended by a node failure: GPU-time since the job's last checkpoint (or its
     *                      placement), lost and run again
     * @param energyWh facility energy of the holding (GPU draw × PUE), 3 decimals
     */
    public record Item(long job, int gpus, long fromMillis, long toMillis, long gpuMillis, long placedSeq,
                       long releasedSeq, String release, long lostGpuMillis, String energyWh) {
    }

    /**
     * Information: the energy the billed holdings drew at the facility's meter and its emissions.
     *
     * @param kwh facility energy, 3 decimals
     * @param kgCo2e emissions, 3 decimals
     * @param wattsPerGpu the per-GPU draw used, by GPU model (decimal strings)
     */
    public record Energy(String kwh, String kgCo2e, String pue, String kgCo2ePerKwh,
                         java.util.Map<String, String> wattsPerGpu) {
    }

    /** The same invoice with another status. */
    public Invoice withStatus(String newStatus) {
        return new Invoice(id, tenant, period, periodStartMillis, periodEndMillis, newStatus, asOfMillis, currency,
                lines, total, energy);
    }

    /** The line numbered {@code number}, for messages; null if none. */
    public Line line(int number) {
        return number >= 1 && number <= lines.size() ? lines.get(number - 1) : null;
    }
}
