package org.colossus.perf;

import java.util.Map;
import java.util.TreeMap;
import org.colossus.fleet.config.Resources;
import org.colossus.fleet.config.YamlNode;

/**
 * The few fitted constants of the performance model (calibration.yaml; refit with
 * {@code colossus plan calibrate}). Everything else in the model is physics or a cited fixed figure.
 *
 * @param gemmEfficiency achieved / peak dense rate of large BF16 GEMMs, per GPU architecture
 * @param lowPrecisionEfficiency extra factor on top of gemmEfficiency when GEMMs run in fp8, mxfp8 or nvfp4
 *     (scaling, casts and transposes eat part of the nominal 2x/4x)
 * @param attentionEfficiency flash-attention throughput relative to a BF16 GEMM
 * @param expertGemmEfficiency grouped expert GEMMs plus routing, permutation and un-permutation, relative to a
 *     dense GEMM of the same size
 * @param moeBytesPerRoutedElement HBM traffic of routing (gate, top-k, permute, un-permute, forward and backward)
 *     per routed copy of a token, in bytes per hidden element
 * @param commOverlap share of tensor/expert/context/pipeline-parallel communication hidden behind compute
 * @param layerOverheadSeconds per layer and micro-batch (forward + backward): kernel launches, small ops, sync
 */
public record Calibration(Map<String, Double> gemmEfficiency, Map<String, Double> lowPrecisionEfficiency,
                          double attentionEfficiency, double expertGemmEfficiency, double moeBytesPerRoutedElement,
                          double commOverlap, double layerOverheadSeconds) {

    /** Achieved / nominal bus bandwidth of NCCL collectives over NVLink (nccl-tests on DGX H100: ~360 of 450 GB/s). */
    public static final double NVLINK_EFFICIENCY = 0.80;
    /** Achieved / line rate on the scale-out NICs (nccl-tests over 400G IB/RoCE: ~42-46 of 50 GB/s; Spectrum-X 95%). */
    public static final double NETWORK_EFFICIENCY = 0.85;
    /** Achieved / peak HBM bandwidth of streaming element-wise kernels. */
    public static final double HBM_EFFICIENCY = 0.80;
    /** GEMM efficiency halves at this smallest dimension (wave quantization, tile underfill). */
    public static final double GEMM_HALF_DIM = 96;
    /**
     * Grouped expert GEMMs lose efficiency with a short reduction dimension K as {@code K / (K + knee)}: each output
     * tile pays a fixed prologue and epilogue (FP8 scale promotion, write-out) against a K-loop that shrinks with K.
     * Fitted to DeepGEMM's published FP8 figures on H800 at M = 4096 (github.com/deepseek-ai/DeepGEMM README): N x K =
     * 4096 x 7168 about 1,300 TFLOPS, 7168 x 2048 about 1,025, 32768 x 512 about 590; 800 gives 0.80 and 0.43 of
     * the K = 7168 rate at K = 2048 and 512 (published 0.79 and 0.45). Not refitted to training throughput.
     */
    public static final double EXPERT_GEMM_K_KNEE = 800;

    public Calibration {
        gemmEfficiency = Map.copyOf(gemmEfficiency);
        lowPrecisionEfficiency = Map.copyOf(lowPrecisionEfficiency);
    }

    private static final class Standard {
        static final Calibration INSTANCE = load();

        private static Calibration load() {
            return parse("calibration.yaml", Resources.text(Calibration.class, "calibration.yaml", PerfException::new));
        }
    }

    public static Calibration standard() {
        return Standard.INSTANCE;
    }

    public static Calibration parse(String file, String text) {
        YamlNode root = YamlNode.parse(file, text, PerfException::new).allowOnly("gemmEfficiency",
                "lowPrecisionEfficiency", "attentionEfficiency", "expertGemmEfficiency", "moeBytesPerRoutedElement", "commOverlap", "layerOverheadSeconds",
                "fit");
        Map<String, Double> gemm = new TreeMap<>();
        root.get("gemmEfficiency").entries().forEach((k, v) -> gemm.put(k, v.numberBetween(0.01, 1)));
        Map<String, Double> low = new TreeMap<>();
        YamlNode lowNode = root.get("lowPrecisionEfficiency").allowOnly("fp8", "mxfp8", "nvfp4");
        lowNode.entries().forEach((k, v) -> low.put(k, v.numberBetween(0.01, 1)));
        return new Calibration(gemm, low, root.get("attentionEfficiency").numberBetween(0.01, 1.5),
                root.get("expertGemmEfficiency").numberBetween(0.01, 1.5),
                root.get("moeBytesPerRoutedElement").numberBetween(0, 1000),
                root.get("commOverlap").numberBetween(0, 1), root.get("layerOverheadSeconds").numberBetween(0, 0.1));
    }

    public double gemmEfficiency(String architecture) {
        Double value = gemmEfficiency.get(architecture);
        if (value == null) {
            throw new PerfException("no calibrated GEMM efficiency for GPU architecture '" + architecture
                    + "'; calibrated: " + String.join(", ", gemmEfficiency.keySet()));
        }
        return value;
    }

    public double lowPrecisionEfficiency(TrainingPrecision precision) {
        return precision == TrainingPrecision.BF16 ? 1.0 : lowPrecisionEfficiency.getOrDefault(precision.key(), 1.0);
    }

    public String toYaml() {
        StringBuilder b = new StringBuilder("gemmEfficiency:\n");
        new TreeMap<>(gemmEfficiency).forEach((k, v) -> b.append("  ").append(k).append(": ").append(round(v)).append('\n'));
        b.append("lowPrecisionEfficiency:\n");
        new TreeMap<>(lowPrecisionEfficiency).forEach((k, v) -> b.append("  ").append(k).append(": ").append(round(v)).append('\n'));
        b.append("attentionEfficiency: ").append(round(attentionEfficiency)).append('\n');
        b.append("expertGemmEfficiency: ").append(round(expertGemmEfficiency)).append('\n');
        b.append("moeBytesPerRoutedElement: ").append(round(moeBytesPerRoutedElement)).append('\n');
        b.append("commOverlap: ").append(round(commOverlap)).append('\n');
        b.append("layerOverheadSeconds: ").append(layerOverheadSeconds).append('\n');
        return b.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
