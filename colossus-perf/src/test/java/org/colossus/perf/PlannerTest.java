package org.colossus.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.List;
import org.colossus.fleet.Catalog;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final Catalog FLEET = Catalog.standard();
    private final PerfModel model = new PerfModel(Calibration.standard());
    private final Planner planner = new Planner(model);

    private Planner.Request request(String modelId, String gpu, List<Integer> counts, Planner.Objective objective, int top) {
        ModelSpec m = ModelCatalog.standard().resolve(modelId);
        return new Planner.Request(m, HardwareSlice.of(FLEET.requireGpu(gpu), counts.get(0), FLEET), counts, 1e12,
                m.defaultBatchTokens(), m.seqLen(), TrainingPrecision.BF16, objective, top, 2.5, 1.2,
                Goodput.LLAMA3_DEFAULTS);
    }

    /** A model that fits on one GPU runs fastest with no model parallelism: pure data parallel. */
    @Test
    void search_smallModelOnOneNode_picksPureDataParallel() {
        Planner.Result r = planner.search(request("llama2-7b", "H200", List.of(8), Planner.Objective.THROUGHPUT, 3));
        ParallelConfig best = r.best().get(0).estimate().config();
        assertThat(best.tp()).isEqualTo(1);
        assertThat(best.pp()).isEqualTo(1);
        assertThat(best.cp()).isEqualTo(1);
        assertThat(r.evaluated()).isGreaterThan(r.fitting());
    }

    /** The best by throughput is the best of an exhaustive evaluation of the same space done here by hand. */
    @Test
    void search_tinyCase_returnsTheExhaustiveBest() {
        Planner.Result r = planner.search(request("llama3-8b", "H100", List.of(16), Planner.Objective.THROUGHPUT, 1));
        ModelSpec m = ModelCatalog.standard().resolve("llama3-8b");
        HardwareSlice hw = HardwareSlice.of(FLEET.requireGpu("H100"), 16, FLEET);
        double best = 0;
        for (int tp : new int[] {1, 2, 4, 8}) {
            for (int pp : new int[] {1, 2, 4, 8, 16}) {
                for (int cp : new int[] {1, 2, 4, 8, 16}) {
                    if (16 % (tp * pp * cp) != 0) {
                        continue;
                    }
                    int dp = 16 / (tp * pp * cp);
                    for (int mbs : new int[] {1, 2, 4, 8}) {
                        long target = m.defaultBatchTokens() / m.seqLen();
                        long step = (long) dp * mbs;
                        int gbs = (int) (step * ((target + step - 1) / step));
                        if (gbs * 4L > target * 5) {
                            continue;
                        }
                        for (Recompute rc : Recompute.values()) {
                            ParallelConfig c = new ParallelConfig(tp, pp, 1, cp, 1, mbs, gbs, m.seqLen(), rc,
                                    TrainingPrecision.BF16, Sharding.DISTRIBUTED_OPTIMIZER);
                            if (!PerfModel.violations(m, hw, c).isEmpty()) {
                                continue;
                            }
                            Estimate e = model.estimate(m, hw, c);
                            if (e.memory().fits()) {
                                best = Math.max(best, e.tokensPerSecondPerGpu());
                            }
                        }
                    }
                }
            }
        }
        assertThat(r.best().get(0).estimate().tokensPerSecondPerGpu()).isGreaterThanOrEqualTo(best);
    }

    @Test
    void search_results_fitAndAreRankedByObjective() {
        Planner.Result r = planner.search(request("llama3-70b", "H100", List.of(256), Planner.Objective.THROUGHPUT, 5));
        assertThat(r.best()).hasSize(5);
        assertThat(r.best()).allSatisfy(p -> assertThat(p.estimate().memory().fits()).isTrue());
        assertThat(r.best()).isSortedAccordingTo(
                Comparator.comparingDouble((RunPlan p) -> p.estimate().tokensPerSecondPerGpu()).reversed());
        Planner.Result cheapest = planner.search(request("llama3-70b", "H100", List.of(128, 256), Planner.Objective.COST, 3));
        assertThat(cheapest.best()).isSortedAccordingTo(Comparator.comparingDouble(RunPlan::costUsd));
    }

    @Test
    void search_modelTooLargeForAnyConfiguration_returnsNothing() {
        Planner.Result r = planner.search(request("llama3-405b", "H100", List.of(8), Planner.Objective.THROUGHPUT, 3));
        assertThat(r.best()).isEmpty();
        assertThat(r.evaluated()).isPositive();
    }

    @Test
    void countsInRange_geometricMultiplesOfUnit() {
        assertThat(Planner.countsInRange(1024, 2048, 8)).containsExactly(1024, 1216, 1448, 1720, 2048);
        assertThatThrownBy(() -> Planner.countsInRange(10, 5, 8)).hasMessage("GPU range 10..5: expected 1 <= from <= to");
    }

    @Test
    void goodput_llama3Defaults_reproduceMetasInterruptionRate() {
        Goodput.Result g = Goodput.LLAMA3_DEFAULTS.of(16384, 405e9 * 18);
        assertThat(g.interruptionsPerHour() * 24).isBetween(7.7, 7.8); // 419 in 54 days
        assertThat(g.fraction()).isBetween(0.85, 1.0);
        assertThat(new Goodput(0, 1e12, 600).of(16384, 1e12).fraction()).isEqualTo(1.0);
    }

    /** A hybrid model's search never proposes context parallelism, which is not modeled over Mamba-2 blocks. */
    @Test
    void search_hybridModel_neverProposesContextParallelism() {
        Planner.Result r = planner.search(request("nemotron-h-8b", "h100-sxm-80gb", List.of(64, 128),
                Planner.Objective.THROUGHPUT, 50));
        assertThat(r.best()).isNotEmpty().allSatisfy(p -> assertThat(p.estimate().config().cp()).isEqualTo(1));
    }
}
