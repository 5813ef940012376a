package org.colossus.cli;

import java.util.Locale;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.GpuModel;
import org.colossus.fleet.Precision;
import org.colossus.perf.ModelCatalog;
import org.colossus.perf.ModelSpec;
import org.colossus.perf.TrainingPrecision;

/** Parsing shared by the plan commands: token counts, GPU ranges, defaults. */
final class PlanOptions {
    private PlanOptions() {
    }

    /** {@code 15T}, {@code 300B}, {@code 2.5e12}, {@code 1500000000} → tokens. */
    static double tokens(String text, String option) {
        return org.colossus.perf.Tokens.parse(text, option);
    }

    /** {@code 1024} or {@code 512..4096}: [from, to]. */
    static int[] gpuRange(String text) {
        String[] parts = text.split("\\.\\.", -1);
        try {
            int from = Integer.parseInt(parts[0].trim());
            int to = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : from;
            if (parts.length <= 2 && from >= 1 && to >= from) {
                return new int[] {from, to};
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new CliException("--gpus '" + text + "': expected a GPU count (1024) or a range (512..4096) of positive"
                + " whole numbers, smallest first");
    }

    static ModelSpec model(String idOrFile) {
        return ModelCatalog.standard().resolve(idOrFile);
    }

    static GpuModel gpu(String name) {
        return Catalog.standard().requireGpu(name);
    }

    /** The precision asked for, or FP8 where the GPU has it and BF16 elsewhere. */
    static TrainingPrecision precision(String text, GpuModel gpu) {
        TrainingPrecision p = text == null
                ? (gpu.denseTflops(Precision.FP8).isPresent() ? TrainingPrecision.FP8 : TrainingPrecision.BF16)
                : TrainingPrecision.parse(text);
        if (gpu.denseTflops(p.peak()).isEmpty()) {
            throw new CliException("--precision " + p.key() + ": " + gpu.name() + " has no " + p.peak().key().toUpperCase(Locale.ROOT)
                    + " tensor cores; choose bf16" + (gpu.denseTflops(Precision.FP8).isPresent() ? " or fp8" : ""));
        }
        if ((p == TrainingPrecision.MXFP8 || p == TrainingPrecision.NVFP4) && !gpu.architecture().startsWith("blackwell")) {
            throw new CliException("--precision " + p.key() + ": block-scaled formats need Blackwell; " + gpu.name()
                    + " is " + gpu.architecture());
        }
        return p;
    }
}
