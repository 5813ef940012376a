package org.colossus.perf;

import java.util.ArrayList;
import java.util.List;
import org.colossus.fleet.Precision;

/**
 * The analytical training-performance model: a pure function of (model, hardware slice, parallel
 * configuration). Equations and assumptions: docs/planner.md. Rank order is Megatron's default
 * (tp innermost, then cp, then ep/dp, pp outermost), which decides which groups stay in an NVLink domain.
 */
public final class PerfModel {
    private static final double GB = 1e9;
    /** CUDA context (~0.6 GB), cuBLAS/cuDNN workspaces and NCCL buffers (bytes per GPU). */
    static final double FIXED_BUFFER_BYTES = 2.5 * GB;
    /** Share of HBM the caching allocator can hand out before fragmentation bites. */
    static final double USABLE_HBM = 0.97;
    /** Bytes per (sharded) parameter of Adam: FP32 master weights, both moments, and the FP32 gradient shard it steps. */
    static final double OPTIMIZER_BYTES_PER_PARAM = 16;
    /** Bytes per parameter of the gradient buffer (Megatron-Core DDP reduces in the parameter dtype, BF16, by default). */
    static final double GRADIENT_BYTES_PER_PARAM = 2;

    private final Calibration calibration;

    public PerfModel(Calibration calibration) {
        this.calibration = calibration;
    }

    public Calibration calibration() {
        return calibration;
    }

    /** Why this configuration cannot run at all (divisibility, shapes); empty if it can. */
    public static List<String> violations(ModelSpec m, HardwareSlice hw, ParallelConfig c) {
        List<String> problems = new ArrayList<>();
        int mp = c.modelParallel();
        if (hw.gpus() % mp != 0) {
            problems.add("gpus (" + hw.gpus() + ") is not divisible by tp x pp x cp (" + c.tp() + " x " + c.pp() + " x "
                    + c.cp() + " = " + mp + ")");
            return problems;
        }
        int dp = hw.gpus() / mp;
        if (m.heads() % c.tp() != 0) {
            problems.add("heads (" + m.heads() + ") is not divisible by tp (" + c.tp() + ")");
        }
        if (m.mla() == null && m.kvHeads() % c.tp() != 0 && c.tp() % m.kvHeads() != 0) {
            problems.add("kv heads (" + m.kvHeads() + ") and tp (" + c.tp() + ") do not divide one another");
        }
        if (m.ffnHidden() % c.tp() != 0) {
            problems.add("ffn hidden (" + m.ffnHidden() + ") is not divisible by tp (" + c.tp() + ")");
        }
        if (m.hybrid() != null && m.hybrid().mambaHeads() % c.tp() != 0) {
            problems.add("Mamba heads (" + m.hybrid().mambaHeads() + ") is not divisible by tp (" + c.tp() + ")");
        }
        if (c.cp() > 1 && c.seqLen() % (2 * c.cp()) != 0) {
            problems.add("seq (" + c.seqLen() + ") is not divisible by 2 x cp (" + 2 * c.cp()
                    + "; causal load balancing splits each sequence into 2 x cp chunks)");
        }
        if (c.gbs() % ((long) dp * c.mbs()) != 0) {
            problems.add("gbs (" + c.gbs() + ") is not divisible by dp x mbs (" + dp + " x " + c.mbs() + " = "
                    + (long) dp * c.mbs() + ")");
        }
        if (c.vp() > 1 && c.pp() == 1) {
            problems.add("vp (" + c.vp() + ") needs pp > 1");
        }
        // Megatron may count the embedding and the loss as one layer each when splitting a pipeline
        if (m.layers() + 2 < c.pp() * c.vp()) {
            problems.add("layers (" + m.layers() + ", plus embedding and loss) fewer than pp x vp (" + c.pp() * c.vp()
                    + " pipeline chunks)");
        }
        if (m.mambaLayers() > 0 && c.cp() > 1) {
            problems.add("cp (" + c.cp() + ") over Mamba-2 blocks is not modeled; use cp 1 for a hybrid model");
        }
        if (m.isMoe()) {
            if (m.moe().experts() % c.ep() != 0) {
                problems.add("experts (" + m.moe().experts() + ") is not divisible by ep (" + c.ep() + ")");
            }
            if ((hw.gpus() / c.pp()) % c.ep() != 0) {
                problems.add("ep (" + c.ep() + ") does not divide the GPUs of a pipeline stage (" + hw.gpus() / c.pp() + ")");
            }
        } else if (c.ep() != 1) {
            problems.add("ep (" + c.ep() + ") must be 1 for a dense model");
        }
        return problems;
    }

