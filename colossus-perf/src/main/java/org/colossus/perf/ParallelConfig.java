package org.colossus.perf;

/**
 * One way to lay a training run over GPUs (Megatron's terms). Data parallelism is what is left:
 * {@code dp = gpus / (tp * pp * cp)}; expert parallelism is carved out of {@code dp x cp x tp} ranks.
 *
 * @param vp virtual (interleaved) pipeline stages per GPU; 1 = plain 1F1B
 * @param mbs micro-batch size in sequences
 * @param gbs global batch size in sequences
 */
public record ParallelConfig(int tp, int pp, int vp, int cp, int ep, int mbs, int gbs, int seqLen,
                             Recompute recompute, TrainingPrecision precision, Sharding sharding) {

    public ParallelConfig {
        if (tp < 1 || pp < 1 || vp < 1 || cp < 1 || ep < 1 || mbs < 1 || gbs < 1 || seqLen < 1) {
            throw new PerfException("tp, pp, vp, cp, ep, mbs, gbs and seq must all be >= 1; got tp " + tp + ", pp " + pp
                    + ", vp " + vp + ", cp " + cp + ", ep " + ep + ", mbs " + mbs + ", gbs " + gbs + ", seq " + seqLen);
        }
    }

    public int modelParallel() {
        return tp * pp * cp;
    }

    public String describe() {
        return "tp" + tp + " pp" + pp + (vp > 1 ? " vp" + vp : "") + " cp" + cp + " ep" + ep + " mbs" + mbs + " gbs" + gbs
                + " seq" + seqLen + " " + precision.key() + " recompute-" + recompute.key() + " " + sharding.key();
    }
}
