package org.colossus.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import org.colossus.fleet.Catalog;

/** Scratch harness: prints per-row errors (run with java -cp). */
public class ValidationProbe {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]));
        var parsed = GroundTruth.parse(args[0], text, Catalog.standard());
        var v = Validation.run(parsed, new PerfModel(Calibration.standard()));
        for (var p : v.predictions()) {
            System.out.printf("%5.0f%% %s %8.0f %8.0f %s %s%n", p.apePercent(), p.fits() ? " " : "OOM", p.measuredTokensPerSecondPerGpu(), p.predictedTokensPerSecondPerGpu(), p.label(), p.line());
        }
        v.skipped().forEach(s -> System.out.println("SKIP " + s));
        System.out.println(v.summary());
    }
}
class CalibrateProbe {
    public static void main(String[] args) throws Exception {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of(args[0]));
        var parsed = GroundTruth.parse(args[0], text, org.colossus.fleet.Catalog.standard());
        var r = Calibrator.fit(parsed.cases(), Calibration.standard());
        System.out.println(r.startError() + " -> " + r.fittedError() + " rounds " + r.rounds());
        System.out.println(r.calibration().toYaml());
        var v = Validation.run(parsed, new PerfModel(r.calibration()));
        System.out.println(v.summary());
    }
}
class LineProbe {
    public static void main(String[] args) throws Exception {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of(args[0]));
        var parsed = GroundTruth.parse(args[0], text, org.colossus.fleet.Catalog.standard());
        var model = new PerfModel(Calibration.standard());
        for (String l : args[1].split(",")) {
            int line = Integer.parseInt(l);
            for (var c : parsed.cases()) {
                if (c.line() != line) continue;
                var e = model.estimate(c.model(), c.hardware(), c.config());
                System.out.println(c.label() + " " + c.config().describe() + " dp" + e.dp() + " m" + e.microbatches());
                System.out.printf("  measured %.0f predicted %.0f%n  %s%n  mem %s%n", c.measuredTokensPerSecondPerGpu(), e.tokensPerSecondPerGpu(), e.step(), e.memory());
            }
        }
    }
}
class SearchProbe {
    public static void main(String[] args) throws Exception {
        var cat = org.colossus.fleet.Catalog.standard();
        for (String[] job : new String[][] {{"llama3-405b", "h100-sxm-80gb", "16384"}, {"deepseek-v3", "h100-sxm-80gb", "8192"}, {"llama3-405b", "gb200", "16384"}, {"deepseek-v3", "gb200", "8192"}}) {
            long t0 = System.nanoTime();
            var m = ModelCatalog.standard().resolve(job[0]);
            var hw = HardwareSlice.of(cat.requireGpu(job[1]), 1, cat);
            var req = new Planner.Request(m, hw, java.util.List.of(Integer.parseInt(job[2])), 15e12, m.defaultBatchTokens(), m.seqLen(), TrainingPrecision.FP8, Planner.Objective.THROUGHPUT, 3, 2.5, 1.2, Goodput.LLAMA3_DEFAULTS);
            var r = new Planner(new PerfModel(Calibration.standard())).search(req);
            long t1 = System.nanoTime();
            System.out.printf("%s %s %s: %d evaluated, %d fit, %.0f ms%n", job[0], job[1], job[2], r.evaluated(), r.fitting(), (t1-t0)/1e6);
            for (var p : r.best()) System.out.printf("   %s  %.0f tok/s/gpu mfu %.2f  days %.1f mem %.0f GB%n", p.estimate().config().describe(), p.estimate().tokensPerSecondPerGpu(), p.estimate().mfu(), p.timeToTrainSeconds()/86400, p.estimate().memory().totalBytes()/1e9);
        }
    }
}
class MoeProbe {
    public static void main(String[] args) throws Exception {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of(args[0]));
        var parsed = GroundTruth.parse(args[0], text, org.colossus.fleet.Catalog.standard());
        var model = new PerfModel(Calibration.standard());
        for (var c : parsed.cases()) {
            if (!c.model().isMoe()) continue;
            var e = model.estimate(c.model(), c.hardware(), c.config());
            var st = e.step();
            System.out.printf("%+.2f %-22s %-6s %-6s %s m%d | comp %.2f ep %.2f ovh %.2f bub %.2f dp %.2f step %.2f%n", Math.log(e.tokensPerSecondPerGpu()/c.measuredTokensPerSecondPerGpu()),
              c.model().name().substring(0, Math.min(22, c.model().name().length())), c.gpuFamily(), c.config().precision(), c.config().describe().replaceAll(" seq\\d+.*",""), e.microbatches(), st.computeSeconds(), st.epCommSeconds(), st.overheadSeconds(), st.bubbleSeconds(), st.dpCommSeconds(), st.stepSeconds());
        }
    }
}
