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
