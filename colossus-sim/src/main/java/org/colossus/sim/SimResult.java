package org.colossus.sim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one run: per job what happened, the summary metrics, per tenant and class breakdowns, and time
 * series for plots. Definitions: docs/simulator.md#metrics.
 *
 * @param startSeconds per job (workload order): first start; NaN if it never started
 * @param endSeconds per job: completion; NaN if it did not complete
 * @param state per job: completed, failed, running or queued (at the end of the run)
 */
public record SimResult(String policy, String placement, String isolation, Workload workload, double[] startSeconds,
                        double[] endSeconds, String[] state, int[] restarts, int[] racks, int[] pods, Summary summary,
                        Map<String, Group> byTenant, Map<String, Group> byClass, Series series, Revenue revenue) {

    /**
     * What the run bills (issue 18), from the ledger's invoices: null when the run was not given prices.
     *
     * @param start the wall-clock time of simulated second 0
     * @param total every tenant's figures summed (tenant {@code all})
     */
    public record Revenue(String currency, String start, java.util.List<TenantRevenue> tenants, TenantRevenue total,
                          RevenueSeries series) {
    }

    /**
     * For plots: cumulative billed amount and facility energy of all tenants at equal steps of simulated time, from
     * the invoices' lines and items (each spread evenly over the time it covers).
     */
    public record RevenueSeries(double[] timeSeconds, double[] amount, double[] kwh) {
    }

    /**
     * Amounts in the currency's decimals; energy at the facility's meter.
     *
     * @param reserved take-or-pay commitments (used or not)
     * @param lostGpuHours GPU-time lost to node failures since each job's last checkpoint
     */
    public record TenantRevenue(String tenant, String reserved, String onDemand, String preemptible, String total,
                                String kwh, String kgCo2e, double lostGpuHours) {
    }

    /**
     * @param makespanSeconds last completion time
     * @param p99WaitSeconds the element at index floor(0.99 n) of the ascending waits of started jobs
     * @param jobsWaited jobs with wait > 0
     * @param utilization allocated GPU-seconds / (fleet GPUs x horizon)
     * @param productiveUtilization GPU-seconds of work kept (not lost to failures or restarts) / (fleet GPUs x horizon)
     * @param goodput productive / allocated GPU-seconds
     * @param fragmentation time-average share of free GPUs that sit on partly used nodes (unusable by gangs)
     * @param isolationViolations placements that put two tenants in one isolation unit, counted independently
     * @param timedOut jobs stopped at their time limit
     * @param estimates what the scheduler planned run times with: exact, user, modeled or predictor
     * @param medianEstimateRatio over completed jobs, the median of estimate / actual run time (1 = exact)
     * @param underestimatedShare over completed jobs, the share whose estimate was below their run time
     */
    public record Summary(int jobs, int completed, int failed, int unfinished, double makespanSeconds,
                          double horizonSeconds, double meanWaitSeconds, double p99WaitSeconds, int jobsWaited,
                          double meanJctSeconds, double utilization, double productiveUtilization, double goodput,
                          int preemptions, int nodeFailures, int interruptions, double lostGpuHours,
                          double fragmentation, long isolationViolations, long events, int timedOut,
                          String estimates, double medianEstimateRatio, double underestimatedShare) {
    }

    public record Group(int jobs, int completed, double gpuHours, double p50WaitSeconds, double p90WaitSeconds,
                        double p99WaitSeconds, double p50JctSeconds, double p90JctSeconds, double p99JctSeconds,
                        int preemptions, int interruptions) {
    }

    /** Samples at equal steps of simulated time. */
    public record Series(double[] timeSeconds, double[] utilization, int[] queuedJobs) {
    }

    static Map<String, Group> groups(Workload w, double[] start, double[] end, int[] preempted, int[] interrupted,
                                     double[] gpuSeconds, boolean byTenant) {
        int n = w.size();
        String[] names = byTenant ? w.tenants().toArray(String[]::new)
                : java.util.Arrays.stream(org.colossus.scheduler.JobClass.values()).map(c -> c.key()).toArray(String[]::new);
        int[] groupOf = new int[n];
        int[] sizes = new int[names.length];
        for (int i = 0; i < n; i++) {
            groupOf[i] = byTenant ? w.tenantOf()[i] : w.jobClass()[i].ordinal();
            sizes[groupOf[i]]++;
        }
        double[][] waits = new double[names.length][];
        double[][] jcts = new double[names.length][];
        int[] nw = new int[names.length];
        int[] nj = new int[names.length];
        double[] gpuHours = new double[names.length];
        int[] pre = new int[names.length];
        int[] intr = new int[names.length];
        for (int g = 0; g < names.length; g++) {
            waits[g] = new double[sizes[g]];
            jcts[g] = new double[sizes[g]];
        }
        for (int i = 0; i < n; i++) {
            int g = groupOf[i];
            if (!Double.isNaN(start[i])) {
                waits[g][nw[g]++] = start[i] - w.submitSeconds()[i];
            }
            if (!Double.isNaN(end[i])) {
                jcts[g][nj[g]++] = end[i] - w.submitSeconds()[i];
            }
            gpuHours[g] += gpuSeconds[i] / 3600;
            pre[g] += preempted[i];
            intr[g] += interrupted[i];
        }
        Map<String, Group> out = new TreeMap<>();
        for (int g = 0; g < names.length; g++) {
            if (sizes[g] == 0) {
                continue;
            }
            double[] ws = Arrays.copyOf(waits[g], nw[g]);
            double[] js = Arrays.copyOf(jcts[g], nj[g]);
            Arrays.sort(ws);
            Arrays.sort(js);
            out.put(names[g], new Group(sizes[g], nj[g], gpuHours[g], at(ws, 0.5), at(ws, 0.9), at(ws, 0.99),
                    at(js, 0.5), at(js, 0.9), at(js, 0.99), pre[g], intr[g]));
        }
        return new LinkedHashMap<>(out);
    }

    /** Element floor(q n) of sorted values (the reference's percentile convention); 0 for none. */
    static double at(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    static double[] sortedWaits(Workload w, double[] start) {
        double[] waits = new double[w.size()];
        int k = 0;
        for (int i = 0; i < w.size(); i++) {
            if (!Double.isNaN(start[i])) {
                waits[k++] = start[i] - w.submitSeconds()[i];
            }
        }
        double[] out = Arrays.copyOf(waits, k);
        Arrays.sort(out);
        return out;
    }
}
