package org.colossus.perf;

import java.util.Locale;

/**
 * How an MoE layer moves routed token copies between expert-parallel ranks in different NVLink domains (inside one
 * domain every copy travels over NVLink either way).
 */
public enum TokenDispatcher {
    /**
     * A token crosses the network once per remote NVLink domain holding one of its experts, then is forwarded over
     * NVLink to the experts there: DeepEP's internode kernels, HybridEP, Megatron-Core's {@code flex} dispatcher. The
     * default, and what a search assumes: it never sends more bytes over the NICs than {@link #ALLTOALL}.
     */
    DEEPEP,
    /**
     * Every routed copy of a token crosses the network to its expert's GPU: an NCCL all-to-all, Megatron-Core's
     * {@code alltoall} dispatcher. A token whose top-k experts lie on two GPUs of one remote node crosses twice.
     */
    ALLTOALL;

    public String key() {
        return this == DEEPEP ? "deepep" : "alltoall";
    }

    public static TokenDispatcher parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "deepep", "hybridep", "flex" -> DEEPEP;
            case "alltoall", "nccl" -> ALLTOALL;
            default -> throw new PerfException("unknown token dispatcher '" + text
                    + "'; expected one of: deepep (also hybridep, flex), alltoall");
        };
    }
}
