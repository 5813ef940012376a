package org.colossus.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Predictions for ground-truth rows, and how far off they are. */
public record Validation(List<Prediction> predictions, List<GroundTruth.Skipped> skipped, Summary summary) {

    /** @param fits whether the model thinks the measured configuration fits in memory (it ran, so it should) */
    public record Prediction(int line, String label, String gpuGroup, boolean moe, double measuredTokensPerSecondPerGpu,
                             double predictedTokensPerSecondPerGpu, double apePercent, boolean fits,
                             List<String> assumptions) {
    }

    public record Group(int rows, double medianApePercent, double p90ApePercent) {
    }

    /**
     * @param spearmanWithinGroups mean Spearman rank correlation of predicted vs measured within (model, GPU)
     *     groups of at least 3 rows; {@code spearmanGroups} how many such groups there are
     */
    public record Summary(int rows, int skipped, double medianApePercent, double p90ApePercent,
                          Map<String, Group> byGpu, Map<String, Group> byArchitecture, double spearmanWithinGroups,
                          int spearmanGroups) {
    }

    /** The families the accuracy target names, with A100 kept apart. */
    public static String gpuGroup(String family) {
        return switch (family) {
            case "B200", "B300" -> "B200/B300";
            case "GB200", "GB300" -> "GB200/GB300";
            default -> family;
        };
    }

    public static Validation run(GroundTruth.Parsed parsed, PerfModel model) {
        List<Prediction> predictions = new ArrayList<>();
        for (GroundTruth.Case c : parsed.cases()) {
            Estimate e = model.estimate(c.model(), c.hardware(), c.config());
            double ape = Math.abs(e.tokensPerSecondPerGpu() - c.measuredTokensPerSecondPerGpu())
                    / c.measuredTokensPerSecondPerGpu() * 100;
            predictions.add(new Prediction(c.line(), c.label(), gpuGroup(c.gpuFamily()), c.model().isMoe(),
                    c.measuredTokensPerSecondPerGpu(), e.tokensPerSecondPerGpu(), ape, e.memory().fits(), c.assumptions()));
        }
        return new Validation(predictions, parsed.skipped(), summarize(predictions, parsed.skipped().size()));
    }

    private static Summary summarize(List<Prediction> predictions, int skipped) {
        Map<String, List<Prediction>> byGpu = new TreeMap<>();
        Map<String, List<Prediction>> byArch = new TreeMap<>();
        Map<String, List<Prediction>> bySeries = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            byGpu.computeIfAbsent(p.gpuGroup(), k -> new ArrayList<>()).add(p);
            byArch.computeIfAbsent(p.moe() ? "moe" : "dense", k -> new ArrayList<>()).add(p);
            String model = p.label().substring(0, p.label().indexOf(" | "));
            bySeries.computeIfAbsent(model + " @ " + p.gpuGroup(), k -> new ArrayList<>()).add(p);
        }
        Map<String, Group> gpuGroups = new LinkedHashMap<>();
        byGpu.forEach((k, v) -> gpuGroups.put(k, group(v)));
        Map<String, Group> archGroups = new LinkedHashMap<>();
        byArch.forEach((k, v) -> archGroups.put(k, group(v)));
        double rhoSum = 0;
        int groups = 0;
        for (List<Prediction> series : bySeries.values()) {
            if (series.size() >= 3) {
                double rho = spearman(series.stream().mapToDouble(Prediction::predictedTokensPerSecondPerGpu).toArray(),
                        series.stream().mapToDouble(Prediction::measuredTokensPerSecondPerGpu).toArray());
                if (!Double.isNaN(rho)) {
                    rhoSum += rho;
                    groups++;
                }
            }
        }
        Group all = group(predictions);
        return new Summary(predictions.size(), skipped, all.medianApePercent(), all.p90ApePercent(), gpuGroups,
                archGroups, groups == 0 ? Double.NaN : rhoSum / groups, groups);
    }

    private static Group group(List<Prediction> predictions) {
        double[] apes = predictions.stream().mapToDouble(Prediction::apePercent).sorted().toArray();
        return new Group(apes.length, percentile(apes, 50), percentile(apes, 90));
    }

    /** Linear interpolation between closest ranks (numpy's default) over sorted values. */
    static double percentile(double[] sorted, double pct) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double rank = pct / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /** Spearman's rho with average ranks for ties; NaN if either side is constant. */
    static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElse(0);
        double my = Arrays.stream(ry).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }
}
