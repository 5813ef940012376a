package org.colossus.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.colossus.fleet.Catalog;
import org.colossus.perf.Calibration;
import org.colossus.perf.Estimate;
import org.colossus.perf.Goodput;
import org.colossus.perf.HardwareSlice;
import org.colossus.perf.ModelCatalog;
import org.colossus.perf.ModelSpec;
import org.colossus.perf.ParallelConfig;
import org.colossus.perf.PerfModel;
import org.colossus.perf.Planner;
import org.colossus.perf.Recompute;
import org.colossus.perf.Sharding;
import org.colossus.perf.TrainingPrecision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The planner's hot path. {@code estimate*}: one configuration through the performance model (the
 * evaluation core; configurations per second = 1e9 / ns per op, single thread). {@code search*}: the full
 * searches the planner issue names (405B dense on 16,384 H100; DeepSeek-V3 on 8,192 H100).
 * Run: {@code java -jar colossus-bench/target/benchmarks.jar Planner}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PlannerBenchmark {
    private PerfModel model;
    private ModelSpec llama405;
    private ModelSpec deepseek;
    private HardwareSlice h100x16k;
    private HardwareSlice h100x8k;
    private ParallelConfig denseConfig;
    private ParallelConfig moeConfig;
    private Planner planner;
    private Planner.Request denseSearch;
    private Planner.Request moeSearch;

    @Setup
    public void setUp() {
        Catalog fleet = Catalog.standard();
        model = new PerfModel(Calibration.standard());
        planner = new Planner(model);
        llama405 = ModelCatalog.standard().resolve("llama3-405b");
        deepseek = ModelCatalog.standard().resolve("deepseek-v3");
        h100x16k = HardwareSlice.of(fleet.requireGpu("H100"), 16384, fleet);
        h100x8k = HardwareSlice.of(fleet.requireGpu("H100"), 8192, fleet);
        denseConfig = new ParallelConfig(8, 16, 8, 2, 1, 1, 2048, 8192, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        moeConfig = new ParallelConfig(1, 16, 1, 1, 64, 1, 16384, 4096, Recompute.NONE, TrainingPrecision.FP8,
                Sharding.DISTRIBUTED_OPTIMIZER);
        denseSearch = new Planner.Request(llama405, h100x16k, List.of(16384), 15e12, llama405.defaultBatchTokens(),
                8192, TrainingPrecision.FP8, Planner.Objective.THROUGHPUT, 5, 2.5, 1.2, Goodput.LLAMA3_DEFAULTS);
        moeSearch = new Planner.Request(deepseek, h100x8k, List.of(8192), 15e12, deepseek.defaultBatchTokens(),
                4096, TrainingPrecision.FP8, Planner.Objective.THROUGHPUT, 5, 2.5, 1.2, Goodput.LLAMA3_DEFAULTS);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Estimate estimateDense() {
        return model.estimate(llama405, h100x16k, denseConfig);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Estimate estimateMoe() {
        return model.estimate(deepseek, h100x8k, moeConfig);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Planner.Result searchLlama405bOn16kH100() {
        return planner.search(denseSearch);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Planner.Result searchDeepSeekV3On8kH100() {
        return planner.search(moeSearch);
    }
}