    /**
     * Evaluates one configuration.
     *
     * @throws PerfException naming the first constraint the configuration breaks
     */
    public Estimate estimate(ModelSpec m, HardwareSlice hw, ParallelConfig c) {
        List<String> problems = violations(m, hw, c);
        if (!problems.isEmpty()) {
            throw new PerfException("configuration " + c.describe() + " on " + hw.gpus() + " GPUs does not divide: "
                    + String.join("; ", problems));
        }
        return evaluate(m, hw, c);
    }

    /** {@link #estimate} without the checks, for a search that only generates valid configurations. */
    Estimate evaluate(ModelSpec m, HardwareSlice hw, ParallelConfig c) {
        final int t = c.tp(), p = c.pp(), v = c.vp(), cp = c.cp(), ep = c.ep(), b = c.mbs();
        final int gpus = hw.gpus();
        final int dp = gpus / (t * p * cp);
        final int micro = (int) (c.gbs() / ((long) dp * b));
        final double s = c.seqLen();
        final double h = m.hidden();
        final int domain = hw.nvlinkDomainGpus();
        final TrainingPrecision prec = c.precision();

        // --- rates ---
        String arch = hw.gpu().architecture();
        double eta = calibration.gemmEfficiency(arch);
        double gemmPeak = peak(hw, prec.peak()) * 1e12;
        double bf16Peak = peak(hw, Precision.BF16) * 1e12;
        double gemmRate = gemmPeak * eta * calibration.lowPrecisionEfficiency(prec);
        double attnRate = bf16Peak * eta * calibration.attentionEfficiency() * headDimFactor(m.qkHeadDim());
        double hbm = hw.gpu().hbmBytesPerSecond() * Calibration.HBM_EFFICIENCY;
        double nvl = hw.nvlinkBytesPerSecond() / 2 * Calibration.NVLINK_EFFICIENCY; // one direction
        double nic = hw.scaleOutBytesPerSecond() * Calibration.NETWORK_EFFICIENCY;

        // --- per-token forward FLOPs of one layer, as the GPU executes them ---
        double qDim = (double) m.heads() * m.qkHeadDim();
        double vDim = m.attentionOutDim();
        double kvDim = m.mla() == null ? 2.0 * m.kvHeads() * m.headDim() : qDim + vDim;
        double attnProj = 2.0 * m.attentionParams();
        double ctxFull = s / 2;  // causal: on average half the sequence is visible
        double ctxWindow = m.slidingWindowTokens() > 0 ? Math.min(m.slidingWindowTokens(), s / 2) : ctxFull;
        double ctx = ctxFull * (1 - m.slidingWindowLayerFraction()) + ctxWindow * m.slidingWindowLayerFraction();
        double attnCore = 2.0 * m.heads() * (m.qkHeadDim() + (vDim / m.heads())) * ctx;
        double denseMlp = 2.0 * m.ffnParams(m.ffnHidden());
        double moeMlp = 0, router = 0, latentProj = 0;
        double routedDim = m.isMoe() ? m.routedDim() : h;   // what a routed token copy carries: hidden, or a latent
        if (m.isMoe()) {
            moeMlp = 2.0 * ((double) m.moe().topK() * m.routedExpertParams()
                    + (double) m.moe().sharedExperts() * m.ffnParams(m.moe().expertFfnHidden()));
            router = 2.0 * h * m.moe().experts();
            // LatentMoE: every token projected into the latent width before dispatch and back after combine (dense)
            latentProj = m.moe().latentDim() > 0 ? 2.0 * 2.0 * h * m.moe().latentDim() : 0;
        }
        double logits = 2.0 * h * m.vocab();
        double mambaProj = 2.0 * m.mambaParams();     // in/out projections (conv, A, D and norm weights are negligible)
        double ssd = m.ssdFlopsPerToken();

        // --- per-GPU work of one micro-batch on one stage (average stage: layers and the output layer spread evenly) ---
        double tokens = b * s / cp;                 // tokens a GPU's CP rank holds
        double layersPerStage = (double) m.layers() / p;
        double attnLayersPerStage = (double) m.attentionLayers() / p;
        double mambaLayersPerStage = (double) m.mambaLayers() / p;
        double mlpLayersPerStage = (double) m.mlpLayers() / p;
        double denseLayersPerStage = (double) m.denseFfnLayers() / p;
        double moeLayersPerStage = (double) m.moeLayers() / p;
        double recomputeFactor = c.recompute() == Recompute.FULL ? 4.0 : 3.0; // fwd + 2x bwd (+ fwd again)

        // GEMMs: attention projections, dense MLPs and the output layer split by TP; routed experts split by EP
        // (expert TP = 1), each TP rank feeding them 1/t of the tokens (sequence parallel).
        double denseGemmFlopsPerMb = tokens * recomputeFactor * (
                attnLayersPerStage * attnProj / t
                + mambaLayersPerStage * mambaProj / t
                + denseLayersPerStage * denseMlp / t
                + moeLayersPerStage * latentProj / t
                + logits / t / p);
        double expertGemmFlopsPerMb = tokens * recomputeFactor * moeLayersPerStage * (moeMlp + router) / t;
        double attnCoreFlopsPerMb = tokens * attnLayersPerStage * attnCore / t
                * (c.recompute() == Recompute.NONE ? 3.0 : 4.0) * 1.25; // FA backward ~2.5x forward
        // The SSD scan's chunk matmuls are blocked matmuls in fused kernels, like flash attention's: costed at its rate
        // for their head dimension, backward likewise 2.5x forward (no constant of their own).
        double ssdFlopsPerMb = tokens * mambaLayersPerStage * ssd / t * (c.recompute() == Recompute.NONE ? 3.0 : 4.0)
                * 1.25;
        double denseShape = shapeFactor(Math.min(tokens, Math.min(h, m.ffnHidden()) / t));
        double gemmSeconds = denseGemmFlopsPerMb / (gemmRate * denseShape);
        if (m.isMoe()) {
            gemmSeconds += expertGemmFlopsPerMb / (gemmRate * calibration.expertGemmEfficiency())
                    * expertGemmSlowdown(m, expertTokens(m, tokens / t, ep), c.recompute() == Recompute.FULL);
        }
        double attnSeconds = attnCoreFlopsPerMb / attnRate;
        double ssdSeconds = m.mambaLayers() == 0 ? 0 : ssdFlopsPerMb / (bf16Peak * eta * calibration.attentionEfficiency()
                * headDimFactor(m.hybrid().mambaHeadDim()));

        // element-wise traffic (norms, residuals, activation function, rotary, casts): bytes per token per layer
        double f1 = m.gated() ? 2.0 : 1.0;
        double ffnAct = m.isMoe() ? (m.moe().topK() + m.moe().sharedExperts()) * (double) m.moe().expertFfnHidden()
                : m.ffnHidden() / (double) t;
        // per block: norm, residual, bias-dropout-add (5h); attention adds rotary and softmax statistics (4 qDim), an MLP
        // its activation function, FP8 recipes a cast and transpose of each GEMM input
        double attnElem = 2 * (5 * h / t + 4 * qDim / t) + (prec.isLowPrecision() ? 3 * (h / t + qDim / t) : 0);
        double mlpElem = 2 * (5 * h / t + (f1 + 1) * ffnAct * 2) + (prec.isLowPrecision() ? 3 * (h / t + ffnAct) : 0);
        double mambaElem = 0;
        if (m.mambaLayers() > 0) {
            ModelSpec.Hybrid hy = m.hybrid();
            double inner = hy.innerDim() / (double) t;
            // conv1d over x, B, C (read, write); the gated norm z·silu and RMSNorm over the inner width; the SSD
            // state passed between chunks: heads x P x N FP32 per chunk of Q tokens, written and read
            double states = 2 * 4.0 * hy.mambaHeads() / t * hy.mambaHeadDim() * hy.stateDim() / hy.chunkSize();
            mambaElem = 2 * (5 * h / t + 2 * hy.convChannels() / (double) t + 4 * inner) + states
                    + (prec.isLowPrecision() ? 3 * (h / t + inner) : 0);
        }
        double elemSeconds = tokens * (attnLayersPerStage * attnElem + mlpLayersPerStage * mlpElem
                + mambaLayersPerStage * mambaElem) * recomputeFactor / hbm;
        if (m.isMoe()) {
            // routing: gate, top-k, permute and un-permute each routed copy of a token, forward and backward
            double copies = tokens / t * m.moe().topK(); // shared experts see every token where it is: no routing
            elemSeconds += copies * moeLayersPerStage * routedDim * calibration.moeBytesPerRoutedElement() / hbm;
        }

        // the per-layer overhead is per transformer layer: two blocks (attention, MLP); a hybrid's blocks count half
        double overheadLayersPerStage = m.hybrid() != null ? layersPerStage / 2 : layersPerStage;
        double computePerMb = gemmSeconds + attnSeconds + ssdSeconds + elemSeconds
                + overheadLayersPerStage * calibration.layerOverheadSeconds() * (recomputeFactor / 3.0);

        // --- model-parallel communication per micro-batch ---
        double actBytes = tokens * h * 2;           // one BF16 activation tensor of the micro-batch
        int tpIntra = Math.min(t, domain);
        double tpComm = 0;
        if (t > 1) {
            // sequence parallel: attention does 1 all-gather + 1 reduce-scatter forward and the same backward; so does
            // a dense MLP (MoE layers move tokens by all-to-all instead)
            // so does a Mamba-2 block (all-gather before its input projection, reduce-scatter after its output one)
            double collectives = attnLayersPerStage * 4 + mambaLayersPerStage * 4 + denseLayersPerStage * 4;
            tpComm = ringSeconds(t, tpIntra, actBytes, nvl, nic) * collectives
                    * (c.recompute() == Recompute.FULL ? 1.5 : 1.0);
        }
        double cpComm = 0;
        if (cp > 1) {
            // ring attention: cp-1 exchanges of this rank's K,V per layer forward, twice that backward (K,V and dK,dV)
            int cpIntra = Math.max(1, Math.min(cp, domain / Math.min(t, domain)));
            double kvBytes = tokens * kvDim / t * 2;
            double bw = cpIntra >= cp ? nvl : nic;
            double commPerLayer = 3 * (cp - 1) * kvBytes / bw;
            double attnPerLayer = attnSeconds / attnLayersPerStage;
            cpComm = attnLayersPerStage * Math.max(commPerLayer * (1 - calibration.commOverlap()), commPerLayer - attnPerLayer);
        }
        double epComm = 0;
        if (m.isMoe() && ep > 1) {
            // Dispatch + combine forward, the same backward. A token goes to topK experts; copies to experts in this
            // NVLink domain travel over NVLink. Across domains, a DeepEP-style dispatcher sends each token over the
            // network once per remote domain it needs and forwards it there over NVLink; an NCCL all-to-all sends
            // every remote copy (k (ep - epIntra) / ep of them on average) over the network.
            int epIntra = expertRanksPerDomain(t * cp, ep, domain);
            int k = m.moe().topK();
            double localTokens = tokens / t;
            double intraCopies = k * (epIntra - 1.0) / ep;
            double remoteDomains = Math.ceil((double) ep / epIntra) - 1;
            double remoteCopies = remoteDomains <= 0 ? 0
                    : c.dispatcher() == TokenDispatcher.ALLTOALL ? k * (ep - epIntra) / (double) ep
                    : remoteDomains * (1 - Math.pow(1 - (double) epIntra / ep, k));
            double dispatchBytes = routedDim * (prec.isLowPrecision() ? 1.0 : 2.0);
            double combineBytes = routedDim * 2.0;
            double perDirection = Math.max(localTokens * intraCopies * (dispatchBytes + combineBytes) / nvl,
                    localTokens * remoteCopies * (dispatchBytes + combineBytes) / nic);
            epComm = moeLayersPerStage * 2 * perDirection * (c.recompute() == Recompute.FULL ? 1.5 : 1.0);
        }
        double ppComm = 0;
        if (p > 1) {
            int ppIntra = t * cp * dp < domain ? 2 : 1;
            double bw = ppIntra > 1 ? nvl : nic;
            ppComm = 2.0 * v * actBytes / t / bw;   // send activations forward, gradients backward, per chunk
        }
        double hidden = calibration.commOverlap();
        double tpExposed = tpComm * (1 - hidden);
        // Megatron-Core hides the all-to-all of one micro-batch behind another's compute (combined 1F1B) only when the
        // schedule has two micro-batches to pair: no pipeline, or an interleaved one (it refuses pp > 1 without vp),
        // and not under full recompute. In plain 1F1B the all-to-all stays on the critical path.
        boolean epPaired = (p == 1 || v > 1) && c.recompute() != Recompute.FULL;
        double epExposed = epPaired ? epComm * (1 - hidden) : epComm;
        double ppExposed = ppComm * (1 - hidden);
        double mbSeconds = computePerMb + tpExposed + cpComm + epExposed + ppExposed;

        // --- parameters per GPU on the busiest stage ---
        double embedding = (double) m.embeddingParams();
        double nonExpertLayerParams = m.attentionLayers() * (double) m.attentionParams() + m.normParams()
                + m.mambaLayers() * (double) m.mambaParams()
                + (double) m.denseFfnLayers() * m.ffnParams(m.ffnHidden())
                + (m.isMoe() ? m.moeLayers() * (double) m.moeLayerLocalParams() : 0);
        double expertParamsAll = m.isMoe()
                ? m.moeLayers() * (double) m.moe().experts() * m.routedExpertParams() : 0;
        double denseParamsGpu = (nonExpertLayerParams / p + embedding * (p == 1 && !m.tiedEmbeddings() ? 2 : 1)) / t;
        double expertParamsGpu = expertParamsAll / p / ep;
        double paramsGpu = denseParamsGpu + expertParamsGpu;
        int expertDp = gpus / (p * ep);

        // --- data-parallel communication and optimizer, per step ---
        double bw = dpBandwidth(t * cp, dp, domain, nvl, nic);
        double ebw = dpBandwidth(ep, expertDp, domain, nvl, nic);
        double gradRs = ring(dp, denseParamsGpu * 2, bw) + ring(expertDp, expertParamsGpu * 2, ebw);
        double paramAg = gradRs;
        double dpSeconds;
        double fwdShare = 1.0 / (recomputeFactor);
        switch (c.sharding()) {
            case NONE -> dpSeconds = Math.max(0, 2 * gradRs - mbSeconds * (1 - fwdShare));
            case DDP_UNBUCKETED -> dpSeconds = 2 * gradRs; // one all-reduce after the last backward, nothing hides it
            case DISTRIBUTED_OPTIMIZER -> dpSeconds = Math.max(0, gradRs - mbSeconds * (1 - fwdShare))
                    + Math.max(0, paramAg - mbSeconds * fwdShare);
            case FSDP -> {
                // weights gathered for forward and again for backward, gradients reduce-scattered, every micro-batch
                double perMb = 3 * gradRs;
                dpSeconds = micro * Math.max(perMb * (1 - calibration.commOverlap()), perMb - mbSeconds);
            }
            default -> throw new IllegalStateException();
        }
        if (dp == 1 && expertDp == 1) {
            dpSeconds = 0;
        }
        boolean replicated = c.sharding() == Sharding.NONE || c.sharding() == Sharding.DDP_UNBUCKETED;
        double optimizerShard = replicated ? paramsGpu
                : denseParamsGpu / dp + expertParamsGpu / expertDp;
        double optimizerSeconds = optimizerShard * 30 / hbm;

        double bubbleSeconds = p > 1 ? (p - 1.0) / v * mbSeconds : 0;
        double pipelineSeconds = micro * mbSeconds + bubbleSeconds;
        double stepSeconds = pipelineSeconds + dpSeconds + optimizerSeconds;

        // --- memory on the busiest stage ---
        double weightBytesPerParam = 2; // BF16 weights; FP8 copies are made per GEMM and freed
        double weights, grads, optimizer;
        switch (c.sharding()) {
            case NONE, DDP_UNBUCKETED -> {
                weights = paramsGpu * weightBytesPerParam;
                grads = paramsGpu * GRADIENT_BYTES_PER_PARAM;
                optimizer = paramsGpu * OPTIMIZER_BYTES_PER_PARAM;
            }
            case DISTRIBUTED_OPTIMIZER -> {
                weights = paramsGpu * weightBytesPerParam;
                grads = paramsGpu * GRADIENT_BYTES_PER_PARAM;
                optimizer = (denseParamsGpu / dp + expertParamsGpu / expertDp) * OPTIMIZER_BYTES_PER_PARAM;
            }
            case FSDP -> {
                double shard = denseParamsGpu / dp + expertParamsGpu / expertDp;
                double gathered = 2 * paramsGpu / layersPerStage; // two layers unsharded at a time
                weights = shard * weightBytesPerParam + gathered * weightBytesPerParam;
                grads = shard * GRADIENT_BYTES_PER_PARAM + gathered * 2;
                optimizer = shard * OPTIMIZER_BYTES_PER_PARAM;
            }
            default -> throw new IllegalStateException();
        }
        double activations = activationBytes(m, c, tokens, t, layersPerStage, micro, prec.isLowPrecision());
        double buffers = FIXED_BUFFER_BYTES + (t > 1 ? 2 * actBytes : 0) + (m.isMoe() && ep > 1
                ? 2 * tokens / t * m.moe().topK() * routedDim * 2 : 0);
        double total = weights + grads + optimizer + activations + buffers;
        Estimate.Memory memory = new Estimate.Memory(weights, grads, optimizer, activations, buffers, total,
                hw.gpu().hbmBytes() * USABLE_HBM);

        double tokensPerSecondPerGpu = c.gbs() * s / stepSeconds / gpus;
        double flopsPerToken = modelFlopsPerToken(m, c.seqLen());
        double modelTflops = tokensPerSecondPerGpu * flopsPerToken / 1e12;
        Estimate.StepTime step = new Estimate.StepTime(stepSeconds, micro * computePerMb, micro * tpExposed,
                micro * cpComm, micro * epExposed, micro * ppExposed, dpSeconds, bubbleSeconds, optimizerSeconds,
                micro * overheadLayersPerStage * calibration.layerOverheadSeconds() * (recomputeFactor / 3.0));
        return new Estimate(m, hw, c, dp, micro, memory, step, tokensPerSecondPerGpu, flopsPerToken, modelTflops,
                modelTflops / peak(hw, prec.peak()));
    }

