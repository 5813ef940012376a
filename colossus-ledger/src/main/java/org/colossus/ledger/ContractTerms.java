package org.colossus.ledger;

import java.math.BigDecimal;
import org.colossus.scheduler.JobClass;

/**
 * What a contract bills: its GPUs, term and price, as signed.
 *
 * @param endMillis the signed end; an earlier end by the operator is a separate event
 * @param signedSeq the journal entry that signed it (cited by the invoice)
 * @param sla its service level, or null for none
 */
public record ContractTerms(long id, String tenant, JobClass jobClass, String gpuModel, int gpus, long startMillis,
                            long endMillis, BigDecimal pricePerGpuHour, String currency, long signedSeq, Sla sla) {
    /** A contract without a service level. */
    public ContractTerms(long id, String tenant, JobClass jobClass, String gpuModel, int gpus, long startMillis,
                         long endMillis, BigDecimal pricePerGpuHour, String currency, long signedSeq) {
        this(id, tenant, jobClass, gpuModel, gpus, startMillis, endMillis, pricePerGpuHour, currency, signedSeq, null);
    }
}
