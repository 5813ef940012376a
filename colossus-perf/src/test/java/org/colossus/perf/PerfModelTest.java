package org.colossus.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.colossus.fleet.Catalog;
import org.junit.jupiter.api.Test;

class PerfModelTest {
    private static final Catalog FLEET = Catalog.standard();
    private final PerfModel model = new PerfModel(Calibration.standard());
    private final ModelSpec llama70 = ModelCatalog.standard().resolve("llama3-70b");

    private static ParallelConfig config(int tp, int pp, int vp, int cp, int ep, int mbs, int gbs, int seq) {
        return new ParallelConfig(tp, pp, vp, cp, ep, mbs, gbs, seq, Recompute.NONE, TrainingPrecision.BF16,
                Sharding.DISTRIBUTED_OPTIMIZER);
    }

    private static HardwareSlice h100(int gpus) {
        return HardwareSlice.of(FLEET.requireGpu("H100"), gpus, FLEET);
    }

    @Test
    void estimate_memory_followsShardingArithmetic() {
        // tp8 pp4 on 64 GPUs: dp 2; each GPU holds 1/32 of the layers and the embedding of its stage
        Estimate e = model.estimate(llama70, h100(64), config(8, 4, 1, 1, 1, 1, 64, 8192));
        double layerParams = llama70.layers() * (llama70.attentionParams() + 2.0 * llama70.hidden())
                + (double) llama70.layers() * llama70.ffnParams(llama70.ffnHidden());
        double perGpu = (layerParams / 4 + llama70.embeddingParams()) / 8;
        assertThat(e.memory().weightsBytes()).isCloseTo(2 * perGpu, within(1.0));
        assertThat(e.memory().gradientsBytes()).isCloseTo(2 * perGpu, within(1.0));
        assertThat(e.memory().optimizerBytes()).isCloseTo(16 * perGpu / 2, within(1.0));
        assertThat(e.dp()).isEqualTo(2);
        assertThat(e.microbatches()).isEqualTo(32);
    }

    @Test
    void estimate_pipelineBubble_isPMinusOneOverVmOfPipelineTime() {
        Estimate plain = model.estimate(llama70, h100(64), config(8, 4, 1, 1, 1, 1, 16, 4096));
        var st = plain.step();
        double pipeline = st.computeSeconds() + st.tpCommSeconds() + st.cpCommSeconds() + st.epCommSeconds()
                + st.ppCommSeconds();
        // p = 4, v = 1, m = 16 / 2 = 8 micro-batches
        assertThat(st.bubbleSeconds()).isCloseTo(pipeline * 3 / 8, within(1e-9));
        Estimate interleaved = model.estimate(llama70, h100(64), config(8, 4, 5, 1, 1, 1, 16, 4096));
        var si = interleaved.step();
        double pipelineI = si.computeSeconds() + si.tpCommSeconds() + si.cpCommSeconds() + si.epCommSeconds()
                + si.ppCommSeconds();
        assertThat(si.bubbleSeconds()).isCloseTo(pipelineI * 3 / (5 * 8.0), within(1e-9));
        assertThat(interleaved.tokensPerSecondPerGpu()).isGreaterThan(plain.tokensPerSecondPerGpu());
    }

    @Test
    void estimate_stepTime_isSumOfItsParts() {
        Estimate e = model.estimate(llama70, h100(256), config(4, 4, 1, 2, 1, 1, 256, 8192));
        var st = e.step();
        assertThat(st.stepSeconds()).isCloseTo(st.computeSeconds() + st.tpCommSeconds() + st.cpCommSeconds()
                + st.epCommSeconds() + st.ppCommSeconds() + st.dpCommSeconds() + st.bubbleSeconds()
                + st.optimizerSeconds(), within(1e-9));
        assertThat(e.tokensPerSecondPerGpu()).isCloseTo(256.0 * 8192 / st.stepSeconds() / 256, within(1e-6));
        assertThat(e.modelTflopsPerGpu()).isCloseTo(e.tokensPerSecondPerGpu() * e.modelFlopsPerToken() / 1e12, within(1e-6));
        assertThat(e.mfu()).isCloseTo(e.modelTflopsPerGpu() / 989, within(1e-9));
    }

