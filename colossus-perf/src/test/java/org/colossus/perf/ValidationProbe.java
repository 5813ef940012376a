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