    /** Per-token FLOPs of the documented convention: 3 x forward (no recompute), causal attention, logits included. */
    public static double modelFlopsPerToken(ModelSpec m, int seqLen) {
        return flopsPerToken(m, seqLen, true);
    }

    /**
     * Megatron-LM's classic count (Narayanan et al. 2021, eq. 3 generalized): like {@link #modelFlopsPerToken} but
     * attention scores over the full sequence, as if not causal. NeMo and Megatron publish TFLOP/s in this count.
     */
    public static double megatronFlopsPerToken(ModelSpec m, int seqLen) {
        return flopsPerToken(m, seqLen, false);
    }

    private static double flopsPerToken(ModelSpec m, int seqLen, boolean causal) {
        double matmul = 2.0 * (m.activeParams() - m.normParams() - m.hidden());
        double ctxFull = causal ? seqLen / 2.0 : seqLen;
        double ctxWindow = m.slidingWindowTokens() > 0 ? Math.min(m.slidingWindowTokens(), ctxFull) : ctxFull;
        double ctx = ctxFull * (1 - m.slidingWindowLayerFraction()) + ctxWindow * m.slidingWindowLayerFraction();
        double attention = 2.0 * m.heads() * (m.qkHeadDim() + m.attentionOutDim() / (double) m.heads()) * ctx
                * m.attentionLayers();
        return 3 * (matmul + attention + m.mambaLayers() * m.ssdFlopsPerToken());
    }