    @Test
    void ringSeconds_insideAndAcrossDomains() {
        double nvl = 360e9, nic = 42.5e9;
        assertThat(PerfModel.ringSeconds(8, 8, 1e9, nvl, nic)).isCloseTo(7.0 / 8 * 1e9 / nvl, within(1e-12));
        // 16 ranks, 8 per domain: inside (7/8 of the data over NVLink) then across 2 domains (1/2 of 1/8 over NICs)
        assertThat(PerfModel.ringSeconds(16, 8, 1e9, nvl, nic))
                .isCloseTo(7.0 / 8 * 1e9 / nvl + 1.0 / 2 * 1e9 / 8 / nic, within(1e-12));
        assertThat(PerfModel.ringSeconds(1, 1, 1e9, nvl, nic)).isZero();
    }

    @Test
    void tensorParallel_spanningNvl72_isCheaperThanAcrossHgxNodes() {
        HardwareSlice gb200 = HardwareSlice.of(FLEET.requireGpu("GB200"), 64, FLEET);
        HardwareSlice h100Like = new HardwareSlice(gb200.gpu(), 64, 8, gb200.nvlinkBytesPerSecond(),
                gb200.scaleOutBytesPerSecond(), gb200.wattsPerGpu());
        ParallelConfig tp16 = config(16, 1, 1, 1, 1, 1, 64, 8192);
        Estimate inDomain = model.estimate(llama70, gb200, tp16);
        Estimate acrossNodes = model.estimate(llama70, h100Like, tp16);
        assertThat(inDomain.step().tpCommSeconds()).isLessThan(acrossNodes.step().tpCommSeconds() * 0.6);
    }

