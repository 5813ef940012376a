package org.colossus.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Predictions for ground-truth rows, and how far off they are. */
public record Validation(List<Prediction> predictions, List<GroundTruth.Skipped> skipped, Summary summary) {

    /**
     * @param fits whether the model thinks the measured configuration fits in memory (it ran, so it should)
     * @param software the release the row was measured with ("" where the source names none)
     * @param scored whether the row counts in the summary: of rows that are one configuration measured with several
     *     releases, only the newest release's row does (the others are still predicted and listed)
     * @param measurements how many rows measured this configuration (1 for most)
     * @param spreadPercent how far apart those measurements are: (largest / smallest - 1) x 100, 0 for one
     * @param moeRegime for an MoE row, the NVLink domains it runs in ({@link #moeRegime}); "" for a dense one
     */
    public record Prediction(int line, String label, String gpuGroup, boolean moe, double measuredTokensPerSecondPerGpu,
                             double predictedTokensPerSecondPerGpu, double apePercent, boolean fits,
                             List<String> assumptions, String software, boolean scored, int measurements,
                             double spreadPercent, String memoryNote, String moeRegime) {
    }

    /**
     * The kind and number of NVLink domains an MoE run spans: expert-parallel traffic and expert-gradient traffic stay
     * on NVLink or cross the NICs depending on it, so the model's error is reported per regime.
     */
    static String moeRegime(HardwareSlice hw) {
        int domain = hw.nvlinkDomainGpus();
        String kind = domain >= 72 ? "NVL72 racks" : domain + "-GPU nodes";
        return kind + (hw.gpus() <= domain ? ", one" : ", several");
    }

    /**
     * Practices the measured runs' recipes use without the ground truth's columns stating them, in the order
     * {@link #explainMemory} tries them, each cumulative on the ones before: a configuration that was measured ran,
     * so if the memory model rejects it as stated, the first of these that makes it fit is named.
     */
    public static final List<String> MEMORY_PRACTICES = List.of(
            "FP8 primary weights (--fp8-param-gather: FP8 recipes keep weights in 1 byte)",
            "selective recompute of attention (the row states no recompute)",
            "activations offloaded to host memory or recomputed (Transformer Engine's cpu_offloading, or full"
                    + " recompute: the row states neither, and the same memory is left either way)",
            "optimizer state offloaded to host memory (--optimizer-cpu-offload)");

    public record Group(int rows, double medianApePercent, double p90ApePercent) {
    }

    /**
     * The signed error ((predicted / measured - 1) x 100: positive where the model is too fast) and the APE of a set of
     * rows: one release's (all of them, superseded or not) or one MoE regime's (scored configurations).
     */
    public record Release(int rows, double medianSignedErrorPercent, double medianApePercent, double p90ApePercent) {
    }

    /** Rank agreement within one (model, GPU group) series of scored configurations. */
    public record Series(int configurations, double spearman) {
    }

    /**
     * Medians, percentiles, groups and rank correlations are over scored rows: each configuration once.
     *
     * @param rows scored rows (configurations); {@code measuredRows} all predicted rows, repeats included
     * @param spearmanWithinGroups mean Spearman rank correlation of predicted vs measured within (model, GPU)
     *     groups of at least {@link #SPEARMAN_MIN} configurations; {@code spearmanGroups} how many there are, each
     *     listed in {@code series}
     * @param memoryRejected scored configurations that ran, yet the memory model says do not fit
     * @param memoryExplanations for those, how many fit with which of {@link #MEMORY_PRACTICES} (or none)
     */
    public record Summary(int rows, int skipped, double medianApePercent, double p90ApePercent,
                          Map<String, Group> byGpu, Map<String, Group> byArchitecture, double spearmanWithinGroups,
                          int spearmanGroups, int measuredRows, int repeatedConfigurations,
                          Map<String, Release> bySoftware, Map<String, Series> series, int memoryRejected,
                          Map<String, Integer> memoryExplanations, Map<String, Release> byMoeRegime) {
    }

    /** Series with fewer configurations than this say little about ranking and are left out of the mean. */
    public static final int SPEARMAN_MIN = 5;

    /** The families the accuracy target names, with A100 kept apart. */
    public static String gpuGroup(String family) {
        return switch (family) {
            case "B200", "B300" -> "B200/B300";
            case "GB200", "GB300" -> "GB200/GB300";
            default -> family;
        };
    }

