package org.colossus.sim;

import java.util.Arrays;

/**
 * The outcome of one run: per job start and end, and the summary metrics.
 *
 * @param startSeconds per job (workload order); NaN if it never started
 * @param endSeconds per job; NaN if it never ended
 */
public record SimResult(String policy, String placement, String isolation, Workload workload, double[] startSeconds,
                        double[] endSeconds, int[] racks, int[] pods, Summary summary) {

    /**
     * @param makespanSeconds last end time
     * @param p99WaitSeconds the element at index floor(0.99 n) of the ascending waits
     * @param jobsWaited jobs with wait > 0
     * @param utilization allocated GPU-seconds / (fleet GPUs x makespan)
     * @param events simulator events processed
     */
    public record Summary(int jobs, int completed, double makespanSeconds, double meanWaitSeconds, double p99WaitSeconds,
                          int jobsWaited, double meanJctSeconds, double utilization, long events) {
    }

    static Summary summarize(Workload w, double[] start, double[] end, double allocatedGpuSeconds, long fleetGpus,
                             long events) {
        int n = w.size();
        double makespan = 0;
        double waitSum = 0;
        double jctSum = 0;
        int waited = 0;
        int completed = 0;
        double[] waits = new double[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(end[i])) {
                waits[i] = Double.POSITIVE_INFINITY;
                continue;
            }
            completed++;
            makespan = Math.max(makespan, end[i]);
            double wait = start[i] - w.submitSeconds()[i];
            waits[i] = wait;
            waitSum += wait;
            jctSum += end[i] - w.submitSeconds()[i];
            if (wait > 0) {
                waited++;
            }
        }
        Arrays.sort(waits);
        double p99 = n == 0 ? 0 : waits[(int) Math.floor(0.99 * n)];
        double utilization = makespan > 0 ? allocatedGpuSeconds / (fleetGpus * makespan) : 0;
        return new Summary(n, completed, makespan, completed == 0 ? 0 : waitSum / completed, p99, waited,
                completed == 0 ? 0 : jctSum / completed, utilization, events);
    }
}
