package org.colossus.perf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * The parallelism search: every valid configuration of a model on N GPUs (or on each of several Ns),
 * evaluated by {@link PerfModel}, those that fit in memory ranked by an objective.
 *
 * <p>Search space: tp a power of two up to the NVLink domain (and dividing heads and FFN); cp a power of two
 * up to 16; pp any divisor with pp <= layers + 2; vp dividing the layers per stage; ep a power of two
 * dividing the experts and the GPUs of a stage; mbs 1, 2, 4, 8; recompute none, selective or full;
 * ZeRO-1, and FSDP where pp = 1. The global batch is the smallest multiple of dp x mbs at or above the
 * requested batch; configurations that would have to exceed it by more than 25% are skipped, so that every
 * candidate trains with (nearly) the batch the tenant asked for.
 */
public final class Planner {
    private static final int[] MBS = {1, 2, 4, 8};

    public enum Objective {
        THROUGHPUT, COST, TIME;

        public static Objective parse(String text) {
            return org.colossus.fleet.config.Keys.parse(values(), Objective::key, text, "objective", PerfException::new);
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param batchTokens target global batch in tokens
     * @param top how many configurations to return
     */
    public record Request(ModelSpec model, HardwareSlice hardware, List<Integer> gpuCounts, double tokens,
                          long batchTokens, int seqLen, TrainingPrecision precision, Objective objective, int top,
                          double pricePerGpuHourUsd, double pue, Goodput goodput) {
        public Request {
            gpuCounts = List.copyOf(gpuCounts);
            if (gpuCounts.isEmpty() || top < 1 || tokens <= 0 || batchTokens < 1 || seqLen < 1) {
                throw new PerfException("search: at least one GPU count, top >= 1, tokens > 0, batch >= 1 token and"
                        + " seq >= 1 expected");
            }
        }
    }

    /**
     * @param evaluated configurations the model evaluated
     * @param fitting of those, how many fit in memory
     */
    public record Result(List<RunPlan> best, long evaluated, long fitting) {
    }

    private final PerfModel model;

    public Planner(PerfModel model) {
        this.model = model;
    }

    private record Scored(double score, Estimate estimate) {
    }

    public Result search(Request r) {
        ModelSpec m = r.model();
        // lower score is better for every objective
        PriorityQueue<Scored> worstFirst = new PriorityQueue<>(Comparator.comparingDouble(Scored::score).reversed());
        long evaluated = 0, fitting = 0;
        double checkpointBytes = m.totalParams() * (2 + PerfModel.OPTIMIZER_BYTES_PER_PARAM);
        for (int gpus : r.gpuCounts()) {
            HardwareSlice hw = r.hardware().withGpus(gpus);
            double goodput = r.goodput().of(gpus, checkpointBytes).fraction();
            int domain = hw.nvlinkDomainGpus();
            for (int tp = 1; tp <= Math.min(domain, gpus); tp *= 2) {
                if (m.heads() % tp != 0 || m.ffnHidden() % tp != 0
                        || (m.mla() == null && m.kvHeads() % tp != 0 && tp % m.kvHeads() != 0)
                        || (m.hybrid() != null && m.hybrid().mambaHeads() % tp != 0)) {
                    continue;
                }
                for (int cp = 1; cp <= 16 && tp * cp <= gpus; cp *= 2) {
                    if (cp > 1 && (r.seqLen() % (2 * cp) != 0 || m.mambaLayers() > 0)) {
                        continue; // (context parallelism over Mamba-2 blocks is not modeled)
                    }
                    for (int pp = 1; pp <= m.layers() + 2 && tp * cp * pp <= gpus; pp++) {
                        if (gpus % (tp * cp * pp) != 0) {
                            continue;
                        }
                        int dp = gpus / (tp * cp * pp);
                        for (int vp : virtualStages(m.layers(), pp)) {
                            for (int ep : expertParallel(m, gpus / pp)) {
                                for (int mbs : MBS) {
                                    long perStep = (long) dp * mbs;
                                    long targetSeqs = Math.max(1, r.batchTokens() / r.seqLen());
                                    long gbs = perStep * ((targetSeqs + perStep - 1) / perStep);
                                    if (gbs * 4 > targetSeqs * 5) {
                                        continue;
                                    }
                                    if (gbs > Integer.MAX_VALUE) {
                                        continue;
                                    }
                                    for (Recompute recompute : Recompute.values()) {
                                        for (Sharding sharding : List.of(Sharding.DISTRIBUTED_OPTIMIZER, Sharding.FSDP)) {
                                            if (sharding == Sharding.FSDP && (pp > 1 || dp == 1)) {
                                                continue;
                                            }
                                            ParallelConfig c = new ParallelConfig(tp, pp, vp, cp, ep, mbs, (int) gbs,
                                                    r.seqLen(), recompute, r.precision(), sharding);
                                            Estimate e = model.evaluate(m, hw, c);
                                            evaluated++;
                                            if (!e.memory().fits()) {
                                                continue;
                                            }
                                            fitting++;
                                            double score = score(r, e, gpus, goodput);
                                            if (worstFirst.size() < r.top()) {
                                                worstFirst.add(new Scored(score, e));
                                            } else if (score < worstFirst.peek().score()) {
                                                worstFirst.poll();
                                                worstFirst.add(new Scored(score, e));
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        List<Scored> ranked = new ArrayList<>(worstFirst);
        ranked.sort(Comparator.comparingDouble(Scored::score));
        List<RunPlan> best = ranked.stream()
                .map(s -> RunPlan.of(s.estimate(), r.tokens(), r.pricePerGpuHourUsd(), r.pue(), r.goodput()))
                .toList();
        return new Result(best, evaluated, fitting);
    }

    private static double score(Request r, Estimate e, int gpus, double goodput) {
        double tokensPerSecond = e.tokensPerSecondPerGpu() * gpus;
        double seconds = r.tokens() / tokensPerSecond / goodput;
        return switch (r.objective()) {
            case THROUGHPUT -> -tokensPerSecond;
            case TIME -> seconds;
            case COST -> seconds * gpus * r.pricePerGpuHourUsd();
        };
    }

    private static int[] virtualStages(int layers, int pp) {
        if (pp == 1) {
            return new int[] {1};
        }
        List<Integer> vps = new ArrayList<>();
        for (int vp = 1; pp * vp <= layers + 2 && vp <= 16; vp++) {
            if (layers % (pp * vp) == 0 || (layers + 2) % (pp * vp) == 0) {
                vps.add(vp);
            }
        }
        if (vps.isEmpty()) {
            vps.add(1);
        }
        return vps.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] expertParallel(ModelSpec m, int gpusPerStage) {
        if (!m.isMoe()) {
            return new int[] {1};
        }
        List<Integer> eps = new ArrayList<>();
        for (int ep = 1; ep <= m.moe().experts() && ep <= gpusPerStage; ep *= 2) {
            if (m.moe().experts() % ep == 0 && gpusPerStage % ep == 0) {
                eps.add(ep);
            }
        }
        return eps.stream().mapToInt(Integer::intValue).toArray();
    }

    /** GPU counts to try for a range: multiples of {@code unit} at about 19% steps (2^(1/4)), both ends included. */
    public static List<Integer> countsInRange(int from, int to, int unit) {
        if (from < 1 || to < from) {
            throw new PerfException("GPU range " + from + ".." + to + ": expected 1 <= from <= to");
        }
        List<Integer> counts = new ArrayList<>();
        double next = from;
        while (next <= to) {
            int n = (int) Math.max(unit, Math.round(next / unit) * unit);
            if (n >= from && n <= to && (counts.isEmpty() || counts.get(counts.size() - 1) != n)) {
                counts.add(n);
            }
            next *= Math.pow(2, 0.25);
        }
        if (counts.isEmpty() || counts.get(counts.size() - 1) != to) {
            counts.add(to);
        }
        if (counts.get(0) != from) {
            counts.add(0, from);
        }
        return counts;
    }
}