    /**
     * Activations kept for backward (Korthikanti et al. 2022 with sequence parallelism and flash attention, generalized
     * to GQA/MLA, gated MLPs and experts). Low-precision recipes keep GEMM inputs in FP8 (1 byte instead of 2).
     */
    private static double activationBytes(ModelSpec m, ParallelConfig c, double tokens, int t, double layersPerStage,
                                          int micro, boolean lowPrecision) {
        double h = m.hidden();
        double qDim = (double) m.heads() * m.qkHeadDim();
        double kvDim = m.mla() == null ? 2.0 * m.kvHeads() * m.headDim() : qDim + m.attentionOutDim();
        double gemmIn = lowPrecision ? 1 : 2;
        // norm input 2h, QKV GEMM input, dropout mask h; Q, K, V and the attention output for flash-attention backward
        double attn = (3 * h + gemmIn * h + 2 * (qDim + kvDim) + 2 * m.attentionOutDim()) / t;
        double f1 = m.gated() ? 2.0 : 1.0;
        // norm input 2h, FC1 input, dropout mask h; FC1 output; activation output = FC2 input
        double denseMlp = (3 * h + gemmIn * h + 2 * f1 * m.ffnHidden() + gemmIn * m.ffnHidden()) / t;
        double moeMlp = 0;
        if (m.isMoe()) {
            double fe = m.moe().expertFfnHidden();
            double l = m.routedDim();
            // routed copies keep their (latent) input, FC1 output and activation; shared experts the same in hidden;
            // a LatentMoE also keeps the down-projection's input and the latent tokens it makes
            moeMlp = 3 * h / t + (m.moe().topK() * (gemmIn * l + 2 * f1 * fe + gemmIn * fe)
                    + m.moe().sharedExperts() * (gemmIn * h + 2 * f1 * fe + gemmIn * fe)
                    + (m.moe().latentDim() > 0 ? gemmIn * h + 2 * l : 0)) / t;
        }
        double mamba = 0;
        if (m.mambaLayers() > 0) {
            ModelSpec.Hybrid hy = m.hybrid();
            // norm input 2h, in-projection input, its output (z, x, B, C, dt), the conv output, the scan's output
            // and the gated norm's (the out-projection input)
            mamba = (2 * h + gemmIn * h + 2.0 * hy.inProjDim() + 2.0 * hy.convChannels() + 2.0 * hy.innerDim()
                    + gemmIn * hy.innerDim()) / t;
        }
        double perTokenAvgLayer = (m.attentionLayers() * attn + m.denseFfnLayers() * denseMlp + m.moeLayers() * moeMlp
                + m.mambaLayers() * mamba) / m.layers();
        double perMbPerLayer = tokens * perTokenAvgLayer;
        int p = c.pp();
        int v = c.vp();
        double logits = tokens * m.vocab() / t * 4.0; // FP32, on the last stage only
        // 1F1B keeps the most micro-batches in flight on the first stage: min(m, p), more with interleaving
        // (Narayanan et al. SC21); the last stage holds the logits but, in units of whole-stage micro-batches,
        // ((v-1) p + 1) / v in flight: one without interleaving, its warm-up chunks with it.
        double firstInFlight = Math.min(micro, p) * (v > 1 ? 1 + (p - 1.0) / (p * v) : 1.0);
        double lastInFlight = Math.min(micro, ((v - 1.0) * p + 1) / v);
        double first = stored(c, perMbPerLayer, tokens * 2 * h / t, layersPerStage, firstInFlight);
        if (p == 1) {
            return first + logits;
        }
        return Math.max(first, stored(c, perMbPerLayer, tokens * 2 * h / t, layersPerStage, lastInFlight) + logits);
    }

