package org.colossus.perf;

import java.util.Objects;

/**
 * A dense or MoE decoder-only transformer, as much as throughput and memory depend on it.
 *
 * @param ffnHidden FFN width of dense layers (all layers of a dense model; the first {@code denseLayers} of an MoE)
 * @param headDim per-head width of Q/K/V (default hidden / heads)
 * @param gated SwiGLU-style MLP with three matrices (gate, up, down) instead of two
 * @param moe experts; {@code null} for a dense model
 * @param mla multi-head latent attention (DeepSeek-V2/V3); {@code null} for MHA/GQA
 * @param slidingWindowTokens attention window of sliding-window layers; 0 for none
 * @param slidingWindowLayerFraction share of layers that use the window (0.5 for alternating)
 * @param defaultBatchTokens a typical global batch in tokens, used when a search is given none
 * @param source where the dimensions come from
 */
public record ModelSpec(
        String id,
        String name,
        int layers,
        int hidden,
        int ffnHidden,
        int heads,
        int kvHeads,
        int headDim,
        int vocab,
        int seqLen,
        boolean gated,
        boolean tiedEmbeddings,
        Moe moe,
        Mla mla,
        int slidingWindowTokens,
        double slidingWindowLayerFraction,
        long defaultBatchTokens,
        String source) {

    /**
     * @param expertFfnHidden FFN width of one routed (and shared) expert
     * @param denseLayers the first layers that use a dense FFN instead of experts
     */
    public record Moe(int experts, int topK, int expertFfnHidden, int sharedExperts, int denseLayers) {
        public Moe {
            if (experts < 1 || topK < 1 || topK > experts || expertFfnHidden < 1 || sharedExperts < 0 || denseLayers < 0) {
                throw new PerfException("MoE: expected experts >= 1, 1 <= topK <= experts, expertFfnHidden >= 1,"
                        + " sharedExperts >= 0, denseLayers >= 0; got experts " + experts + ", topK " + topK
                        + ", expertFfnHidden " + expertFfnHidden + ", sharedExperts " + sharedExperts
                        + ", denseLayers " + denseLayers);
            }
        }
    }

    /** DeepSeek's multi-head latent attention: low-rank Q and compressed KV. */
    public record Mla(int qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim) {
    }

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        if (layers < 1 || hidden < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || vocab < 1 || seqLen < 1) {
            throw new PerfException("model " + id + ": layers, hidden, heads, kvHeads, headDim, vocab and seqLen must be >= 1");
        }
        if (heads % kvHeads != 0) {
            throw new PerfException("model " + id + ": heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        if (moe != null && moe.denseLayers() > layers) {
            throw new PerfException("model " + id + ": denseLayers (" + moe.denseLayers() + ") exceeds layers (" + layers + ")");
        }
    }

    public boolean isMoe() {
        return moe != null;
    }

    public int moeLayers() {
        return moe == null ? 0 : layers - moe.denseLayers();
    }

    public int denseFfnLayers() {
        return layers - moeLayers();
    }

    /** Width of the attention output (heads x value head dim). */
    public int attentionOutDim() {
        return mla == null ? heads * headDim : heads * mla.vHeadDim();
    }

    /** Per-head width of the Q·K product. */
    public int qkHeadDim() {
        return mla == null ? headDim : mla.qkNopeHeadDim() + mla.qkRopeHeadDim();
    }

    /** Weights of one attention block (projections only). */
    public long attentionParams() {
        long h = hidden;
        if (mla == null) {
            return h * heads * headDim + 2L * h * kvHeads * headDim + (long) heads * headDim * h;
        }
        long qk = qkHeadDim();
        long q = mla.qLoraRank() > 0
                ? h * mla.qLoraRank() + (long) mla.qLoraRank() * heads * qk
                : h * heads * qk;
        long kv = h * (mla.kvLoraRank() + mla.qkRopeHeadDim())
                + (long) mla.kvLoraRank() * heads * (mla.qkNopeHeadDim() + mla.vHeadDim());
        return q + kv + (long) heads * mla.vHeadDim() * h;
    }

    /** Weights of one FFN of the given width. */
    public long ffnParams(int width) {
        return (gated ? 3L : 2L) * hidden * width;
    }

    /** Weights of all routed experts of one MoE layer, plus shared experts and router. */
    public long moeLayerParams() {
        return (long) (moe.experts() + moe.sharedExperts()) * ffnParams(moe.expertFfnHidden())
                + (long) hidden * moe.experts();
    }

    public long embeddingParams() {
        return (long) vocab * hidden;
    }

    /** All weights (embedding and output layer counted once if tied). */
    public long totalParams() {
        long perLayerNorms = 2L * hidden;
        long total = layers * (attentionParams() + perLayerNorms)
                + (long) denseFfnLayers() * ffnParams(ffnHidden)
                + (isMoe() ? moeLayers() * moeLayerParams() : 0)
                + embeddingParams() * (tiedEmbeddings ? 1 : 2) + hidden;
        return total;
    }

    /**
     * Weights one token's matrix multiplications use (routed experts counted topK times), plus norms; the input
     * embedding is a lookup and not counted, the output layer is (the convention of the gpt-oss and DeepSeek-V3 cards).
     */
    public long activeParams() {
        long moeActive = isMoe()
                ? moeLayers() * ((long) (moe.topK() + moe.sharedExperts()) * ffnParams(moe.expertFfnHidden())
                + (long) hidden * moe.experts())
                : 0;
        return layers * (attentionParams() + 2L * hidden) + (long) denseFfnLayers() * ffnParams(ffnHidden) + moeActive
                + embeddingParams() + hidden;
    }

    public ModelSpec withSeqLen(int newSeqLen) {
        return new ModelSpec(id, name, layers, hidden, ffnHidden, heads, kvHeads, headDim, vocab, newSeqLen, gated,
                tiedEmbeddings, moe, mla, slidingWindowTokens, slidingWindowLayerFraction, defaultBatchTokens, source);
    }
}
