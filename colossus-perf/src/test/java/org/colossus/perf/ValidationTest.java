package org.colossus.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.colossus.fleet.Catalog;
import org.junit.jupiter.api.Test;

class ValidationTest {
    static final String HEADER = String.join(",", GroundTruth.COLUMNS);

    /** Two predictable rows (one dense, one MoE), one sim=partial row, one row that does not divide. */
    static final String SMALL_CSV = HEADER + "\n"
            + "src,t,LLAMA3_70B,70,dense,80,8192,28672,64,8,128256,8192,,,H100 SXM (DGX H100 8-GPU),64,FP8,4,4,5,1,,4,1,128,,710,1638,,sim=full; test\n"
            + "src,t,Mixtral-8x7B,47,moe,32,4096,14336,32,8,32000,4096,8,2,GB200 (NVL72),64,FP8,1,1,1,1,8,64,2,256,,1598,19275,,sim=full; test\n"
            + "src,t,DeepSeekV4 Flash,,moe,,,,,,,4096,,,GB300 (NVL72),128,MXFP8,1,1,,1,64,128,1,2048,,748,8224,,\"sim=partial; arch not transcribed\"\n"
            + "src,t,LLAMA3_70B,70,dense,80,8192,28672,64,8,128256,8192,,,H100 SXM (DGX H100 8-GPU),64,FP8,4,4,5,1,,4,1,102,,710,1638,,sim=full; gbs does not divide\n";

    @Test
    void run_smallCsv_predictsFullRowsAndSkipsWithReason() {
        GroundTruth.Parsed parsed = GroundTruth.parse("small.csv", SMALL_CSV, Catalog.standard());
        assertThat(parsed.cases()).hasSize(2);
        assertThat(parsed.skipped()).singleElement().satisfies(s -> {
            assertThat(s.line()).isEqualTo(5);
            assertThat(s.reason()).isEqualTo("configuration does not divide: gbs (102) is not divisible by dp x mbs (4 x 1 = 4)");
        });
        GroundTruth.Case mixtral = parsed.cases().get(1);
        assertThat(mixtral.model().moe().experts()).isEqualTo(8);
        assertThat(mixtral.model().gated()).isTrue();
        assertThat(mixtral.config().ep()).isEqualTo(8);
        assertThat(mixtral.hardware().gpu().id()).isEqualTo("gb200");

        Validation v = Validation.run(parsed, new PerfModel(Calibration.standard()));
        assertThat(v.summary().rows()).isEqualTo(2);
        assertThat(v.summary().skipped()).isEqualTo(1);
        for (Validation.Prediction p : v.predictions()) {
            assertThat(p.apePercent()).isCloseTo(Math.abs(p.predictedTokensPerSecondPerGpu() - p.measuredTokensPerSecondPerGpu())
                    / p.measuredTokensPerSecondPerGpu() * 100, within(1e-9));
        }
        assertThat(v.summary().byGpu()).containsOnlyKeys("H100", "GB200/GB300");
        assertThat(v.summary().byArchitecture()).containsOnlyKeys("dense", "moe");
    }

    @Test
    void parse_tflopsOnlyRow_convertsWithMegatronCount() {
        String csv = HEADER + "\n"
                + "src,t,GPT 7.1B,7,dense,30,4096,,32,,131072,4096,,,H100 SXM (DGX H100 8-GPU),96,BF16,2,1,,,,48,,192,,465.9,,47%,sim=full; weak scaling\n";
        GroundTruth.Case c = GroundTruth.parse("w.csv", csv, Catalog.standard()).cases().get(0);
        assertThat(c.measuredTokensPerSecondPerGpu())
                .isCloseTo(465.9e12 / PerfModel.megatronFlopsPerToken(c.model(), 4096), within(1e-6));
        assertThat(c.assumptions()).contains("ffn = 4 x hidden", "kv_heads = heads (MHA)", "mbs = 1");
        assertThat(c.model().gated()).isFalse();
    }

    @Test
    void parse_wrongHeader_namesMissingColumns() {
        assertThatThrownBy(() -> GroundTruth.parse("x.csv", "model,gpu\n", Catalog.standard()))
                .isInstanceOf(PerfException.class)
                .hasMessageStartingWith("x.csv: line 1: the header must be exactly the columns of training-throughput.csv;"
                        + " missing: source, table, params_b");
    }

