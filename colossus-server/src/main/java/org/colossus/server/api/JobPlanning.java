package org.colossus.server.api;

import java.util.List;
import java.util.Locale;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.GpuModel;
import org.colossus.fleet.Precision;
import org.colossus.perf.Calibration;
import org.colossus.perf.Estimate;
import org.colossus.perf.HardwareSlice;
import org.colossus.perf.JobSpeed;
import org.colossus.perf.ModelCatalog;
import org.colossus.perf.ModelSpec;
import org.colossus.perf.ParallelConfig;
import org.colossus.perf.PerfException;
import org.colossus.perf.PerfModel;
import org.colossus.perf.Recompute;
import org.colossus.perf.Sharding;
import org.colossus.perf.TrainingPrecision;
import org.colossus.server.error.Problem;

/**
 * A job given as model + tokens: the planner turns it into a duration (time-to-train at nominal speed) on the
 * requested GPUs, with the given parallelism or the best one it finds. Runs on the request thread, not the engine's.
 */
final class JobPlanning {
    /**
     * A model + tokens job without its own limit gets the planner's time plus this share: the planner's p90 absolute
     * error on its ground truth (28.5% over 278 measured runs, docs/planner.md "Accuracy"), rounded up, so that about
     * nine runs in ten end before their limit even where the planner is optimistic.
     */
    static final double LIMIT_MARGIN = 0.30;

    /** The default limit of a planned job: its planned time with {@link #LIMIT_MARGIN}, rounded up to whole minutes. */
    static long defaultLimitMillis(long plannedMillis) {
        long withMargin = (long) Math.ceil(plannedMillis * (1 + LIMIT_MARGIN));
        return Math.min(10L * 365 * 86_400_000, Math.ceilDiv(withMargin, 60_000L) * 60_000L);
    }

    /** @param parallelism the configuration, described as the planner does */
    record Planned(long durationMillis, String parallelism) {
    }

    private final Catalog catalog;
    private final JobSpeed speed;
    private final PerfModel perf = new PerfModel(Calibration.standard());

    JobPlanning(Fleet fleet, Catalog catalog) {
        this.catalog = catalog;
        this.speed = new JobSpeed(fleet, catalog);
    }

    Planned plan(String modelName, double tokens, GpuModel gpu, int gpus, Bodies.Parallelism par) {
        ModelSpec model;
        try {
            model = ModelCatalog.standard().models().stream().filter(m -> m.id().equalsIgnoreCase(modelName))
                    .findFirst().orElseThrow(() -> new PerfException("unknown"));
        } catch (PerfException e) {
            List<String> ids = ModelCatalog.standard().models().stream().map(ModelSpec::id).toList();
            throw Problem.invalid("model", modelName, "a catalog model, one of " + ids);
        }
        if (par == null) {
            try {
                synchronized (speed) {
                    JobSpeed.Profile p = speed.profile(model, gpus, tokens);
                    return new Planned(millis(p.nominalSeconds()), p.estimate().config().describe());
                }
            } catch (PerfException e) {
                throw Problem.invalid("gpus", gpus, "a GPU count on which " + model.id() + " fits (" + e.getMessage() + ")");
            }
        }
        TrainingPrecision precision;
        ParallelConfig c;
        try {
            precision = par.precision() == null
                    ? (gpu.denseTflops(Precision.FP8).isPresent() ? TrainingPrecision.FP8 : TrainingPrecision.BF16)
                    : TrainingPrecision.parse(par.precision());
            int gbs = par.gbs() != null ? par.gbs()
                    : (int) Math.max(1, model.defaultBatchTokens() / model.seqLen());
            c = new ParallelConfig(pos("parallelism.tp", par.tp()), pos("parallelism.pp", par.pp()),
                    pos("parallelism.vp", par.vp()), pos("parallelism.cp", par.cp()), pos("parallelism.ep", par.ep()),
                    pos("parallelism.mbs", par.mbs()), gbs, model.seqLen(),
                    Recompute.parse(par.recompute() == null ? "none" : par.recompute()), precision,
                    Sharding.parse(par.sharding() == null ? "zero1" : par.sharding()));
        } catch (PerfException e) {
            throw Problem.invalid("parallelism", null, "a valid configuration: " + e.getMessage());
        }
        HardwareSlice hw = HardwareSlice.of(gpu, gpus, catalog);
        List<String> violations = PerfModel.violations(model, hw, c);
        if (!violations.isEmpty()) {
            throw Problem.invalid("parallelism", c.describe(), "a configuration valid for " + model.id() + " on " + gpus
                    + " GPUs: " + String.join("; ", violations));
        }
        Estimate e = perf.estimate(model, hw, c);
        if (!e.memory().fits()) {
            throw Problem.invalid("parallelism", c.describe(), String.format(Locale.ROOT,
                    "a configuration that fits in memory: it needs %.1f GB per GPU of %.1f GB usable",
                    e.memory().totalBytes() / 1e9, e.memory().capacityBytes() / 1e9));
        }
        return new Planned(millis(tokens / (e.tokensPerSecondPerGpu() * gpus)), c.describe());
    }

    private static int pos(String field, Integer v) {
        if (v == null) {
            return 1;
        }
        if (v < 1 || v > 1 << 16) {
            throw Problem.invalid(field, v, "an integer from 1 to 65536");
        }
        return v;
    }

    private static long millis(double seconds) {
        if (!(seconds > 0) || seconds > 10 * 365 * 86400.0) {
            throw Problem.invalid("tokens", null, "a budget that trains in at most 10 years (the plan takes "
                    + String.format(Locale.ROOT, "%.3g", seconds / 86400) + " days)");
        }
        return Math.max(1000, Math.round(seconds * 1000));
    }
}