    /** The cases that count, each configuration once: of repeats over releases, the newest release's row. */
    public static List<GroundTruth.Case> scoredCases(List<GroundTruth.Case> cases) {
        Map<GroundTruth.Case, List<GroundTruth.Case>> measurementsOf = measurements(cases);
        return cases.stream().filter(c -> newest(measurementsOf.get(c)) == c).toList();
    }

    /**
     * Each case's measurements of its configuration: every row of it when its rows name different releases
     * (repeats), else the case alone (rows without a release stay independent points). By identity.
     */
    private static Map<GroundTruth.Case, List<GroundTruth.Case>> measurements(List<GroundTruth.Case> cases) {
        Map<String, List<GroundTruth.Case>> byConfiguration = new LinkedHashMap<>();
        for (GroundTruth.Case c : cases) {
            byConfiguration.computeIfAbsent(c.configurationKey(), k -> new ArrayList<>()).add(c);
        }
        Map<GroundTruth.Case, List<GroundTruth.Case>> out = new java.util.IdentityHashMap<>();
        for (List<GroundTruth.Case> same : byConfiguration.values()) {
            boolean repeats = same.size() > 1 && same.stream().allMatch(c -> !c.software().isEmpty())
                    && same.stream().map(GroundTruth.Case::software).distinct().count() == same.size();
            for (GroundTruth.Case c : same) {
                out.put(c, repeats ? same : List.of(c));
            }
        }
        return out;
    }

    /** The row of the newest release among measurements of one configuration (the only one, for a single row). */
    private static GroundTruth.Case newest(List<GroundTruth.Case> measurements) {
        return measurements.size() == 1 ? measurements.getFirst()
                : measurements.stream().max((a, b) -> compareReleases(a.software(), b.software())).orElseThrow();
    }

    public static Validation run(GroundTruth.Parsed parsed, PerfModel model) {
        Map<GroundTruth.Case, List<GroundTruth.Case>> measurementsOf = measurements(parsed.cases());
        List<Prediction> predictions = new ArrayList<>();
        for (GroundTruth.Case c : parsed.cases()) {
            Estimate e = model.estimate(c.model(), c.hardware(), c.config());
            double ape = Math.abs(e.tokensPerSecondPerGpu() - c.measuredTokensPerSecondPerGpu())
                    / c.measuredTokensPerSecondPerGpu() * 100;
            List<GroundTruth.Case> repeats = measurementsOf.get(c);
            double lo = repeats.stream().mapToDouble(GroundTruth.Case::measuredTokensPerSecondPerGpu).min().orElse(1);
            double hi = repeats.stream().mapToDouble(GroundTruth.Case::measuredTokensPerSecondPerGpu).max().orElse(1);
            predictions.add(new Prediction(c.line(), c.label(), gpuGroup(c.gpuFamily()), c.model().isMoe(),
                    c.measuredTokensPerSecondPerGpu(), e.tokensPerSecondPerGpu(), ape, e.memory().fits(), c.assumptions(),
                    c.software(), newest(repeats) == c, repeats.size(), (hi / lo - 1) * 100,
                    e.memory().fits() ? "" : explainMemory(model, c, e.memory()),
                    c.model().isMoe() ? moeRegime(c.hardware()) : ""));
        }
        return new Validation(predictions, parsed.skipped(), summarize(predictions, parsed.skipped().size()));
    }

