package org.colossus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.GpuModel;
import org.colossus.perf.Calibration;
import org.colossus.perf.Calibrator;
import org.colossus.perf.Estimate;
import org.colossus.perf.Goodput;
import org.colossus.perf.GroundTruth;
import org.colossus.perf.HardwareSlice;
import org.colossus.perf.ModelCatalog;
import org.colossus.perf.ModelSpec;
import org.colossus.perf.ParallelConfig;
import org.colossus.perf.PerfModel;
import org.colossus.perf.Planner;
import org.colossus.perf.Prices;
import org.colossus.perf.Recompute;
import org.colossus.perf.RunPlan;
import org.colossus.perf.Sharding;
import org.colossus.perf.TokenDispatcher;
import org.colossus.perf.TrainingPrecision;
import org.colossus.perf.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colossus plan ...}: size a training run before signing a contract. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Size a training run: memory, step time, MFU, time-to-train, GPU-hours, cost and energy; search"
                + " parallelism; compare GPU generations; validate the model against published measurements.",
        subcommands = {PlanCommand.Models.class, PlanCommand.EstimateCmd.class, PlanCommand.Search.class,
                PlanCommand.Compare.class, PlanCommand.Validate.class, PlanCommand.Calibrate.class})
final class PlanCommand {

    /** Options every run-sizing command shares. */
    static final class RunOptions {
        @Option(names = "--model", required = true, paramLabel = "NAME|FILE",
                description = "A catalog model (colossus plan models) or a model YAML/JSON file (docs/planner.md).")
        String model;

        @Option(names = "--tokens", defaultValue = "1T", paramLabel = "N",
                description = "Training token budget, e.g. 15T, 300B (default: ${DEFAULT-VALUE}).")
        String tokens;

        @Option(names = "--seq", paramLabel = "TOKENS", description = "Sequence length (default: the model's).")
        Integer seq;

        @Option(names = "--precision", paramLabel = "P",
                description = "GEMM precision: bf16, fp8, mxfp8, nvfp4 (default: fp8 where the GPU has it, else bf16).")
        String precision;

        @Option(names = "--price", paramLabel = "USD", description = "Price per GPU-hour (default: an indicative rate per GPU model; docs/planner.md).")
        Double price;

        @Option(names = "--pue", defaultValue = "1.2", description = "Facility PUE for energy at the meter (default: ${DEFAULT-VALUE}).")
        double pue;

        @Option(names = "--interruptions-per-gpu-hour", paramLabel = "RATE",
                description = "Job interruptions per GPU-hour (default: Llama 3 405B's 1.97e-5).")
        Double interruptions;

        @Option(names = "--restart-seconds", paramLabel = "S", description = "Time from a failure to training again (default: 600).")
        Double restartSeconds;

        @picocli.CommandLine.Mixin
        FormatOption output;

        ModelSpec modelSpec() {
            ModelSpec m = PlanOptions.model(model);
            if (seq != null) {
                if (seq < 1) {
                    throw new CliException("--seq " + seq + ": expected a positive sequence length");
                }
                m = m.withSeqLen(seq);
            }
            return m;
        }

        double tokenBudget() {
            return PlanOptions.tokens(tokens, "--tokens");
        }

        double price(GpuModel gpu) {
            if (price != null && price < 0) {
                throw new CliException("--price " + price + ": expected a price >= 0");
            }
            return price != null ? price : Prices.defaultUsdPerGpuHour(gpu.id());
        }

        Goodput goodput() {
            Goodput d = Goodput.LLAMA3_DEFAULTS;
            return new Goodput(interruptions != null ? interruptions : d.interruptionsPerGpuHour(),
                    d.checkpointBytesPerSecond(), restartSeconds != null ? restartSeconds : d.restartSeconds());
        }

        void checkPue() {
            if (pue < 1 || pue > 3) {
                throw new CliException("--pue " + pue + ": expected a number from 1 to 3");
            }
        }
    }

