package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    private static ColossusCliTest.Result run(String... args) {
        return ColossusCliTest.run(args);
    }

    private static final String[] ESTIMATE_405B = {"plan", "estimate", "--model", "llama3-405b", "--gpu", "H100",
        "--gpus", "1024", "--tp", "8", "--pp", "8", "--vp", "8", "--cp", "2", "--gbs", "1536", "--tokens", "15T"};

    @Test
    void estimate_publishedConfig_printsMemoryStepThroughputAndRun() {
        ColossusCliTest.Result r = run(ESTIMATE_405B);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Llama 3.1 405B on 1,024 x H100 SXM5 80GB")
                .contains("tp8 pp8 vp8 cp2 ep1 mbs1 gbs1536 seq8192 fp8 recompute-none zero1 (dp 8, 192 micro-batches per step)")
                .containsPattern("fits: [0-9.]+ GB of 77.6 GB usable")
                .contains("weights", "gradients", "optimizer", "activations", "buffers")
                .contains("exposed TP comm", "pipeline bubble", "exposed DP comm")
                .containsPattern("Throughput\\s+[0-9,]+ tokens/s/GPU")
                .containsPattern("MFU [0-9.]+% of the FP8 dense peak")
                .contains("Run of 15.0T tokens", "time to train", "GPU-hours", "cost", "energy");
    }

    @Test
    void estimate_json_hasStableFields() throws Exception {
        String[] args = java.util.Arrays.copyOf(ESTIMATE_405B, ESTIMATE_405B.length + 2);
        args[args.length - 2] = "--format";
        args[args.length - 1] = "json";
        ColossusCliTest.Result r = run(args);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("config").get("dp").asInt()).isEqualTo(8);
        assertThat(json.get("memory").get("fits").asBoolean()).isTrue();
        assertThat(json.get("tokensPerSecondPerGpu").asDouble()).isBetween(200.0, 500.0); // measured: 326
        assertThat(json.get("run").get("timeToTrainDays").asDouble()).isPositive();
        assertThat(json.get("step").get("bubbleSeconds").asDouble()).isPositive();
    }

    /** EP 64 over eight 8-GPU nodes: an NCCL all-to-all sends more over the NICs than DeepEP, and says so. */
    @Test
    void estimate_dispatcherAcrossNodes_allToAllCostsMoreAndIsNamed() throws Exception {
        String[] base = {"plan", "estimate", "--model", "gpt-oss-120b", "--gpu", "B200", "--gpus", "64", "--ep", "64",
            "--mbs", "4", "--gbs", "1280", "--format", "json"};
        ColossusCliTest.Result deepep = run(base);
        String[] nccl = java.util.Arrays.copyOf(base, base.length + 2);
        nccl[nccl.length - 2] = "--dispatcher";
        nccl[nccl.length - 1] = "alltoall";
        ColossusCliTest.Result alltoall = run(nccl);
        assertThat(alltoall.exitCode()).as(alltoall.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(alltoall.out());
        JsonNode d = new ObjectMapper().readTree(deepep.out());
        assertThat(d.get("config").get("dispatcher").asText()).isEqualTo("deepep");
        assertThat(a.get("config").get("dispatcher").asText()).isEqualTo("alltoall");
        assertThat(a.get("step").get("epCommSeconds").asDouble()).isGreaterThan(d.get("step").get("epCommSeconds").asDouble());
        nccl[nccl.length - 1] = "ring";
        ColossusCliTest.Result bad = run(nccl);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown token dispatcher 'ring'; expected one of: deepep").doesNotContain("Exception");
    }

    @Test
    void estimate_configurationThatDoesNotFit_saysByHowMuchAndExitsOne() {
        ColossusCliTest.Result r = run("plan", "estimate", "--model", "llama3-70b", "--gpu", "H100", "--gpus", "8",
                "--gbs", "8");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("DOES NOT FIT");
        assertThat(r.err()).containsPattern("error: the configuration does not fit: it needs [0-9.]+ GB per GPU of 77.6 GB"
                + " usable \\([0-9.]+ GB over\\)");
    }

    @Test
    void estimate_configurationThatDoesNotDivide_namesTheConstraint() {
        ColossusCliTest.Result r = run("plan", "estimate", "--model", "llama3-70b", "--gpu", "H100", "--gpus", "64",
                "--tp", "8", "--gbs", "12");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("does not divide: gbs (12) is not divisible by dp x mbs (8 x 1 = 8)")
                .doesNotContain("Exception");
    }

    @Test
    void estimate_unknownModelOrGpu_listsTheValidOnes() {
        ColossusCliTest.Result model = run("plan", "estimate", "--model", "llama9", "--gpu", "H100", "--gpus", "8", "--gbs", "8");
        assertThat(model.exitCode()).isEqualTo(1);
        assertThat(model.err()).contains("unknown model 'llama9'").contains("llama3-8b, llama3-70b");
        ColossusCliTest.Result gpu = run("plan", "estimate", "--model", "llama3-8b", "--gpu", "X999", "--gpus", "8", "--gbs", "8");
        assertThat(gpu.exitCode()).isEqualTo(1);
        assertThat(gpu.err()).contains("unknown GPU model 'X999'; expected one of: a100-sxm-80gb, h100-sxm-80gb");
    }

    @Test
    void estimate_fp4OnHopper_isRefused() {
        ColossusCliTest.Result r = run("plan", "estimate", "--model", "llama3-8b", "--gpu", "H100", "--gpus", "8",
                "--gbs", "8", "--precision", "nvfp4");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--precision nvfp4: H100 SXM5 80GB has no FP4 tensor cores");
    }

    @Test
    void search_llama70b_printsRankedTableAndBestInFull() {
        ColossusCliTest.Result r = run("plan", "search", "--model", "llama3-70b", "--gpu", "H100", "--gpus", "256",
                "--tokens", "2T", "--top", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("configurations evaluated, [0-9,]+ fit in memory")
                .containsPattern("(?m)^1 +256 +tp")
                .containsPattern("(?m)^3 +256 +tp")
                .contains("Best configuration in full:");
    }

    @Test
    void search_badRange_isRejected() {
        ColossusCliTest.Result r = run("plan", "search", "--model", "llama3-70b", "--gpu", "H100", "--gpus", "512..64");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--gpus '512..64': expected a GPU count (1024) or a range (512..4096)");
        ColossusCliTest.Result tokens = run("plan", "search", "--model", "llama3-70b", "--gpu", "H100", "--gpus", "64",
                "--tokens", "lots");
        assertThat(tokens.err()).contains("--tokens 'lots': expected a positive token count such as 15T, 300B, 2.5e12");
    }

    @Test
    void compare_h100AndGb200_reportsSpeedupAndCostRatio() throws Exception {
        ColossusCliTest.Result r = run("plan", "compare", "--model", "llama3-70b", "--tokens", "15T", "--gpus", "1024",
                "--gpu", "H100", "--gpu", "GB200", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode results = new ObjectMapper().readTree(r.out()).get("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("speedupVsFirst").asDouble()).isEqualTo(1.0);
        assertThat(results.get(1).get("gpu").asText()).isEqualTo("gb200");
        assertThat(results.get(1).get("speedupVsFirst").asDouble()).isGreaterThan(1.5);
        assertThat(results.get(1).get("costRatioVsFirst").asDouble()).isPositive();
    }

    @Test
    void validate_smallCsv_printsRowsAndJsonSummary(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("gt.csv");
        Files.writeString(csv, String.join(",", org.colossus.perf.GroundTruth.COLUMNS) + "\n"
                + "src,t,LLAMA3_70B,70,dense,80,8192,28672,64,8,128256,8192,,,H100 SXM (DGX H100 8-GPU),64,FP8,4,4,5,1,,4,1,128,,710,1638,,sim=full; x\n"
                + "src,t,LLAMA3_70B,70,dense,80,8192,28672,64,8,128256,8192,,,TPU v5p,64,BF16,4,4,5,1,,4,1,128,,710,1638,,sim=full; x\n");
        ColossusCliTest.Result text = run("plan", "validate", "--ground-truth", csv.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("rows predicted 1 (1 configurations: 0 measured with more than one release are"
                + " scored once, on the newest), skipped 1").contains("[skipped: GPU 'TPU v5p' is not in the catalog]")
                .contains("by release (every row measured with it)", "(none named)", "memory: ");
        ColossusCliTest.Result json = run("plan", "validate", "--ground-truth", csv.toString(), "--format", "json");
        JsonNode summary = new ObjectMapper().readTree(json.out()).get("summary");
        assertThat(summary.get("rows").asInt()).isEqualTo(1);
        assertThat(summary.get("skipped").asInt()).isEqualTo(1);
        assertThat(summary.has("medianApePercent")).isTrue();
        assertThat(summary.has("p90ApePercent")).isTrue();
        assertThat(summary.get("measuredRows").asInt()).isEqualTo(1);
        assertThat(summary.get("bySoftware").has("(none named)")).isTrue();
        assertThat(summary.has("memoryRejected")).isTrue();
    }

    @Test
    void validate_missingFile_isAOneLineError() {
        ColossusCliTest.Result r = run("plan", "validate", "--ground-truth", "/nonexistent/gt.csv");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: /nonexistent/gt.csv: no such file" + System.lineSeparator());
    }

    @Test
    void models_listsCatalogWithSources() {
        ColossusCliTest.Result r = run("plan", "models");
        assertThat(r.out()).contains("deepseek-v3", "gpt-oss-120b", "mixtral-8x22b", "arXiv:2412.19437");
    }

    @Test
    void validate_heldOut_reportsMoeRegimesAndWritesStrictJson() throws Exception {
        ColossusCliTest.Result text = run("plan", "validate", "--held-out");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("Nemotron_3_Nano | GB300 (NVL72) | 8 GPUs | MXFP8",
                "MoE by NVLink domains spanned", "NVL72 racks, one", "8-GPU nodes, several");
        ColossusCliTest.Result json = run("plan", "validate", "--held-out", "--format", "json");
        // strict JSON: no NaN token even where a statistic is undefined
        assertThat(json.out()).doesNotContain("NaN");
        JsonNode summary = new ObjectMapper().readTree(json.out()).get("summary");
        assertThat(summary.get("byMoeRegime").get("NVL72 racks, one").get("rows").asInt()).isPositive();
    }

    @Test
    void validate_heldOutAndAFile_isAOneLineError() {
        ColossusCliTest.Result r = run("plan", "validate", "--held-out", "--ground-truth", "x.csv");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: --held-out and --ground-truth x.csv name two files; give one"
                + System.lineSeparator());
    }
}
