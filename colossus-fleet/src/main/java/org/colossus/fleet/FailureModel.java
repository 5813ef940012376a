package org.colossus.fleet;

/**
 * Node failures as a Poisson process, repairs as exponential delays, and what an interruption costs a job.
 *
 * <p>Default rate: Meta saw 419 unexpected interruptions in a 54-day snapshot of Llama 3 405B pre-training on
 * 16,384 H100 (The Llama 3 Herd of Models, arXiv:2407.21783, sec. 3.3.4): 419 / (54 x 24 x 16,384) = 1.97e-5
 * per GPU-hour; here every interruption takes down the node of the failed GPU. Repair (mean 4 h), restart cost
 * (10 min) and checkpoint interval (30 min of work) are assumptions.
 *
 * @param interruptionsPerGpuHour node failures per GPU-hour of fleet capacity
 * @param meanRepairSeconds mean time a failed node stays out (exponential)
 * @param restartSeconds time a restarted or resumed job spends before doing work again
 * @param checkpointIntervalSeconds running work between checkpoints; a failure loses the work since the last one
 */
public record FailureModel(boolean enabled, double interruptionsPerGpuHour, double meanRepairSeconds,
                           double restartSeconds, double checkpointIntervalSeconds) {
    public static final FailureModel OFF = new FailureModel(false, 0, 4 * 3600, 600, 1800);
    public static final FailureModel DEFAULT = new FailureModel(true, 419.0 / (54 * 24 * 16384), 4 * 3600, 600, 1800);

    public FailureModel {
        if (interruptionsPerGpuHour < 0 || meanRepairSeconds <= 0 || restartSeconds < 0 || checkpointIntervalSeconds <= 0) {
            throw new FleetException("failure model: interruptions per GPU-hour >= 0, repair > 0 s, restart >= 0 s and"
                    + " checkpoint interval > 0 s expected");
        }
    }
}