    /**
     * For a measured configuration the memory model rejects: how far over it is, and the first of
     * {@link #MEMORY_PRACTICES} (with those before it) under which it fits, or that none does.
     */
    static String explainMemory(PerfModel model, GroundTruth.Case c, Estimate.Memory stated) {
        double capacity = stated.capacityBytes();
        String over = String.format(java.util.Locale.ROOT, "%.1f GB over %.1f GB", (stated.totalBytes() - capacity)
                / 1e9, capacity / 1e9);
        double weights = stated.weightsBytes();
        double activations = stated.activationsBytes();
        double optimizer = stated.optimizerBytes();
        double rest = stated.totalBytes() - weights - activations - optimizer;
        ParallelConfig cfg = c.config();
        for (int i = 0; i < MEMORY_PRACTICES.size(); i++) {
            switch (i) {
                case 0 -> {
                    if (cfg.precision().isLowPrecision()) {
                        weights /= 2;
                    }
                }
                case 1 -> {
                    if (cfg.recompute() == Recompute.NONE) {
                        activations = Math.min(activations, model.estimate(c.model(), c.hardware(),
                                withRecompute(cfg, Recompute.SELECTIVE)).memory().activationsBytes());
                    }
                }
                case 2 -> activations = Math.min(activations, model.estimate(c.model(), c.hardware(),
                        withRecompute(cfg, Recompute.FULL)).memory().activationsBytes());
                default -> optimizer = 0;
            }
            if (weights + activations + optimizer + rest <= capacity) {
                return over + "; fits with " + String.join(" + ", MEMORY_PRACTICES.subList(0, i + 1).stream()
                        .map(p -> p.substring(0, p.indexOf(" ("))).toList());
            }
        }
        return over + "; fits with none of the practices tried: unexplained";
    }

    private static ParallelConfig withRecompute(ParallelConfig c, Recompute r) {
        return new ParallelConfig(c.tp(), c.pp(), c.vp(), c.cp(), c.ep(), c.mbs(), c.gbs(), c.seqLen(), r, c.precision(),
                c.sharding(), c.dispatcher());
    }

    /**
     * Orders release names such as 25.09, 26.04 and 26.04.01 by their numeric parts (a name with more parts after
     * equal ones is later); non-numeric parts compare as text.
     */
    static int compareReleases(String a, String b) {
        String[] x = a.split("[.\\-]");
        String[] y = b.split("[.\\-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (x[i].matches("\\d{1,9}") && y[i].matches("\\d{1,9}")) {
                c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static Summary summarize(List<Prediction> all, int skipped) {
        List<Prediction> predictions = all.stream().filter(Prediction::scored).toList();
        Map<String, List<Prediction>> bySoftware = new TreeMap<>((a, b) -> compareReleases(a, b));
        for (Prediction p : all) {
            bySoftware.computeIfAbsent(p.software().isEmpty() ? "(none named)" : p.software(), k -> new ArrayList<>())
                    .add(p);
        }
        Map<String, Release> releases = new LinkedHashMap<>();
        bySoftware.forEach((k, v) -> releases.put(k, signed(v)));
        Map<String, List<Prediction>> regimes = new TreeMap<>();
        for (Prediction p : predictions) {
            if (p.moe()) {
                regimes.computeIfAbsent(p.moeRegime(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<String, Release> byRegime = new LinkedHashMap<>();
        regimes.forEach((k, v) -> byRegime.put(k, signed(v)));
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
        Map<String, Series> series = new TreeMap<>();
        for (var e : bySeries.entrySet()) {
            List<Prediction> members = e.getValue();
            if (members.size() >= SPEARMAN_MIN) {
                double rho = spearman(members.stream().mapToDouble(Prediction::predictedTokensPerSecondPerGpu).toArray(),
                        members.stream().mapToDouble(Prediction::measuredTokensPerSecondPerGpu).toArray());
                series.put(e.getKey(), new Series(members.size(), rho));
                if (!Double.isNaN(rho)) {
                    rhoSum += rho;
                    groups++;
                }
            }
        }
        Group overall = group(predictions);
        int repeated = (int) predictions.stream().filter(p -> p.measurements() > 1).count();
        int rejected = (int) predictions.stream().filter(p -> !p.fits()).count();
        Map<String, Integer> explained = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            if (!p.fits()) {
                String how = p.memoryNote().substring(p.memoryNote().indexOf("; ") + 2);
                explained.merge(how, 1, Integer::sum);
            }
        }
        return new Summary(predictions.size(), skipped, overall.medianApePercent(), overall.p90ApePercent(), gpuGroups,
                archGroups, groups == 0 ? Double.NaN : rhoSum / groups, groups, all.size(), repeated, releases, series,
                rejected, explained, byRegime);
    }

    private static Release signed(List<Prediction> rows) {
        double[] signed = rows.stream().mapToDouble(p -> (p.predictedTokensPerSecondPerGpu()
                / p.measuredTokensPerSecondPerGpu() - 1) * 100).sorted().toArray();
        Group g = group(rows);
        return new Release(rows.size(), percentile(signed, 50), g.medianApePercent(), g.p90ApePercent());
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
