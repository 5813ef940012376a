package org.colossus.bench;

import java.util.concurrent.TimeUnit;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.FleetSpec;
import org.colossus.fleet.Presets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building the in-memory topology of a 100k-GPU preset (colossus1: 100,352 H100; colossus2: 110,592
 * GB200), and parsing its YAML. Run: {@code java -jar colossus-bench/target/benchmarks.jar FleetBuild}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class FleetBuildBenchmark {
    @Param({"colossus1", "colossus2"})
    public String preset;

    private FleetSpec spec;
    private Fleet fleet;
    private String[] paths;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        spec = Presets.load(preset, Catalog.standard());
        fleet = Fleet.build(spec);
        paths = new String[4096];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = fleet.gpuPath((int) ((long) i * fleet.gpuCount() / paths.length));
        }
    }

    /** The topology from an already-parsed spec: arrays for 100k GPUs. */
    @Benchmark
    public Fleet build() {
        return Fleet.build(spec);
    }

    /** File to topology: YAML parse, validation against the catalog, build. */
    @Benchmark
    public Fleet loadAndBuild() {
        return Fleet.build(Presets.load(preset, Catalog.standard()));
    }

    /** Path to id: the O(1) lookup a placement decision or an API call does. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int gpuIdByPath() {
        next = (next + 1) & (paths.length - 1);
        return fleet.gpuId(paths[next]);
    }
}
