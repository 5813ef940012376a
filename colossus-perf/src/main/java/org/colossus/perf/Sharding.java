package org.colossus.perf;

import java.util.Locale;

/** How data-parallel replicas share model state. */
public enum Sharding {
    /** Plain DDP: every replica holds weights, gradients and optimizer states; gradients are all-reduced. */
    NONE,
    /**
     * DDP whose gradients are all-reduced once after the backward pass, with no overlap (Megatron-DeepSpeed without
     * gradient bucketing, as vTrain's measurements ran); never proposed by a search.
     */
    DDP_UNBUCKETED,
    /** Megatron distributed optimizer / ZeRO-1: optimizer states sharded; reduce-scatter grads, all-gather params. */
    DISTRIBUTED_OPTIMIZER,
    /** FSDP / ZeRO-3: weights, gradients and optimizer states sharded; weights gathered layer by layer. */
    FSDP;

    public String key() {
        return switch (this) {
            case NONE -> "ddp";
            case DDP_UNBUCKETED -> "ddp-unbucketed";
            case DISTRIBUTED_OPTIMIZER -> "zero1";
            case FSDP -> "fsdp";
        };
    }

    public static Sharding parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "ddp", "none" -> NONE;
            case "ddp-unbucketed" -> DDP_UNBUCKETED;
            case "zero1", "distributed-optimizer", "distopt" -> DISTRIBUTED_OPTIMIZER;
            case "fsdp", "zero3" -> FSDP;
            default -> throw new PerfException("unknown sharding '" + text + "'; expected one of: ddp, ddp-unbucketed, zero1, fsdp");
        };
    }
}
