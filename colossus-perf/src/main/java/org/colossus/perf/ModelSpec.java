package org.colossus.perf;

import java.util.Objects;

/**
 * A dense or MoE decoder-only transformer, or a hybrid of Mamba-2, attention and MLP blocks, as much as throughput
 * and memory depend on it.
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
 * @param hybrid the block pattern and Mamba-2 dimensions of a hybrid model (Nemotron-H); {@code null} for a
 *     transformer, whose every layer is attention + MLP. In a hybrid each of {@code layers} is one block.
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
        String source,
        Hybrid hybrid) {

    public ModelSpec(String id, String name, int layers, int hidden, int ffnHidden, int heads, int kvHeads, int headDim,
                     int vocab, int seqLen, boolean gated, boolean tiedEmbeddings, Moe moe, Mla mla,
                     int slidingWindowTokens, double slidingWindowLayerFraction, long defaultBatchTokens, String source) {
        this(id, name, layers, hidden, ffnHidden, heads, kvHeads, headDim, vocab, seqLen, gated, tiedEmbeddings, moe, mla,
                slidingWindowTokens, slidingWindowLayerFraction, defaultBatchTokens, source, null);
    }

    /**
     * A hybrid model's blocks, one character each as Megatron-Core's {@code hybrid_override_pattern} writes them:
     * {@code M} Mamba-2 mixer, {@code *} self-attention, {@code -} dense MLP, {@code E} MoE. Each block is a norm,
     * its mixer and a residual. A value (equality by its fields), a class rather than a record so that the blocks
     * of each kind are counted once.
     */
    public static final class Hybrid {
        private final String pattern;
        private final int mambaHeads;
        private final int mambaHeadDim;
        private final int groups;
        private final int stateDim;
        private final int convKernel;
        private final int chunkSize;
        /** Blocks of each kind, counted once: the performance model asks on every configuration it evaluates. */
        private final int[] counts = new int[128];

        /**
         * @param mambaHeads Mamba-2 heads (the inner width is heads x headDim, expand x hidden)
         * @param groups B and C groups (shared across the heads of a group, like GQA's key-value heads)
         * @param stateDim SSM state size N
         * @param chunkSize the SSD algorithm's chunk length Q (Dao and Gu 2024, arXiv:2405.21060: 128 or 256)
         */
        public Hybrid(String pattern, int mambaHeads, int mambaHeadDim, int groups, int stateDim, int convKernel,
                      int chunkSize) {
            Objects.requireNonNull(pattern, "pattern");
            if (!pattern.matches("[M*\\-E]+")) {
                throw new PerfException("hybrid pattern '" + pattern + "': expected only M (Mamba-2), * (attention),"
                        + " - (MLP) and E (MoE)");
            }
            if (mambaHeads < 1 || mambaHeadDim < 1 || groups < 1 || stateDim < 1 || convKernel < 1 || chunkSize < 1
                    || mambaHeads % groups != 0) {
                throw new PerfException("hybrid: expected mambaHeads, mambaHeadDim, groups, stateDim, convKernel and"
                        + " chunkSize >= 1 with groups dividing mambaHeads; got heads " + mambaHeads + ", headDim "
                        + mambaHeadDim + ", groups " + groups + ", state " + stateDim + ", conv " + convKernel
                        + ", chunk " + chunkSize);
            }
            this.pattern = pattern;
            this.mambaHeads = mambaHeads;
            this.mambaHeadDim = mambaHeadDim;
            this.groups = groups;
            this.stateDim = stateDim;
            this.convKernel = convKernel;
            this.chunkSize = chunkSize;
            for (int i = 0; i < pattern.length(); i++) {
                counts[pattern.charAt(i)]++;
            }
        }

        public String pattern() {
            return pattern;
        }

        public int mambaHeads() {
            return mambaHeads;
        }

        public int mambaHeadDim() {
            return mambaHeadDim;
        }

        public int groups() {
            return groups;
        }

        public int stateDim() {
            return stateDim;
        }

        public int convKernel() {
            return convKernel;
        }

        public int chunkSize() {
            return chunkSize;
        }

        public int count(char block) {
            return block < counts.length ? counts[block] : 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hybrid x && pattern.equals(x.pattern) && mambaHeads == x.mambaHeads
                    && mambaHeadDim == x.mambaHeadDim && groups == x.groups && stateDim == x.stateDim
                    && convKernel == x.convKernel && chunkSize == x.chunkSize;
        }

        @Override
        public int hashCode() {
            return Objects.hash(pattern, mambaHeads, mambaHeadDim, groups, stateDim, convKernel, chunkSize);
        }

        @Override
        public String toString() {
            return "Hybrid[pattern=" + pattern + ", mambaHeads=" + mambaHeads + ", mambaHeadDim=" + mambaHeadDim
                    + ", groups=" + groups + ", stateDim=" + stateDim + ", convKernel=" + convKernel + ", chunkSize="
                    + chunkSize + "]";
        }

        /** Inner width: heads x head dimension. */
        public int innerDim() {
            return mambaHeads * mambaHeadDim;
        }

        /** Channels of the causal conv1d: x, B and C. */
        public int convChannels() {
            return innerDim() + 2 * groups * stateDim;
        }

        /** Output width of the input projection: z, x, B, C and one dt per head. */
        public int inProjDim() {
            return 2 * innerDim() + 2 * groups * stateDim + mambaHeads;
        }
    }

    /**
     * @param expertFfnHidden FFN width of one routed (and shared) expert
     * @param denseLayers the first layers that use a dense FFN instead of experts
     * @param latentDim LatentMoE (Nemotron 3 Super): routed experts work in this width, tokens projected down from
     *     hidden before dispatch and back up after combine; 0 for a plain MoE, whose experts work in hidden
     */
    public record Moe(int experts, int topK, int expertFfnHidden, int sharedExperts, int denseLayers, int latentDim) {
        public Moe {
            if (experts < 1 || topK < 1 || topK > experts || expertFfnHidden < 1 || sharedExperts < 0 || denseLayers < 0
                    || latentDim < 0) {
                throw new PerfException("MoE: expected experts >= 1, 1 <= topK <= experts, expertFfnHidden >= 1,"
                        + " sharedExperts >= 0, denseLayers >= 0, latentDim >= 0; got experts " + experts + ", topK "
                        + topK + ", expertFfnHidden " + expertFfnHidden + ", sharedExperts " + sharedExperts
                        + ", denseLayers " + denseLayers + ", latentDim " + latentDim);
            }
        }

        /** A plain MoE: experts in the model's hidden width. */
        public Moe(int experts, int topK, int expertFfnHidden, int sharedExperts, int denseLayers) {
            this(experts, topK, expertFfnHidden, sharedExperts, denseLayers, 0);
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
        if (moe != null && moe.latentDim() > hidden) {
            throw new PerfException("model " + id + ": moe latentDim (" + moe.latentDim() + ") exceeds hidden (" + hidden
                    + "); a LatentMoE projects tokens down");
        }
        if (moe != null && moe.denseLayers() > layers) {
            throw new PerfException("model " + id + ": denseLayers (" + moe.denseLayers() + ") exceeds layers (" + layers + ")");
        }
        if (hybrid != null) {
            if (hybrid.pattern().length() != layers) {
                throw new PerfException("model " + id + ": the hybrid pattern has " + hybrid.pattern().length()
                        + " blocks, but layers is " + layers);
            }
            if ((hybrid.count('E') > 0) != (moe != null)) {
                throw new PerfException("model " + id + ": a hybrid pattern with E (MoE) blocks needs moe, and moe"
                        + " needs E blocks");
            }
        }
    }

    public boolean isMoe() {
        return moe != null;
    }

    public int moeLayers() {
        if (hybrid != null) {
            return hybrid.count('E');
        }
        return moe == null ? 0 : layers - moe.denseLayers();
    }

    public int denseFfnLayers() {
        return hybrid != null ? hybrid.count('-') : layers - moeLayers();
    }

    /** Layers with self-attention: all of a transformer's, the {@code *} blocks of a hybrid. */
    public int attentionLayers() {
        return hybrid != null ? hybrid.count('*') : layers;
    }

    /** Mamba-2 blocks (0 for a transformer). */
    public int mambaLayers() {
        return hybrid != null ? hybrid.count('M') : 0;
    }

    /** Layers with an MLP or MoE (every transformer layer). */
    public int mlpLayers() {
        return denseFfnLayers() + moeLayers();
    }

    /** Norms before mixers: two per transformer layer, one per hybrid block (the final norm is separate). */
    public long normParams() {
        return hybrid != null ? (long) layers * hidden : 2L * layers * hidden;
    }

    /** Weights of one Mamba-2 block: projections, conv1d, A, D, dt bias and the gated norm. */
    public long mambaParams() {
        if (hybrid == null) {
            return 0;
        }
        long h = hidden;
        return h * hybrid.inProjDim() + (long) hybrid.innerDim() * h
                + (long) hybrid.convChannels() * (hybrid.convKernel() + 1) + 3L * hybrid.mambaHeads() + hybrid.innerDim();
    }

    /**
     * Forward FLOPs per token of one Mamba-2 block's SSD scan, its matmuls only (Dao and Gu 2024, the chunked
     * algorithm): within a chunk of Q tokens, C·Bᵀ per group (2QN) and its product with x per head (2QP); across
     * chunks, each head's state Bᵀx (2NP) and its read-out C·h (2NP).
     */
    public double ssdFlopsPerToken() {
        if (hybrid == null) {
            return 0;
        }
        double q = hybrid.chunkSize(), n = hybrid.stateDim(), p = hybrid.mambaHeadDim();
        return hybrid.groups() * 2 * q * n + hybrid.mambaHeads() * (2 * q * p + 4 * n * p);
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

    /** The width routed experts read and write: the latent width of a LatentMoE, else hidden. */
    public int routedDim() {
        return moe.latentDim() > 0 ? moe.latentDim() : hidden;
    }

    /** Weights of one routed expert (in {@link #routedDim}). */
    public long routedExpertParams() {
        return (gated ? 3L : 2L) * routedDim() * moe.expertFfnHidden();
    }

    /**
     * Weights of one MoE layer every token uses where it is, without routing: shared experts (in hidden), the router,
     * and a LatentMoE's projections into and out of the latent width.
     */
    public long moeLayerLocalParams() {
        return (long) moe.sharedExperts() * ffnParams(moe.expertFfnHidden()) + (long) hidden * moe.experts()
                + (moe.latentDim() > 0 ? 2L * hidden * moe.latentDim() : 0);
    }

    /** Weights of all routed experts of one MoE layer, plus shared experts, router and latent projections. */
    public long moeLayerParams() {
        return (long) moe.experts() * routedExpertParams() + moeLayerLocalParams();
    }

    public long embeddingParams() {
        return (long) vocab * hidden;
    }

    /** All weights (embedding and output layer counted once if tied). */
    public long totalParams() {
        long total = attentionLayers() * attentionParams() + normParams() + mambaLayers() * mambaParams()
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
        long moeActive = isMoe() ? moeLayers() * ((long) moe.topK() * routedExpertParams() + moeLayerLocalParams()) : 0;
        return attentionLayers() * attentionParams() + normParams() + mambaLayers() * mambaParams()
                + (long) denseFfnLayers() * ffnParams(ffnHidden) + moeActive + embeddingParams() + hidden;
    }

    public ModelSpec withSeqLen(int newSeqLen) {
        return new ModelSpec(id, name, layers, hidden, ffnHidden, heads, kvHeads, headDim, vocab, newSeqLen, gated,
                tiedEmbeddings, moe, mla, slidingWindowTokens, slidingWindowLayerFraction, defaultBatchTokens, source,
                hybrid);
    }
}