    @Test
    void expertParallel_allToAllInsideNvlinkDomain_isCheaperThanOverNetwork() {
        ModelSpec ds = ModelCatalog.standard().resolve("deepseek-v3");
        ParallelConfig c = new ParallelConfig(1, 8, 1, 1, 32, 1, 1024, 4096, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        Estimate nvl72 = model.estimate(ds, HardwareSlice.of(FLEET.requireGpu("GB200"), 256, FLEET), c);
        Estimate hgx = model.estimate(ds, h100(256), c);
        assertThat(nvl72.step().epCommSeconds()).isLessThan(hgx.step().epCommSeconds() / 3);
    }

    /**
     * Across nodes an NCCL all-to-all sends every remote copy of a token (DeepSeek-V3, top 8 of 256 experts on EP 32
     * over four 8-GPU nodes: 8 x 24/32 = 6 per token) where DeepEP sends it once per remote node holding one of its
     * experts (3 x (1 - (3/4)^8) = 2.70); inside one node the two are the same.
     */
    @Test
    void expertParallel_allToAllDispatcherAcrossNodes_sendsEveryRemoteCopy() {
        ModelSpec ds = ModelCatalog.standard().resolve("deepseek-v3");
        java.util.function.BiFunction<Integer, TokenDispatcher, Double> a2a = (ep, d) -> model.estimate(ds, h100(256),
                new ParallelConfig(1, 8, 1, 1, ep, 1, 1024, 4096, Recompute.NONE, TrainingPrecision.FP8,
                        Sharding.DISTRIBUTED_OPTIMIZER, d)).step().epCommSeconds();
        double deepep = a2a.apply(32, TokenDispatcher.DEEPEP);
        double nccl = a2a.apply(32, TokenDispatcher.ALLTOALL);
        assertThat(nccl / deepep).isCloseTo(6 / (3 * (1 - Math.pow(0.75, 8))), within(1e-9));
        assertThat(a2a.apply(8, TokenDispatcher.ALLTOALL)).isEqualTo(a2a.apply(8, TokenDispatcher.DEEPEP));
    }

    @Test
    void expertParallel_allToAll_hiddenOnlyWhenTheScheduleCanPairMicrobatches() {
        ModelSpec ds = ModelCatalog.standard().resolve("deepseek-v3");
        HardwareSlice hw = h100(256);
        java.util.function.BiFunction<Integer, Recompute, Estimate> at = (vp, rc) -> model.estimate(ds, hw,
                new ParallelConfig(1, 8, vp, 1, 32, 1, 1024, 4096, rc, TrainingPrecision.FP8,
                        Sharding.DISTRIBUTED_OPTIMIZER));
        double plain = at.apply(1, Recompute.NONE).step().epCommSeconds();
        double interleaved = at.apply(2, Recompute.NONE).step().epCommSeconds();
        double hidden = model.calibration().commOverlap();
        // plain 1F1B: all of it on the critical path; interleaved: the calibrated share hidden behind the paired micro-batch
        assertThat(interleaved).isCloseTo(plain * (1 - hidden), within(plain * 1e-9));
        // full recompute rules the pairing out even when interleaved
        assertThat(at.apply(2, Recompute.FULL).step().epCommSeconds())
                .isCloseTo(at.apply(1, Recompute.FULL).step().epCommSeconds(), within(plain * 1e-9));
    }

    @Test
    void violations_eachConstraint_isNamed() {
        assertThatThrownBy(() -> model.estimate(llama70, h100(60), config(8, 1, 1, 1, 1, 1, 60, 8192)))
                .isInstanceOf(PerfException.class)
                .hasMessageContaining("gpus (60) is not divisible by tp x pp x cp (8 x 1 x 1 = 8)");
        assertThat(PerfModel.violations(llama70, h100(63), config(3, 1, 1, 1, 1, 1, 63, 8192)))
                .contains("heads (64) is not divisible by tp (3)");
        assertThat(PerfModel.violations(llama70, h100(64), config(8, 1, 1, 1, 1, 1, 12, 8192)))
                .contains("gbs (12) is not divisible by dp x mbs (8 x 1 = 8)");
        assertThat(PerfModel.violations(llama70, h100(64), config(8, 1, 2, 1, 1, 1, 8, 8192)))
                .contains("vp (2) needs pp > 1");
        assertThat(PerfModel.violations(llama70, h100(64), config(1, 1, 1, 1, 2, 1, 64, 8192)))
                .contains("ep (2) must be 1 for a dense model");
        assertThat(PerfModel.violations(llama70, h100(64), config(8, 1, 1, 8, 1, 1, 8, 8200)))
                .contains("seq (8200) is not divisible by 2 x cp (16; causal load balancing splits each sequence into 2 x cp chunks)");
        ModelSpec ds = ModelCatalog.standard().resolve("deepseek-v3");
        assertThat(PerfModel.violations(ds, h100(64), config(1, 1, 1, 1, 48, 1, 64, 4096)))
                .contains("experts (256) is not divisible by ep (48)");
    }

    @Test
    void estimate_gpuWithoutFp8_refusesFp8() {
        HardwareSlice a100 = HardwareSlice.of(FLEET.requireGpu("A100"), 8, FLEET);
        ParallelConfig fp8 = new ParallelConfig(8, 1, 1, 1, 1, 1, 8, 4096, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        assertThatThrownBy(() -> model.estimate(llama70, a100, fp8)).hasMessageContaining("has no FP8 tensor-core rate");
    }

    @Test
    void headDimFactor_isOneAt128() {
        assertThat(PerfModel.headDimFactor(128)).isCloseTo(1.0, within(1e-12));
        assertThat(PerfModel.headDimFactor(64)).isCloseTo(0.75, within(1e-12));
    }

    /** A hybrid model: Mamba-2 blocks cost their projections, scan and state traffic; cp over them is refused. */
    @Test
    void estimate_hybridNemotronH_costsMambaBlocksAndRefusesContextParallelism() {
        ModelCatalog catalog = ModelCatalog.standard();
        ModelSpec hybrid = catalog.resolve("nemotron-h-8b");
        HardwareSlice hw = HardwareSlice.of(org.colossus.fleet.Catalog.standard().requireGpu("h100-sxm-80gb"), 64,
                org.colossus.fleet.Catalog.standard());
        ParallelConfig c = new ParallelConfig(1, 1, 1, 1, 1, 1, 768, 8192, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        PerfModel model = new PerfModel(Calibration.standard());
        Estimate e = model.estimate(hybrid, hw, c);
        assertThat(e.memory().fits()).isTrue();
        // with attention in place of every Mamba-2 block, the work per token grows with the context; with Mamba-2 it
        // barely does (the scan is linear in the sequence: only the four attention blocks grow)
        ModelSpec allAttention = new ModelSpec("a", "a", 52, 4096, 21504, 32, 8, 128, 131072, 8192, false, false, null,
                null, 0, 0, 0, "test", new ModelSpec.Hybrid(hybrid.hybrid().pattern().replace('M', '*'), 128, 64, 8,
                128, 4, 128));
        assertThat(allAttention.mambaLayers()).isZero();
        assertThat(PerfModel.modelFlopsPerToken(hybrid, 65536) / PerfModel.modelFlopsPerToken(hybrid, 8192))
                .isLessThan(1.25);
        assertThat(PerfModel.modelFlopsPerToken(allAttention, 65536) / PerfModel.modelFlopsPerToken(allAttention, 8192))
                .isGreaterThan(1.8);
        assertThat(e.step().computeSeconds()).isLessThan(model.estimate(allAttention, hw, c).step().computeSeconds()
                * 2);
        assertThat(e.tokensPerSecondPerGpu()).isBetween(5_000.0, 40_000.0);
        ParallelConfig cp2 = new ParallelConfig(1, 1, 1, 2, 1, 1, 768, 8192, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        assertThatThrownBy(() -> model.estimate(hybrid, hw, cp2))
                .hasMessageContaining("cp (2) over Mamba-2 blocks is not modeled");
        ParallelConfig tp3 = new ParallelConfig(3, 1, 1, 1, 1, 1, 768, 8192, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        assertThat(PerfModel.violations(hybrid, HardwareSlice.of(org.colossus.fleet.Catalog.standard()
                .requireGpu("h100-sxm-80gb"), 66, org.colossus.fleet.Catalog.standard()), tp3))
                .anyMatch(v -> v.startsWith("Mamba heads (128) is not divisible by tp (3)"));
    }

    /** The knee reproduces DeepGEMM's published ratios at M = 4096 (K = 2048: 1,025 / 1,300; K = 512: 590 / 1,300). */
    @Test
    void expertGemmKnee_deepGemmShapes_matchPublishedRatios() {
        double k7168 = 7168 / (7168 + Calibration.EXPERT_GEMM_K_KNEE);
        assertThat(2048 / (2048 + Calibration.EXPERT_GEMM_K_KNEE) / k7168).isCloseTo(1025.0 / 1300, within(0.02));
        assertThat(512 / (512 + Calibration.EXPERT_GEMM_K_KNEE) / k7168).isCloseTo(590.0 / 1300, within(0.025));
    }

    /** Few tokens per local expert make the weight-gradient GEMMs short in K: the expert MLP slows, never speeds up. */
    @Test
    void expertGemmSlowdown_fewerTokensPerExpert_slower() {
        ModelSpec deepseek = ModelCatalog.standard().resolve("deepseek-v3");
        double many = PerfModel.expertGemmSlowdown(deepseek, 8192, false);
        double few = PerfModel.expertGemmSlowdown(deepseek, 1024, false);
        assertThat(many).isGreaterThan(1);
        assertThat(few).isGreaterThan(many);
        // full recompute runs the forward GEMMs (K = h, f) twice, whose K is longer than a 1,024-token weight gradient
        assertThat(PerfModel.expertGemmSlowdown(deepseek, 1024, true)).isLessThan(few);
        ModelSpec mixtral = ModelCatalog.standard().resolve("mixtral-8x7b");
        // wide experts (14,336) run their GEMMs closer to the dense rate than DeepSeek's narrow ones (2,048)
        assertThat(PerfModel.expertGemmSlowdown(mixtral, 8192, false)).isLessThan(many);
    }

    /**
     * LatentMoE's point: tokens cross the expert-parallel all-to-all in the latent width, so the same layer with
     * experts in hidden moves 4x the bytes; the projections into and out of the latent are dense work every token pays.
     */
    @Test
    void latentMoe_allToAllInTheLatentWidth() {
        ModelSpec latent = ModelCatalog.standard().resolve("nemotron-3-super-120b-a12b");
        ModelSpec.Moe m = latent.moe();
        ModelSpec plain = new ModelSpec(latent.id(), latent.name(), latent.layers(), latent.hidden(), latent.ffnHidden(),
                latent.heads(), latent.kvHeads(), latent.headDim(), latent.vocab(), latent.seqLen(), latent.gated(),
                latent.tiedEmbeddings(), new ModelSpec.Moe(m.experts(), m.topK(), m.expertFfnHidden(), m.sharedExperts(),
                m.denseLayers()), latent.mla(), 0, 0, 0, "test", latent.hybrid());
        HardwareSlice hw = HardwareSlice.of(Catalog.standard().requireGpu("h100-sxm-80gb"), 64, Catalog.standard());
        ParallelConfig c = new ParallelConfig(1, 1, 1, 1, 64, 1, 512, 8192, Recompute.FULL, TrainingPrecision.BF16,
                Sharding.DISTRIBUTED_OPTIMIZER);
        PerfModel model = new PerfModel(Calibration.standard());
        double latentA2a = model.estimate(latent, hw, c).step().epCommSeconds();
        double plainA2a = model.estimate(plain, hw, c).step().epCommSeconds();
        assertThat(plainA2a / latentA2a).isCloseTo(4.0, within(1e-9));
        assertThat(plain.totalParams()).isGreaterThan(latent.totalParams() * 3);
    }
}
