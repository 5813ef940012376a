package org.colossus.perf;

/**
 * One way to lay a training run over GPUs (Megatron's terms). Data parallelism is what is left:
 * {@code dp = gpus / (tp * pp * cp)}; expert parallelism is carved out of {@code dp x cp x tp} ranks.
 *
 * @param vp virtual (interleaved) pipeline stages per GPU; 1 = plain 1F1B
 * @param mbs micro-batch size in sequences
 * @param gbs global batch size in sequences
 * @param dispatcher how routed tokens cross between NVLink domains (only matters when the EP group spans several)
 */
public record ParallelConfig(int tp, int pp, int vp, int cp, int ep, int mbs, int gbs, int seqLen,
                             Recompute recompute, TrainingPrecision precision, Sharding sharding,
                             TokenDispatcher dispatcher) {

    /** A configuration whose MoE layers dispatch the DeepEP way (the default). */
    public ParallelConfig(int tp, int pp, int vp, int cp, int ep, int mbs, int gbs, int seqLen, Recompute recompute,
                          TrainingPrecision precision, Sharding sharding) {
        this(tp, pp, vp, cp, ep, mbs, gbs, seqLen, recompute, precision, sharding, TokenDispatcher.DEEPEP);
    }

    public ParallelConfig {
        java.util.Objects.requireNonNull(dispatcher, "dispatcher");
        if (tp < 1 || pp < 1 || vp < 1 || cp < 1 || ep < 1 || mbs < 1 || gbs < 1 || seqLen < 1) {
            throw new PerfException("tp, pp, vp, cp, ep, mbs, gbs and seq must all be >= 1; got tp " + tp + ", pp " + pp
                    + ", vp " + vp + ", cp " + cp + ", ep " + ep + ", mbs " + mbs + ", gbs " + gbs + ", seq " + seqLen);
        }
        // Products of the degrees size groups of GPUs and divide counts: bounded here so that no later int product
        // overflows (tp 65536 x pp 65536 wrapped to 0 and divided by it).
        long modelParallel = (long) tp * pp * cp;
        if (modelParallel > MAX_GPUS) {
            throw new PerfException("tp x pp x cp = " + tp + " x " + pp + " x " + cp + " = " + modelParallel
                    + ": more GPUs than any job may have (at most " + MAX_GPUS + ")");
        }
        if ((long) ep * tp > MAX_GPUS || (long) vp * pp > MAX_GPUS || (long) mbs * seqLen > Integer.MAX_VALUE) {
            throw new PerfException("ep x tp, vp x pp and mbs x seq are bounded (got ep " + ep + ", vp " + vp + ", mbs "
                    + mbs + " for tp " + tp + ", pp " + pp + ", seq " + seqLen + ")");
        }
    }

    /** The most GPUs one configuration may span (2^20, over a million). */
    public static final int MAX_GPUS = 1 << 20;

    public int modelParallel() {
        return tp * pp * cp;
    }

    public String describe() {
        return "tp" + tp + " pp" + pp + (vp > 1 ? " vp" + vp : "") + " cp" + cp + " ep" + ep + " mbs" + mbs + " gbs" + gbs
                + " seq" + seqLen + " " + precision.key() + " recompute-" + recompute.key() + " " + sharding.key()
                + (dispatcher == TokenDispatcher.DEEPEP ? "" : " dispatcher-" + dispatcher.key());
    }
}