    @Test
    void parse_v2Header_readsTheSameCasesAsTheFirstVersion() {
        String v1 = String.join(",", GroundTruth.COLUMNS) + "\n";
        String v2 = String.join(",", GroundTruth.COLUMNS) + "," + String.join(",", GroundTruth.V2_COLUMNS) + "\n";
        GroundTruth.Parsed shipped = GroundTruth.shipped(Catalog.standard());
        assertThat(GroundTruth.parse("v1.csv", v1, Catalog.standard()).cases()).isEmpty();
        assertThat(GroundTruth.parse("v2.csv", v2, Catalog.standard()).cases()).isEmpty();
        assertThat(shipped.cases()).hasSizeGreaterThan(250);
        assertThatThrownBy(() -> GroundTruth.parse("x.csv", v2.replace("software", "sw"), Catalog.standard()))
                .hasMessageContaining("missing: software").hasMessageContaining("unexpected: sw");
    }

    @Test
    void percentile_interpolatesLikeNumpy() {
        double[] v = {1, 2, 3, 4, 10};
        assertThat(Validation.percentile(v, 50)).isEqualTo(3);
        assertThat(Validation.percentile(v, 90)).isCloseTo(7.6, within(1e-12));
    }

    @Test
    void spearman_monotoneAndReversed() {
        assertThat(Validation.spearman(new double[] {1, 2, 3}, new double[] {10, 20, 30})).isEqualTo(1.0);
        assertThat(Validation.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1})).isEqualTo(-1.0);
        assertThat(Validation.spearman(new double[] {1, 1, 1}, new double[] {3, 2, 1})).isNaN();
    }

    /** The shipped calibration meets the median target on the shipped ground truth (accuracy is a contract). */
    @Test
    void shippedGroundTruth_shippedCalibration_medianWithinEightPercentPerFamily() {
        Validation v = Validation.run(GroundTruth.shipped(Catalog.standard()), new PerfModel(Calibration.standard()));
        assertThat(v.summary().measuredRows()).isGreaterThan(250);
        assertThat(v.summary().rows()).as("configurations").isGreaterThan(200);
        for (String family : new String[] {"H100", "B200/B300", "GB200/GB300"}) {
            assertThat(v.summary().byGpu().get(family).medianApePercent()).as(family).isLessThanOrEqualTo(8.0);
        }
    }

    static final String V2_HEADER = HEADER + "," + String.join(",", GroundTruth.V2_COLUMNS);

    /** v2 rows that differ only in the release are one configuration, scored once, on the newest release. */
    @Test
    void run_sameConfigurationTwoReleases_scoredOnceOnTheNewest() {
        String row = "src,t,LLAMA3_70B,70,dense,80,8192,28672,64,8,128256,8192,,,H100 SXM (DGX H100 8-GPU),64,FP8,4,4,5,1,,4,1,128,,,%s,,sim=full; test,128,%s,model\n";
        String csv = V2_HEADER + "\n" + String.format(row, "1500", "26.02") + String.format(row, "1700", "26.04.01")
                + String.format(row, "1650", "26.04") + String.format(row.replace("128,,,%s", "256,,,%s"), "1600", "26.02");
        GroundTruth.Parsed parsed = GroundTruth.parse("r.csv", csv, Catalog.standard());
        assertThat(parsed.cases()).extracting(GroundTruth.Case::software).containsExactly("26.02", "26.04.01", "26.04",
                "26.02");
        Validation v = Validation.run(parsed, new PerfModel(Calibration.standard()));
        assertThat(v.summary().measuredRows()).isEqualTo(4);
        assertThat(v.summary().rows()).as("configurations").isEqualTo(2);
        assertThat(v.summary().repeatedConfigurations()).isEqualTo(1);
        assertThat(v.predictions()).extracting(Validation.Prediction::scored).containsExactly(false, true, false, true);
        Validation.Prediction newest = v.predictions().get(1);
        assertThat(newest.measurements()).isEqualTo(3);
        assertThat(newest.spreadPercent()).isCloseTo((1700.0 / 1500 - 1) * 100, within(1e-9));
        assertThat(v.summary().bySoftware()).containsOnlyKeys("26.02", "26.04", "26.04.01");
        assertThat(v.summary().bySoftware().get("26.02").rows()).isEqualTo(2);
        assertThat(Validation.scoredCases(parsed.cases())).extracting(GroundTruth.Case::line).containsExactly(3, 5);
    }

    @Test
    void compareReleases_numericParts_orderedAsNumbers() {
        assertThat(Validation.compareReleases("26.04.01", "26.04")).isPositive();
        assertThat(Validation.compareReleases("25.11", "26.02")).isNegative();
        assertThat(Validation.compareReleases("26.10", "26.9")).isPositive();
        assertThat(Validation.compareReleases("26.04", "26.04")).isZero();
    }

    /** head_dim is read (gpt-oss: 64, not 2880 / 64); hardware-convention TFLOP/s under full recompute count 4 passes. */
    @Test
    void parse_v2Columns_headDimAndFlopsConvention() {
        String csv = V2_HEADER + "\n"
                + "src,t,GPT OSS 120B,117,moe,36,2880,2880,64,8,201088,4096,128,4,GB200 (NVL72),64,BF16,1,1,,1,64,64,1,1024,,,15000,,sim=full; test,64,26.04,model\n"
                + "src,t,GPT 7.1B,7,dense,30,4096,,32,,131072,4096,,,H100 SXM (DGX H100 8-GPU),96,BF16,2,1,,,,48,,192,full,465.9,,,sim=full; test,,,hardware\n"
                + "src,t,GPT 7.1B,7,dense,30,4096,,32,,131072,4096,,,H100 SXM (DGX H100 8-GPU),96,BF16,2,1,,,,48,,192,full,465.9,,,sim=full; test,,,model\n"
                + "src,t,GPT 7.1B,7,dense,30,4096,,32,,131072,4096,,,H100 SXM (DGX H100 8-GPU),96,BF16,2,1,,,,48,,192,full,465.9,,,sim=full; test,,,guess\n";
        GroundTruth.Parsed parsed = GroundTruth.parse("v2.csv", csv, Catalog.standard());
        assertThat(parsed.cases().get(0).model().headDim()).isEqualTo(64);
        assertThat(parsed.cases().get(0).assumptions()).noneMatch(a -> a.startsWith("head_dim"));
        assertThat(parsed.cases().get(1).assumptions()).contains("head_dim = hidden / heads");
        double hardware = parsed.cases().get(1).measuredTokensPerSecondPerGpu();
        double model = parsed.cases().get(2).measuredTokensPerSecondPerGpu();
        assertThat(model / hardware).isCloseTo(4.0 / 3.0, within(1e-9));
        assertThat(parsed.skipped()).singleElement().satisfies(s ->
                assertThat(s.reason()).isEqualTo("flops_convention 'guess': expected hardware, model or empty"));
    }

    /** A row that says its schedule is interleaved but gives no vp is not silently read as vp = 1. */
    @Test
    void parse_interleavedWithoutVp_assumesTwoAndSaysSo() {
        String csv = HEADER + "\n"
                + "Narayanan et al. SC21,t,GPT 145.6B,145.6,dense,80,12288,,96,,51200,2048,,,A100 SXM4 80GB,1536,BF16,8,8,,,,24,1,2304,full,148,,,sim=full; interleaved 1F1B schedule\n"
                + "github.com/NVIDIA-NeMo/Megatron-Bridge docs,t,LLAMA3_70B,70,dense,80,8192,28672,64,8,128256,8192,,,H100 SXM (DGX H100 8-GPU),64,FP8,4,4,,1,,4,1,128,,,1638,,sim=full; test\n";
        GroundTruth.Parsed parsed = GroundTruth.parse("vp.csv", csv, Catalog.standard());
        assertThat(parsed.cases().get(0).config().vp()).isEqualTo(2);
        assertThat(parsed.cases().get(0).assumptions()).anyMatch(a -> a.startsWith("vp = 2 (the row says the schedule"
                + " is interleaved"));
        assertThat(parsed.cases().get(1).config().vp()).isEqualTo(1);
        assertThat(parsed.cases().get(1).assumptions()).contains(
                "vp = 1 (NeMo/Megatron-Bridge table: an empty VP cell is no interleaving)");
    }

    /**
     * Every measured configuration ran, so each one the memory model rejects as stated must fit under one of the
     * named practices its recipe may have used (issue 20: zero unexplained).
     */
    @Test
    void shippedGroundTruth_everyConfigurationTheMemoryModelRejects_isExplained() {
        Validation v = Validation.run(GroundTruth.shipped(Catalog.standard()), new PerfModel(Calibration.standard()));
        assertThat(v.summary().memoryExplanations().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(v.summary().memoryRejected());
        assertThat(v.summary().memoryExplanations().keySet()).noneMatch(k -> k.contains("unexplained"));
        assertThat(v.predictions()).filteredOn(p -> !p.fits())
                .allSatisfy(p -> assertThat(p.memoryNote()).matches("[0-9.]+ GB over [0-9.]+ GB; fits with .+"));
    }

    /** vTrain's rows say their network and that gradients are not bucketed: both are read, not replaced by defaults. */
    @Test
    void parse_rowStatedNetworkAndUnbucketedGradients_areUsed() {
        String csv = HEADER + "\n"
                + "vTrain,t,GPT 39.1B (vTrain),39.1,dense,48,8192,32768,64,64,,2048,,,A100 (8-GPU nodes; vTrain config: 800 Gbps inter-node per node),512,,2,16,,,,16,2,1536,full,,258.7,,\"sim=full; measured iteration time 23747.9 ms (Megatron-DeepSpeed, 1F1B, no gradient bucketing)\"\n";
        GroundTruth.Case c = GroundTruth.parse("v.csv", csv, Catalog.standard()).cases().get(0);
        assertThat(c.config().sharding()).isEqualTo(Sharding.DDP_UNBUCKETED);
        assertThat(c.hardware().scaleOutBytesPerSecond()).isEqualTo(800e9 / 8 / 8);
        PerfModel model = new PerfModel(Calibration.standard());
        Estimate unbucketed = model.estimate(c.model(), c.hardware(), c.config());
        ParallelConfig ddp = new ParallelConfig(2, 16, 1, 1, 1, 2, 1536, 2048, Recompute.FULL, TrainingPrecision.BF16,
                Sharding.NONE);
        // the same all-reduce, but nothing hides it
        assertThat(unbucketed.step().dpCommSeconds()).isGreaterThanOrEqualTo(
                model.estimate(c.model(), c.hardware(), ddp).step().dpCommSeconds());
        assertThat(Sharding.parse("ddp-unbucketed")).isEqualTo(Sharding.DDP_UNBUCKETED);
        assertThatThrownBy(() -> Sharding.parse("zero2")).hasMessageContaining("expected one of: ddp, ddp-unbucketed");
    }

    /** AutoModel prints "-" for EP yet lists DeepEP: EP is read as its recipes set it (the FSDP size), and said. */
    @Test
    void parse_autoModelRowWithDeepEpAndNoEp_readsEpAsTheFsdpSize() {
        String csv = HEADER + "\n"
                + "github.com/NVIDIA-NeMo/Automodel docs,t,GPT-OSS 20B,21,moe,24,2880,2880,64,8,201088,4096,32,4,\"H100 SXM (DGX H100, 8-GPU)\",8,BF16,1,1,,1,,8,2,256,,279,13058,,\"sim=full; FSDP=8; kernels: TE + DeepEP + FlexAttn\",64,,model\n"
                + "src,t,Mixtral-8x7B,47,moe,32,4096,14336,32,8,32000,4096,8,2,GB200 (NVL72),64,FP8,1,1,1,1,,64,2,256,,,19275,,sim=full; test,,,\n";
        GroundTruth.Parsed parsed = GroundTruth.parse("am.csv", csv, Catalog.standard());
        assertThat(parsed.cases().get(0).config().ep()).isEqualTo(8);
        assertThat(parsed.cases().get(0).assumptions()).anyMatch(a -> a.startsWith("ep = 8 (the row gives no EP but lists"
                + " DeepEP"));
        assertThat(parsed.cases().get(1).config().ep()).isEqualTo(1);
        assertThat(parsed.cases().get(1).assumptions()).contains("ep = 1 (the row gives no EP)");
    }

    /**
     * A row names the dispatcher its recipe ran (dispatcher=alltoall); an unknown one skips the row naming it; a row
     * whose EP group spans NVLink domains and names none says it was read as DeepEP.
     */
    @Test
    void parse_dispatcherInNotes_readOrAssumedWhereItMatters() {
        String row = "src,t,GPT OSS 120B,117,moe,36,2880,2880,64,8,201088,4096,128,4,\"B200 (DGX B200, 8-GPU)\",64,BF16,1,1,,1,%s,64,4,1280,,,8047,,";
        String csv = HEADER + "\n"
                + row.formatted(64) + "\"sim=full; dispatcher=alltoall (recipe)\",64,26.02,model\n"
                + row.formatted(64) + "sim=full; dispatcher=ring,64,26.02,model\n"
                + row.formatted(64) + "sim=full,64,26.02,model\n"
                + row.formatted(8) + "sim=full,64,26.02,model\n";
        GroundTruth.Parsed parsed = GroundTruth.parse("d.csv", csv, Catalog.standard());
        assertThat(parsed.cases()).hasSize(3);
        assertThat(parsed.cases().get(0).config().dispatcher()).isEqualTo(TokenDispatcher.ALLTOALL);
        assertThat(parsed.skipped()).singleElement().satisfies(s -> assertThat(s.reason())
                .contains("unknown token dispatcher 'ring'"));
        assertThat(parsed.cases().get(1).config().dispatcher()).isEqualTo(TokenDispatcher.DEEPEP);
        assertThat(parsed.cases().get(1).assumptions()).anyMatch(a -> a.startsWith("dispatcher = deepep"));
        // EP 8 stays inside one 8-GPU node: the dispatcher does not matter, nothing is assumed
        assertThat(parsed.cases().get(2).assumptions()).noneMatch(a -> a.startsWith("dispatcher"));
        assertThat(TokenDispatcher.parse("HybridEP")).isEqualTo(TokenDispatcher.DEEPEP);
        assertThatThrownBy(() -> TokenDispatcher.parse("")).hasMessageContaining("expected one of: deepep");
    }

    /** A hybrid's blocks do not fit the columns: the row names its catalog model, or is skipped saying so. */
    @Test
    void parse_hybridRow_takesTheCatalogModelOrSaysWhatIsMissing() {
        String row = "src,t,Nemotron_3_Nano,31.6,hybrid,52,2688,1856,32,2,131072,8192,128,6,GB300 (NVL72),8,MXFP8,1,1,,1,8,8,4,512,,901,39936,,";
        String csv = HEADER + "\n"
                + row + "sim=full; catalog=nemotron-3-nano-30b-a3b,128,26.08,model\n"
                + row + "sim=full; no catalog id,128,26.08,model\n"
                + row + "sim=full; catalog=nemotron-9,128,26.08,model\n"
                + row + "sim=full; catalog=nemotron-3-super-120b-a12b,128,26.08,model\n";
        GroundTruth.Parsed parsed = GroundTruth.parse("h.csv", csv, Catalog.standard());
        assertThat(parsed.cases()).singleElement().satisfies(c -> {
            assertThat(c.model().mambaLayers()).isEqualTo(23);
            assertThat(c.model().moeLayers()).isEqualTo(23);
            assertThat(c.model().seqLen()).isEqualTo(8192);
            assertThat(c.config().ep()).isEqualTo(8);
        });
        assertThat(parsed.skipped()).hasSize(3);
        assertThat(parsed.skipped().get(0).reason())
                .isEqualTo("a hybrid row names its model in notes as catalog=<id>; none given");
        assertThat(parsed.skipped().get(1).reason()).contains("nemotron-9");
        assertThat(parsed.skipped().get(2).reason()).isEqualTo("the row says 52 layers of hidden 2688, but catalog"
                + " nemotron-3-super-120b-a12b has 88 of 4096");
    }

    /**
     * The held-out measurements (never fitted) all parse, and the hybrid mechanisms, which no fitted constant saw,
     * predict Nemotron 3 Nano's Megatron-Bridge configurations to within 10% median.
     */
    @Test
    void heldOut_shippedCalibration_everyRowPredictedAndHybridWithinTenPercent() {
        GroundTruth.Parsed parsed = GroundTruth.heldOut(Catalog.standard());
        assertThat(parsed.skipped()).isEmpty();
        assertThat(parsed.cases()).hasSizeGreaterThan(60);
        Validation v = Validation.run(parsed, new PerfModel(Calibration.standard()));
        double[] nano = v.predictions().stream()
                .filter(p -> p.scored() && p.label().startsWith("Nemotron_3_Nano |"))
                .mapToDouble(Validation.Prediction::apePercent).sorted().toArray();
        assertThat(nano).hasSizeGreaterThanOrEqualTo(5);
        assertThat(Validation.percentile(nano, 50)).isLessThanOrEqualTo(10);
    }

    @Test
    void summary_moeRows_reportedByNvlinkDomainsSpanned() {
        Validation v = Validation.run(GroundTruth.parse("small.csv", SMALL_CSV, Catalog.standard()),
                new PerfModel(Calibration.standard()));
        assertThat(v.summary().byMoeRegime()).containsOnlyKeys("NVL72 racks, one");
        assertThat(v.predictions()).filteredOn(p -> !p.moe()).allSatisfy(p -> assertThat(p.moeRegime()).isEmpty());
        GroundTruth.Case mixtral = GroundTruth.parse("small.csv", SMALL_CSV, Catalog.standard()).cases().get(1);
        HardwareSlice eightNodes = HardwareSlice.of(Catalog.standard().requireGpu("h100-sxm-80gb"), 64, Catalog.standard());
        assertThat(Validation.moeRegime(eightNodes)).isEqualTo("8-GPU nodes, several");
        assertThat(Validation.moeRegime(mixtral.hardware())).isEqualTo("NVL72 racks, one");
    }
}
