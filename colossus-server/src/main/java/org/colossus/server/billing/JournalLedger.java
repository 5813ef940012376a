package org.colossus.server.billing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.colossus.ledger.ContractTerms;
import org.colossus.ledger.EnergyFactors;
import org.colossus.ledger.Ledger;
import org.colossus.ledger.Sla;
import org.colossus.scheduler.JobClass;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;

/**
 * Feeds a {@link Ledger} from journal entries. The server feeds it every committed entry; a tenant's verifier feeds
 * it the entries it proved in the audit log, which are exactly the ones a tenant's bill rests on (its contracts,
 * jobs, placements, releases and issued invoices carry its name).
 */
public final class JournalLedger {
    /** The entry types the ledger reads; the others are skipped without being parsed. */
    public static final Set<String> TYPES = Set.of("contract.signed", "contract.ended", "job.submitted", "job.placed",
            "job.checkpointed", "job.finished", "job.cancelled", "job.stopped", "job.requeued", "job.failed",
            "invoice.issued");

    private record Job(String tenant, JobClass jobClass, String gpuModel, int gpus) {
    }

    private final Ledger ledger;
    private final Map<Long, Job> jobs = new HashMap<>();

    public JournalLedger(EnergyFactors energy) {
        this.ledger = new Ledger(energy);
    }

    public Ledger ledger() {
        return ledger;
    }

    /** The journal's service level as the ledger's (null stays null). */
    public static Sla sla(Payload.SlaTerms terms) {
        if (terms == null) {
            return null;
        }
        List<Sla.Tier> tiers = new ArrayList<>();
        for (Payload.SlaTier t : terms.credits()) {
            tiers.add(new Sla.Tier(new BigDecimal(t.belowPercent()), new BigDecimal(t.creditPercent())));
        }
        return new Sla(tiers, terms.graceMillis(), terms.creditLostWork());
    }

    public void accept(Entry e) {
        if (TYPES.contains(e.type())) {
            accept(e, Payload.parse(e.type(), e.payload()));
        }
    }

    public void accept(Entry e, Payload p) {
        long t = e.timeMillis();
        switch (p) {
            case Payload.ContractSigned c -> ledger.contractSigned(new ContractTerms(c.id(), c.tenant(),
                    JobClass.parse(c.jobClass()), c.gpuModel(), c.gpus(), c.startMillis(), c.endMillis(),
                    new BigDecimal(c.pricePerGpuHour()), "USD", e.seq(), sla(c.sla())), t);
            case Payload.ContractEnded c -> ledger.contractEnded(c.id(), t, e.seq());
            case Payload.JobSubmitted j -> {
                Job job = new Job(e.tenant(), JobClass.parse(j.jobClass()), j.gpuModel(), j.gpus());
                jobs.put(j.id(), job);
                ledger.submitted(j.id(), job.tenant(), job.jobClass(), job.gpuModel(), job.gpus(), t);
            }
            case Payload.JobPlaced x -> {
                Job j = jobs.get(x.id());
                if (j != null) {
                    ledger.placed(x.id(), j.tenant(), j.jobClass(), j.gpuModel(), j.gpus(), t, e.seq());
                }
            }
            case Payload.JobCheckpointed c -> ledger.checkpointed(c.id(), t);
            case Payload.JobFinished f -> ledger.released(f.id(),
                    Boolean.TRUE.equals(f.timeLimit()) ? "timeout" : "finished", t, e.seq());
            case Payload.JobCancelled c -> ledger.released(c.id(), "cancelled", t, e.seq());
            case Payload.JobStopped s -> ledger.released(s.id(), "stopped", t, e.seq());
            case Payload.JobRequeued r -> ledger.released(r.id(), "requeued", t, e.seq());
            case Payload.JobFailed f -> ledger.released(f.id(), "failed", t, e.seq());
            case Payload.InvoiceIssued i -> ledger.issued(new Ledger.Issued(i.id(), i.tenant(), i.period(), i.sha256(),
                    t, e.seq()));
            default -> {
            }
        }
    }
}
