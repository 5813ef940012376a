package org.colossus.perf;

/**
 * Expected useful fraction of a long run under failures, with checkpoints at the Young/Daly interval.
 *
 * <p>Default failure rate: Meta saw 419 unexpected interruptions in a 54-day snapshot of Llama 3 405B
 * pre-training on 16,384 H100 (The Llama 3 Herd of Models, arXiv:2407.21783, sec. 3.3.4): 419 / (54 x 24 x 16384)
 * = 1.97e-5 interruptions per GPU-hour. Default checkpoint bandwidth: the same paper's Tectonic storage
 * sustains 2 TB/s (peak 7 TB/s). Default restart: 10 minutes (assumption: rescheduling, NCCL init, reload).
 *
 * @param interruptionsPerGpuHour failures that stop the whole job, per GPU-hour
 * @param checkpointBytesPerSecond aggregate storage write bandwidth for synchronous checkpoints
 * @param restartSeconds from failure to training again (detection, reschedule, load checkpoint)
 */
public record Goodput(double interruptionsPerGpuHour, double checkpointBytesPerSecond, double restartSeconds) {
    public static final Goodput LLAMA3_DEFAULTS = new Goodput(419.0 / (54 * 24 * 16384), 2e12, 600);

    public Goodput {
        if (interruptionsPerGpuHour < 0 || checkpointBytesPerSecond <= 0 || restartSeconds < 0) {
            throw new PerfException("goodput: interruptions per GPU-hour >= 0, checkpoint bandwidth > 0 and restart"
                    + " seconds >= 0 expected");
        }
    }

    /**
     * @param checkpointSeconds one checkpoint's stall
     * @param intervalSeconds Young/Daly optimum sqrt(2 C / lambda)
     * @param interruptionsPerHour of the whole job
     * @param fraction useful time / wall time
     */
    public record Result(double checkpointSeconds, double intervalSeconds, double interruptionsPerHour, double fraction) {
    }

    /** For a job on {@code gpus} GPUs whose checkpoint holds {@code checkpointBytes}. */
    public Result of(int gpus, double checkpointBytes) {
        double c = checkpointBytes / checkpointBytesPerSecond;
        double lambda = interruptionsPerGpuHour * gpus / 3600.0; // per second
        if (lambda == 0) {
            return new Result(c, Double.POSITIVE_INFINITY, 0, 1.0);
        }
        double tau = Math.sqrt(2 * c / lambda);
        // time lost per unit of useful time: checkpoint stalls, half an interval of lost work and a restart per failure
        double overhead = c / tau + lambda * (tau / 2 + restartSeconds);
        return new Result(c, tau, lambda * 3600, 1 / (1 + overhead));
    }
}
