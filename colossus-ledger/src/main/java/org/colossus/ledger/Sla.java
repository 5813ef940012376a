package org.colossus.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A reserved contract's service level, in the form cloud SLAs take: credit tiers by monthly availability (below 99.5%
 * a 10% credit, below 99% 25%, ...: the figures are the contract's), a grace before a denied reservation counts (the
 * time the operator has to free GPUs by preemption), and whether work lost to node failures is credited.
 *
 * <p>Availability of a reserved contract in a period = 1 − denied GPU-time / committed GPU-time, where denied GPU-time
 * is, at every moment, the reserved GPUs the tenant asked for and was entitled to but did not hold: the GPUs of its
 * queued reserved jobs that each fit in its contracted GPUs minus those it holds, once each has waited longer than the
 * grace (capped at that free entitlement). Nodes down, or GPUs not freed for the tenant in time, deny; a job too big
 * for the free entitlement does not.
 *
 * @param tiers each {@code belowPercent} with its {@code creditPercent} of the period's commitment; the largest credit
 *              whose threshold the availability is below applies
 */
public record Sla(List<Tier> tiers, long graceMillis, boolean creditLostWork) {
    public record Tier(BigDecimal belowPercent, BigDecimal creditPercent) {
    }

    public Sla {
        tiers = List.copyOf(tiers);
        if (graceMillis < 0) {
            throw new LedgerException("SLA grace " + graceMillis + " ms: expected 0 or more");
        }
        List<BigDecimal> seen = new ArrayList<>();
        for (Tier t : tiers) {
            if (t.belowPercent().signum() <= 0 || t.belowPercent().compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new LedgerException("SLA tier below " + t.belowPercent() + "%: expected a threshold above 0 and"
                        + " at most 100");
            }
            if (t.creditPercent().signum() < 0 || t.creditPercent().compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new LedgerException("SLA tier credit " + t.creditPercent() + "%: expected 0 to 100");
            }
            if (seen.stream().anyMatch(s -> s.compareTo(t.belowPercent()) == 0)) {
                throw new LedgerException("SLA tier below " + t.belowPercent() + "% is given twice");
            }
            seen.add(t.belowPercent());
        }
    }

    /** The credit (percent of the commitment) for an availability in percent; zero if no tier applies. */
    public BigDecimal creditPercent(BigDecimal availabilityPercent) {
        return tiers.stream().filter(t -> availabilityPercent.compareTo(t.belowPercent()) < 0)
                .map(Tier::creditPercent).max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO);
    }
}