    /** Activations one stage keeps with {@code inFlight} micro-batches in flight. */
    private static double stored(ParallelConfig c, double perMbPerLayer, double layerInputBytes, double layersPerStage,
                                 double inFlight) {
        if (c.recompute() == Recompute.FULL) {
            return layerInputBytes * layersPerStage * inFlight + perMbPerLayer; // inputs + one layer's working set
        }
        return perMbPerLayer * layersPerStage * inFlight;
    }

    /**
     * Flash attention's throughput grows with head dimension (more work per tile load): FlashAttention-2/3 report
     * roughly 3/4 of the head-dim-128 rate at 64. Normalized to 1 at 128, capped at 1.15.
     */
    static double headDimFactor(int headDim) {
        return Math.min(1.15, (headDim / (headDim + 64.0)) / (128.0 / 192.0));
    }

    /**
     * Time of an expert MLP's GEMMs relative to running all of them at full efficiency: each GEMM at
     * {@code K / (K + knee)} of its reduction dimension K (DeepGEMM's shape dependence) and at the tile-underfill
     * factor of its token dimension. With {@code f} the expert width, {@code h} the width the experts read (hidden, or
     * a LatentMoE's latent) and {@code M} the tokens per local expert, a gated expert runs forward FC1 (K = h, 2/3 of
     * the forward FLOPs) and FC2 (K = f), backward the data gradients of FC2 (K = h) and FC1 (K = 2f) and both weight
     * gradients (K = M): the weight gradients reduce over the tokens an expert received, so few tokens per expert make
     * them slow.
     */
    static double expertGemmSlowdown(ModelSpec m, double tokensPerExpert, boolean recomputeForward) {
        double h = m.routedDim();
        double f = m.moe().expertFfnHidden();
        double fc1Share = m.gated() ? 2.0 / 3 : 0.5;    // FC1's share of one pass's FLOPs
        double forward = fc1Share / kEfficiency(h) + (1 - fc1Share) / kEfficiency(f);
        double dataGrad = fc1Share / kEfficiency(m.gated() ? 2 * f : f) + (1 - fc1Share) / kEfficiency(h);
        double weightGrad = 1 / kEfficiency(tokensPerExpert);
        double passes = recomputeForward ? 4 : 3;
        return ((recomputeForward ? 2 : 1) * forward + dataGrad + weightGrad) / passes
                / shapeFactor(Math.min(tokensPerExpert, Math.min(h, f)));
    }