    /** Options of the commands that search: how many GPUs, what to optimize, which batch. */
    static final class SearchOptions {
        @Option(names = "--gpus", required = true, paramLabel = "N|A..B", description = "GPU count or range, e.g. 16384 or 1024..8192.")
        String gpus;

        @Option(names = "--objective", defaultValue = "throughput", description = "throughput, cost or time (default: ${DEFAULT-VALUE}).")
        String objective;

        @Option(names = "--batch-tokens", paramLabel = "N", description = "Target global batch in tokens (default: the model's).")
        Long batchTokens;

        Planner.Objective objective() {
            return Planner.Objective.parse(objective);
        }
    }

    static PerfModel model() {
        return new PerfModel(Calibration.standard());
    }

    @Command(name = "models", mixinStandardHelpOptions = true, description = "List the model catalog with sizes and sources.")
    static final class Models implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-14s %-20s %9s %9s %6s %7s %6s  %s%n", "id", "name", "params", "active", "layers", "hidden", "seq",
                    "source");
            for (ModelSpec m : ModelCatalog.standard().models()) {
                out.printf(Locale.ROOT, "%-14s %-20s %8.1fB %8.1fB %6d %7d %6d  %s%n", m.id(), m.name(), m.totalParams() / 1e9,
                        m.activeParams() / 1e9, m.layers(), m.hidden(), m.seqLen(), m.source());
            }
        }
    }

    @Command(name = "estimate", mixinStandardHelpOptions = true,
            description = "Evaluate one parallel configuration: memory per GPU, step time breakdown, tokens/s/GPU, MFU,"
                    + " time-to-train, GPU-hours, cost and energy. Exits 1 if the configuration does not fit in memory.")
    static final class EstimateCmd implements java.util.concurrent.Callable<Integer> {
        @Mixin
        RunOptions run;

        @Option(names = "--gpu", required = true, description = "GPU model, e.g. H100, GB200 (colossus fleet catalog).")
        String gpu;

        @Option(names = "--gpus", required = true, description = "Number of GPUs.")
        int gpus;

        @Option(names = "--tp", defaultValue = "1", description = "Tensor parallel size (default: 1).")
        int tp;

        @Option(names = "--pp", defaultValue = "1", description = "Pipeline parallel size (default: 1).")
        int pp;

        @Option(names = "--vp", defaultValue = "1", description = "Virtual pipeline stages per GPU (default: 1).")
        int vp;

        @Option(names = "--cp", defaultValue = "1", description = "Context parallel size (default: 1).")
        int cp;

        @Option(names = "--ep", defaultValue = "1", description = "Expert parallel size (default: 1).")
        int ep;

        @Option(names = "--mbs", defaultValue = "1", description = "Micro-batch size in sequences (default: 1).")
        int mbs;

        @Option(names = "--gbs", required = true, description = "Global batch size in sequences.")
        int gbs;

        @Option(names = "--recompute", defaultValue = "none", description = "none, selective or full (default: ${DEFAULT-VALUE}).")
        String recompute;

        @Option(names = "--sharding", defaultValue = "zero1", description = "ddp, zero1 (distributed optimizer) or fsdp (default: ${DEFAULT-VALUE}).")
        String sharding;

        @Option(names = "--dispatcher", defaultValue = "deepep", description = "How MoE tokens cross NVLink domains:"
                + " deepep (once per remote domain, then NVLink; also hybridep, flex) or alltoall (every routed copy;"
                + " NCCL) (default: ${DEFAULT-VALUE}).")
        String dispatcher;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            RunOptions o = run;
            o.checkPue();
            if (gpus < 1) {
                throw new CliException("--gpus " + gpus + ": expected a positive number of GPUs");
            }
            ModelSpec m = o.modelSpec();
            GpuModel g = PlanOptions.gpu(gpu);
            TrainingPrecision p = PlanOptions.precision(o.precision, g);
            ParallelConfig c = new ParallelConfig(tp, pp, vp, cp, ep, mbs, gbs, m.seqLen(), Recompute.parse(recompute), p,
                    Sharding.parse(sharding), TokenDispatcher.parse(dispatcher));
            Estimate e = model().estimate(m, HardwareSlice.of(g, gpus, Catalog.standard()), c);
            RunPlan plan = RunPlan.of(e, o.tokenBudget(), o.price(g), o.pue, o.goodput());
            PrintWriter out = spec.commandLine().getOut();
            out.println(o.output.json() ? Json.write(PlanText.json(plan)) : PlanText.estimate(plan));
            if (!e.memory().fits()) {
                spec.commandLine().getErr().printf(Locale.ROOT,
                        "error: the configuration does not fit: it needs %s per GPU of %s usable (%s over)%n",
                        PlanText.gb(e.memory().totalBytes()), PlanText.gb(e.memory().capacityBytes()),
                        PlanText.gb(e.memory().totalBytes() - e.memory().capacityBytes()));
                return Colossus.EXIT_BAD_INPUT;
            }
            return 0;
        }
    }

    static Planner.Request request(RunOptions o, ModelSpec m, GpuModel g, List<Integer> counts, Planner.Objective objective,
                                   int top, Long batchTokens) {
        long batch = batchTokens != null ? batchTokens : m.defaultBatchTokens();
        if (batch < 1) {
            throw new CliException("--batch-tokens " + batch + ": expected a positive number of tokens");
        }
        return new Planner.Request(m, HardwareSlice.of(g, counts.get(0), Catalog.standard()), counts, o.tokenBudget(),
                batch, m.seqLen(), PlanOptions.precision(o.precision, g), objective, top, o.price(g), o.pue, o.goodput());
    }

    static List<Integer> counts(String gpus, GpuModel g) {
        int[] range = PlanOptions.gpuRange(gpus);
        if (range[0] == range[1]) {
            return List.of(range[0]);
        }
        return Planner.countsInRange(range[0], range[1], Math.min(8, g.nvlinkDomainGpus()));
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Enumerate every valid parallel configuration, keep those that fit in memory, and print the"
                    + " best by throughput, cost or time with the runners-up.")
    static final class Search implements Runnable {
        @Mixin
        RunOptions run;

        @Mixin
        SearchOptions search;

        @Option(names = "--gpu", required = true, description = "GPU model, e.g. H100, GB200.")
        String gpu;

        @Option(names = "--top", defaultValue = "5", description = "How many configurations to print (default: ${DEFAULT-VALUE}).")
        int top;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            RunOptions o = run;
            o.checkPue();
            if (top < 1) {
                throw new CliException("--top " + top + ": expected at least 1");
            }
            ModelSpec m = o.modelSpec();
            GpuModel g = PlanOptions.gpu(gpu);
            Planner.Objective obj = search.objective();
            String gpus = search.gpus;
            long start = System.nanoTime();
            Planner.Result result = new Planner(model()).search(request(o, m, g, counts(gpus, g), obj, top,
                    search.batchTokens));
            double seconds = (System.nanoTime() - start) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            if (result.best().isEmpty()) {
                throw new CliException("no configuration of " + m.name() + " fits on " + gpus + " x " + g.name()
                        + " (" + result.evaluated() + " evaluated); try more GPUs, a GPU with more memory, or a shorter --seq");
            }
            if (o.output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", m.id());
                doc.put("gpu", g.id());
                doc.put("objective", obj.key());
                doc.put("evaluated", result.evaluated());
                doc.put("fitting", result.fitting());
                doc.put("best", PlanText.json(result.best()));
                out.println(Json.write(doc));
                return;
            }
            out.printf(Locale.ROOT, "%s on %s x %s, %s tokens, best by %s: %,d configurations evaluated, %,d fit in memory (%.2f s)%n%n",
                    m.name(), gpus, g.name(), PlanText.tokens(o.tokenBudget()), obj.key(), result.evaluated(),
                    result.fitting(), seconds);
            out.println(table(result.best()));
            out.println();
            out.println("Best configuration in full:");
            out.println(PlanText.estimate(result.best().get(0)));
        }
    }

    static String table(List<RunPlan> plans) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4s %6s  %-62s %9s %6s %7s %8s %12s %10s%n", "#",
                "GPUs", "configuration", "tok/s/GPU", "MFU", "mem GB", "step s", "time", "cost"));
        int rank = 1;
        for (RunPlan p : plans) {
            Estimate e = p.estimate();
            b.append(String.format(Locale.ROOT, "%-4d %6d  %-62s %9.0f %5.1f%% %7.1f %8.2f %12s %10s%n", rank++,
                    e.hardware().gpus(), e.config().describe(), e.tokensPerSecondPerGpu(), e.mfu() * 100,
                    e.memory().totalBytes() / 1e9, e.step().stepSeconds(), PlanText.duration(p.timeToTrainSeconds()),
                    PlanText.money(p.costUsd())));
        }
        return b.toString().stripTrailing();
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "The best configuration on each GPU model side by side, with the speed-up and the cost ratio"
                    + " relative to the first --gpu.")
    static final class Compare implements Runnable {
        @Mixin
        RunOptions run;

        @Mixin
        SearchOptions search;

        @Option(names = "--gpu", required = true, description = "GPU models to compare; repeat, e.g. --gpu H100 --gpu GB200.")
        List<String> gpus;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            RunOptions o = run;
            o.checkPue();
            if (o.price != null && gpus.size() > 1) {
                throw new CliException("--price applies to one GPU model; compare uses each model's default price"
                        + " (docs/planner.md), so leave --price out or compare one GPU at a time");
            }
            ModelSpec m = o.modelSpec();
            Planner.Objective obj = search.objective();
            List<RunPlan> best = new ArrayList<>();
            for (String name : gpus) {
                GpuModel g = PlanOptions.gpu(name);
                Planner.Result r = new Planner(model()).search(request(o, m, g, counts(search.gpus, g), obj, 1,
                        search.batchTokens));
                if (r.best().isEmpty()) {
                    throw new CliException("no configuration of " + m.name() + " fits on " + search.gpus + " x " + g.name());
                }
                best.add(r.best().get(0));
            }
            RunPlan base = best.get(0);
            PrintWriter out = spec.commandLine().getOut();
            if (o.output.json()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (RunPlan p : best) {
                    Map<String, Object> row = PlanText.json(p);
                    row.put("speedupVsFirst", base.timeToTrainSeconds() / p.timeToTrainSeconds());
                    row.put("costRatioVsFirst", p.costUsd() / base.costUsd());
                    rows.add(row);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", m.id());
                doc.put("objective", obj.key());
                doc.put("results", rows);
                out.println(Json.write(doc));
                return;
            }
            out.printf(Locale.ROOT, "%s, %s tokens, best by %s on each GPU model%n%n", m.name(), PlanText.tokens(o.tokenBudget()), obj.key());
            out.printf(Locale.ROOT, "%-26s %6s  %-58s %9s %6s %11s %10s %9s %8s %8s%n", "GPU", "GPUs", "configuration",
                    "tok/s/GPU", "MFU", "time", "cost", "MWh", "speed-up", "cost x");
            for (RunPlan p : best) {
                Estimate e = p.estimate();
                out.printf(Locale.ROOT, "%-26s %6d  %-58s %9.0f %5.1f%% %11s %10s %9.0f %7.2fx %7.2fx%n",
                        e.hardware().gpu().name(), e.hardware().gpus(), e.config().describe(), e.tokensPerSecondPerGpu(),
                        e.mfu() * 100, PlanText.duration(p.timeToTrainSeconds()), PlanText.money(p.costUsd()),
                        p.facilityEnergyMWh(), base.timeToTrainSeconds() / p.timeToTrainSeconds(), p.costUsd() / base.costUsd());
            }
            out.println();
            out.println("speed-up: time to train on the first GPU model / on this one; cost x: this cost / the first's."
                    + " Prices are per-model defaults (docs/planner.md).");
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Predict every sim=full row of a ground-truth CSV (columns of training-throughput.csv) from its"
                    + " own columns and compare with the measured tokens/s/GPU.")
    static final class Validate implements Runnable {
        @Option(names = "--ground-truth", paramLabel = "FILE.csv", description = "CSV with the columns of"
                + " data/ground-truth/training-throughput-v2.csv (default: that file, shipped with Colossus).")
        Path file;

        @Option(names = "--held-out", description = "Validate against the shipped held-out measurements instead"
                + " (data/ground-truth/held-out.csv: Qwen3, Nemotron 3 and Kimi K2 rows the calibration never sees).")
        boolean heldOut;

        @picocli.CommandLine.Mixin
        FormatOption output;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            if (heldOut && file != null) {
                throw new CliException("--held-out and --ground-truth " + file + " name two files; give one");
            }
            GroundTruth.Parsed parsed = heldOut ? GroundTruth.heldOut(Catalog.standard()) : groundTruth(file);
            Validation v = Validation.run(parsed, model());
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("summary", v.summary());
                doc.put("predictions", v.predictions());
                doc.put("skippedRows", v.skipped());
                out.println(Json.write(doc));
                return;
            }
            out.printf("%6s %12s %12s %7s %-9s %s%n", "line", "measured", "predicted", "APE", "release", "row");
            for (Validation.Prediction p : v.predictions()) {
                String notes = (p.fits() ? "" : "  [memory: " + p.memoryNote() + "]")
                        + (p.measurements() > 1 ? String.format(Locale.ROOT, "  [%s of %d releases measured, %.0f%% apart]",
                        p.scored() ? "newest" : "older", p.measurements(), p.spreadPercent()) : "");
                out.printf(Locale.ROOT, "%6d %12.0f %12.0f %6.1f%% %-9s %s%s%n", p.line(), p.measuredTokensPerSecondPerGpu(),
                        p.predictedTokensPerSecondPerGpu(), p.apePercent(), p.software().isEmpty() ? "-" : p.software(),
                        p.label(), notes);
            }
            for (GroundTruth.Skipped s : v.skipped()) {
                out.printf("%6d %12s %12s %7s %-9s %s  [skipped: %s]%n", s.line(), "-", "-", "-", "", s.label(), s.reason());
            }
            var sum = v.summary();
            out.printf(Locale.ROOT, "%nrows predicted %d (%d configurations: %d measured with more than one release are"
                            + " scored once, on the newest), skipped %d%n", sum.measuredRows(), sum.rows(),
                    sum.repeatedConfigurations(), sum.skipped());
            out.printf(Locale.ROOT, "per configuration, tokens/s/GPU: median APE %.1f%%, p90 APE %.1f%%%n",
                    sum.medianApePercent(), sum.p90ApePercent());
            out.printf("%-14s %5s %11s %9s%n", "group", "conf.", "median APE", "p90 APE");
            sum.byGpu().forEach((k, g) -> out.printf(Locale.ROOT, "%-14s %5d %10.1f%% %8.1f%%%n", k, g.rows(), g.medianApePercent(), g.p90ApePercent()));
            sum.byArchitecture().forEach((k, g) -> out.printf(Locale.ROOT, "%-14s %5d %10.1f%% %8.1f%%%n", k, g.rows(), g.medianApePercent(), g.p90ApePercent()));
            out.printf("%nby release (every row measured with it)%n%-14s %5s %13s %11s %9s%n", "release", "rows",
                    "median error", "median APE", "p90 APE");
            sum.bySoftware().forEach((k, r) -> out.printf(Locale.ROOT, "%-14s %5d %+12.1f%% %10.1f%% %8.1f%%%n", k,
                    r.rows(), r.medianSignedErrorPercent(), r.medianApePercent(), r.p90ApePercent()));
            if (!sum.byMoeRegime().isEmpty()) {
                out.printf("%nMoE by NVLink domains spanned (configurations; error > 0: the model is too fast)%n"
                        + "%-24s %5s %13s %11s %9s%n", "domains", "conf.", "median error", "median APE", "p90 APE");
                sum.byMoeRegime().forEach((k, r) -> out.printf(Locale.ROOT, "%-24s %5d %+12.1f%% %10.1f%% %8.1f%%%n", k,
                        r.rows(), r.medianSignedErrorPercent(), r.medianApePercent(), r.p90ApePercent()));
            }
            if (sum.spearmanGroups() == 0) {
                out.printf("%nSpearman rank correlation: no (model, GPU) group has %d configurations%n",
                        Validation.SPEARMAN_MIN);
            } else {
                out.printf(Locale.ROOT, "%nSpearman rank correlation within (model, GPU) groups of >= %d configurations:"
                        + " mean %.2f over %d groups%n", Validation.SPEARMAN_MIN, sum.spearmanWithinGroups(),
                        sum.spearmanGroups());
            }
            sum.series().forEach((k, g) -> out.printf(Locale.ROOT, "  %-44s %3d configurations  rho %5.2f%n", k,
                    g.configurations(), g.spearman()));
            out.printf(Locale.ROOT, "%nmemory: %d of %d measured configurations (all of which ran) do not fit as their rows"
                    + " state them%n", sum.memoryRejected(), sum.rows());
            sum.memoryExplanations().forEach((how, n) -> out.printf(Locale.ROOT, "  %3d %s%n", n, how));
        }
    }

    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = "Refit the model's few calibrated constants to a ground-truth CSV and print them as"
                    + " calibration.yaml (docs/planner.md#calibration).")
    static final class Calibrate implements Runnable {
        @Option(names = "--ground-truth", paramLabel = "FILE.csv", description = "CSV with the columns of"
                + " training-throughput-v2.csv (default: the one shipped with Colossus).")
        Path file;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the fitted calibration.yaml here (default: print it).")
        Path outFile;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            GroundTruth.Parsed parsed = groundTruth(file);
            if (parsed.cases().isEmpty()) {
                throw new CliException((file == null ? GroundTruth.SHIPPED_NAME : file) + ": no sim=full rows to fit");
            }
            Calibrator.Result r = Calibrator.fit(parsed.cases(), Calibration.standard());
            String yaml = "# Fitted constants of the performance model (docs/planner.md#calibration).\n"
                    + "# Refit: bin/colossus plan calibrate (the shipped data/ground-truth/training-throughput-v2.csv)\n"
                    + r.calibration().toYaml();
            PrintWriter out = spec.commandLine().getOut();
            if (outFile != null) {
                try {
                    Files.writeString(outFile, yaml, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CliException(outFile + ": cannot write: " + e.getMessage());
                }
            } else {
                out.print(yaml);
            }
            out.printf(Locale.ROOT, "# %d rows, %d configurations; mean |log error| per GPU group %.4f -> %.4f in %d"
                    + " rounds%n", parsed.cases().size(), Validation.scoredCases(parsed.cases()).size(), r.startError(),
                    r.fittedError(), r.rounds());
        }
    }

    /** The given ground-truth file, or the one shipped in the colossus-perf jar. */
    static GroundTruth.Parsed groundTruth(Path file) {
        return file == null ? GroundTruth.shipped(Catalog.standard())
                : GroundTruth.parse(file.toString(), read(file), Catalog.standard());
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (IOException e) {
            throw new CliException(file + ": cannot read: " + e.getMessage());
        }
    }
}
