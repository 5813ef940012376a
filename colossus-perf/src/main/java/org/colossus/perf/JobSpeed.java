package org.colossus.perf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.GpuModel;

/**
 * Job speed from the planner. A training job given as model + tokens on N GPUs runs the planner's best
 * configuration for N GPUs of the fleet's GPU model; its nominal duration is tokens / that throughput. Where it
 * actually lands matters: a job spread over several network pods sends its data-parallel and pipeline traffic
 * through the pods' uplinks, so it runs with the scale-out bandwidth divided by the largest oversubscription of
 * its pods, re-estimated by the same model.
 */
public final class JobSpeed {
    /** One model on one GPU count: the configuration and its throughput inside one pod. */
    public record Profile(ModelSpec model, HardwareSlice hardware, Estimate estimate, double tokens) {
        public double nominalSeconds() {
            return tokens / (estimate.tokensPerSecondPerGpu() * hardware.gpus());
        }
    }

    private final Fleet fleet;
    private final Catalog catalog;
    private final PerfModel perf = new PerfModel(Calibration.standard());
    private final Map<String, Profile> profiles = new HashMap<>();
    private final Map<Long, Double> factors = new HashMap<>();

    public JobSpeed(Fleet fleet, Catalog catalog) {
        this.fleet = fleet;
        this.catalog = catalog;
    }

    /** @throws PerfException if no configuration of the model fits on that many GPUs */
    public Profile profile(ModelSpec model, int gpus, double tokens) {
        String key = model.id() + "@" + gpus + "@" + tokens;
        Profile cached = profiles.get(key);
        if (cached != null) {
            return cached;
        }
        GpuModel gpu = fleet.gpuModel(0);
        HardwareSlice hw = HardwareSlice.of(gpu, gpus, catalog);
        TrainingPrecision precision = gpu.denseTflops(org.colossus.fleet.Precision.FP8).isPresent()
                ? TrainingPrecision.FP8 : TrainingPrecision.BF16;
        Planner.Result r = new Planner(perf).search(new Planner.Request(model, hw, List.of(gpus), tokens,
                model.defaultBatchTokens(), model.seqLen(), precision, Planner.Objective.THROUGHPUT, 1,
                Prices.defaultUsdPerGpuHour(gpu.id()), 1.2, Goodput.LLAMA3_DEFAULTS));
        if (r.best().isEmpty()) {
            throw new PerfException("model " + model.id() + " has no configuration that fits on " + gpus + " x "
                    + gpu.name() + " (" + r.evaluated() + " evaluated)");
        }
        Profile p = new Profile(model, hw, r.best().get(0).estimate(), tokens);
        profiles.put(key, p);
        return p;
    }

    /**
     * Throughput on the placement {@code nodes} relative to inside one pod (1 for a job within one pod).
     * {@code profileIndex} keys the cache: the caller's index of {@code p}.
     */
    public double factor(Profile p, int profileIndex, int[] nodes) {
        double oversubscription = 1;
        int firstPod = -1;
        boolean spans = false;
        for (int node : nodes) {
            int pod = fleet.podOfRack(fleet.rackOfNode(node));
            if (firstPod < 0) {
                firstPod = pod;
            } else if (pod != firstPod) {
                spans = true;
            }
            oversubscription = Math.max(oversubscription, fleet.oversubscriptionOfPod(pod));
        }
        if (!spans || oversubscription <= 1) {
            return 1;
        }
        long key = ((long) profileIndex << 20) | Math.round(oversubscription * 1000);
        Double cached = factors.get(key);
        if (cached != null) {
            return cached;
        }
        HardwareSlice h = p.hardware();
        HardwareSlice spread = new HardwareSlice(h.gpu(), h.gpus(), h.nvlinkDomainGpus(), h.nvlinkBytesPerSecond(),
                h.scaleOutBytesPerSecond() / oversubscription, h.wattsPerGpu());
        double factor = perf.estimate(p.model(), spread, p.estimate().config()).tokensPerSecondPerGpu()
                / p.estimate().tokensPerSecondPerGpu();
        factors.put(key, factor);
        return factor;
    }
}