    /**
     * Expert-parallel ranks of one group inside one NVLink domain: the EP group is carved out of the ranks after TP and
     * CP, so a domain holds {@code domain / min(tp x cp, domain)} of them at most. Fewer than {@code ep}: the group
     * spans domains and its all-to-all crosses the network.
     */
    static int expertRanksPerDomain(int tpTimesCp, int ep, int domain) {
        return Math.max(1, Math.min(ep, domain / Math.min(tpTimesCp, domain)));
    }

    private static double kEfficiency(double k) {
        return k / (k + Calibration.EXPERT_GEMM_K_KNEE);
    }

    private static double expertTokens(ModelSpec m, double tokens, int ep) {
        return ep * tokens * m.moe().topK() / m.moe().experts();
    }

    private static double shapeFactor(double smallestDim) {
        return smallestDim / (smallestDim + Calibration.GEMM_HALF_DIM);
    }

    private static double peak(HardwareSlice hw, Precision p) {
        return hw.gpu().denseTflops(p).orElseThrow(() -> new PerfException(hw.gpu().name() + " has no "
                + p.key().toUpperCase() + " tensor-core rate; choose another precision"));
    }

    /** Ring reduce-scatter or all-gather of {@code bytes} (full size) over a group of {@code n}, {@code intra} per domain. */
    static double ringSeconds(int n, int intra, double bytes, double nvl, double nic) {
        if (n <= 1) {
            return 0;
        }
        if (intra >= n) {
            return (n - 1.0) / n * bytes / nvl;
        }
        // hierarchical: inside the domain over NVLink, then across domains over the NICs with 1/intra of the data each
        int domains = (n + intra - 1) / intra;
        double inside = intra > 1 ? (intra - 1.0) / intra * bytes / nvl : 0;
        double across = (domains - 1.0) / domains * bytes / intra / nic;
        return inside + across;
    }

    /** Ring reduce-scatter (or all-gather) time of {@code bytes} over {@code n} ranks at {@code seconds} per byte. */
    private static double ring(int n, double bytes, double seconds) {
        return n <= 1 ? 0 : (n - 1.0) / n * bytes * seconds;
    }

    /** Seconds per byte for a DP-style group of {@code n} ranks {@code stride} apart (hierarchical). */
    private static double dpBandwidth(int stride, int n, int domain, double nvl, double nic) {
        int intra = Math.max(1, Math.min(n, domain / Math.max(1, Math.min(stride, domain))));
        if (intra >= n) {
            return 1 / nvl;
        }
        return (intra > 1 ? 1 / nvl : 0) + 1 / (intra * nic);
    }
}
