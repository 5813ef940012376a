package org.colossus.perf;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits the few constants of {@link Calibration} to ground-truth rows: coordinate descent on the mean
 * absolute log error of tokens/s/GPU, each GPU group weighted equally (so that 100 A100 rows do not
 * outvote 30 B200 rows). Deterministic: same rows and start, same result.
 */
public final class Calibrator {
    private static final double[] STEPS = {0.6, 0.8, 0.9, 0.95, 0.98, 1.02, 1.05, 1.1, 1.25, 1.6};
    private static final List<String> ARCHITECTURES = List.of("ampere", "hopper", "blackwell", "blackwell-ultra");
    private static final List<String> LOW = List.of("fp8", "mxfp8", "nvfp4");

    /** The fitted constants and the error before and after. */
    public record Result(Calibration calibration, double startError, double fittedError, int rounds) {
    }

    private Calibrator() {
    }

    /** Fits to each configuration once (repeats over software releases count on their newest release only). */
    public static Result fit(List<GroundTruth.Case> all, Calibration start) {
        List<GroundTruth.Case> cases = Validation.scoredCases(all);
        double[] x = toVector(start);
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lo[i] = 0.05;
            hi[i] = 1.0;
        }
        int overhead = x.length - 1;
        lo[overhead] = 0;
        hi[overhead] = 0.005;
        int overlap = x.length - 2;
        lo[overlap] = 0;
        hi[overlap] = 0.95;
        hi[x.length - 4] = 1.5; // expert GEMM efficiency may exceed dense (relative factor)
        lo[x.length - 3] = 1;   // routing traffic, bytes per element
        hi[x.length - 3] = 400;
        hi[ARCHITECTURES.size() + LOW.size()] = 1.5; // attention efficiency, relative factor

        Map<String, Integer> groupSizes = new HashMap<>();
        cases.forEach(c -> groupSizes.merge(Validation.gpuGroup(c.gpuFamily()), 1, Integer::sum));
        double startError = error(cases, fromVector(x), groupSizes);
        double best = startError;
        int rounds = 0;
        boolean improved = true;
        while (improved && rounds < 40) {
            improved = false;
            rounds++;
            for (int i = 0; i < x.length; i++) {
                double keep = x[i];
                double bestValue = keep;
                for (double step : STEPS) {
                    double candidate = i == overhead && keep == 0 ? 1e-5 * step : keep * step;
                    candidate = Math.max(lo[i], Math.min(hi[i], candidate));
                    x[i] = candidate;
                    double e = error(cases, fromVector(x), groupSizes);
                    if (e < best - 1e-9) {
                        best = e;
                        bestValue = candidate;
                        improved = true;
                    }
                }
                x[i] = bestValue;
            }
        }
        return new Result(fromVector(x), startError, best, rounds);
    }

    /**
     * Per GPU group, the mean plus the 90th percentile of |ln(predicted / measured)|; averaged over groups so each
     * counts equally. The percentile term keeps the fit from buying a better median with a worse tail.
     */
    static double error(List<GroundTruth.Case> cases, Calibration calibration, Map<String, Integer> groupSizes) {
        PerfModel model = new PerfModel(calibration);
        Map<String, double[]> logs = new HashMap<>();
        Map<String, Integer> filled = new HashMap<>();
        for (GroundTruth.Case c : cases) {
            String group = Validation.gpuGroup(c.gpuFamily());
            double predicted = model.evaluate(c.model(), c.hardware(), c.config()).tokensPerSecondPerGpu();
            double[] values = logs.computeIfAbsent(group, g -> new double[groupSizes.get(g)]);
            int i = filled.merge(group, 1, Integer::sum) - 1;
            values[i] = Math.abs(Math.log(predicted / c.measuredTokensPerSecondPerGpu()));
        }
        double sum = 0;
        for (double[] values : logs.values()) {
            java.util.Arrays.sort(values);
            double mean = java.util.Arrays.stream(values).average().orElse(0);
            sum += mean + Validation.percentile(values, 90);
        }
        return sum / logs.size();
    }

    private static double[] toVector(Calibration c) {
        double[] x = new double[ARCHITECTURES.size() + LOW.size() + 5];
        int i = 0;
        for (String a : ARCHITECTURES) {
            x[i++] = c.gemmEfficiency().getOrDefault(a, 0.5);
        }
        for (String l : LOW) {
            x[i++] = c.lowPrecisionEfficiency().getOrDefault(l, 0.7);
        }
        x[i++] = c.attentionEfficiency();
        x[i++] = c.expertGemmEfficiency();
        x[i++] = c.moeBytesPerRoutedElement();
        x[i++] = c.commOverlap();
        x[i] = c.layerOverheadSeconds();
        return x;
    }

    private static Calibration fromVector(double[] x) {
        Map<String, Double> gemm = new TreeMap<>();
        int i = 0;
        for (String a : ARCHITECTURES) {
            gemm.put(a, x[i++]);
        }
        Map<String, Double> low = new LinkedHashMap<>();
        for (String l : LOW) {
            low.put(l, x[i++]);
        }
        return new Calibration(gemm, low, x[i], x[i + 1], x[i + 2], x[i + 3], x[i + 4]);
    }
}
