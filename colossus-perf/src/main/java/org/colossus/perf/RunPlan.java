package org.colossus.perf;

/**
 * A whole training run at one configuration: time, GPU-hours, cost and energy for a token budget.
 *
 * @param idealSeconds tokens / throughput, with no failures
 * @param timeToTrainSeconds ideal time / goodput
 * @param gpuHours GPUs x time to train
 * @param costUsd GPU-hours x price
 * @param itEnergyMWh GPUs x wall power per GPU x time to train
 * @param facilityEnergyMWh IT energy x PUE
 */
public record RunPlan(Estimate estimate, double tokens, double pricePerGpuHourUsd, double pue, Goodput.Result goodput,
                      double idealSeconds, double timeToTrainSeconds, double gpuHours, double costUsd,
                      double itEnergyMWh, double facilityEnergyMWh) {

    public static RunPlan of(Estimate e, double tokens, double pricePerGpuHourUsd, double pue, Goodput goodput) {
        if (tokens <= 0 || pricePerGpuHourUsd < 0 || pue < 1) {
            throw new PerfException("tokens > 0, price >= 0 and PUE >= 1 expected; got tokens " + tokens + ", price "
                    + pricePerGpuHourUsd + ", PUE " + pue);
        }
        int gpus = e.hardware().gpus();
        double params = e.model().totalParams();
        double checkpointBytes = params * (2 + PerfModel.OPTIMIZER_BYTES_PER_PARAM); // BF16 weights + Adam state
        Goodput.Result g = goodput.of(gpus, checkpointBytes);
        double ideal = tokens / (e.tokensPerSecondPerGpu() * gpus);
        double wall = ideal / g.fraction();
        double gpuHours = wall / 3600 * gpus;
        double itMWh = gpus * e.hardware().wattsPerGpu() * wall / 3600 / 1e6;
        return new RunPlan(e, tokens, pricePerGpuHourUsd, pue, g, ideal, wall, gpuHours, gpuHours * pricePerGpuHourUsd,
                itMWh, itMWh * pue);
    }
}
