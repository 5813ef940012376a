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
            double[] w3 = quantiles(waits[g], nw[g], 0.5, 0.9, 0.99);
            double[] j3 = quantiles(jcts[g], nj[g], 0.5, 0.9, 0.99);
            out.put(names[g], new Group(sizes[g], nj[g], gpuHours[g], w3[0], w3[1], w3[2], j3[0], j3[1], j3[2],
                    pre[g], intr[g]));
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

    /** The 99th percentile of the started jobs' waits, as {@link #at} of them sorted. */
    static double p99Wait(Workload w, double[] start) {
        double[] waits = new double[w.size()];
        int k = 0;
        for (int i = 0; i < w.size(); i++) {
            if (!Double.isNaN(start[i])) {
                waits[k++] = start[i] - w.submitSeconds()[i];
            }
        }
        return quantiles(waits, k, 0.99)[0];
    }

    /**
     * For each of {@code qs} (ascending), element floor(q n) of {@code values[0, n)} in ascending order, as {@link #at}
     * gives of the sorted values (0 when n is 0), found by selection instead of sorting: a million-job result asked
     * for five sorts of a million doubles, most of its time. Values must not be NaN. Reorders {@code values[0, n)}.
     */
    static double[] quantiles(double[] values, int n, double... qs) {
        double[] out = new double[qs.length];
        if (n == 0) {
            return out;
        }
        int from = 0;
        for (int i = 0; i < qs.length; i++) {
            int k = Math.min(n - 1, (int) Math.floor(qs[i] * n));
            if (k < from) {
                throw new IllegalArgumentException("quantiles " + Arrays.toString(qs) + ": expected ascending");
            }
            select(values, from, n - 1, k);
            out[i] = values[k];
            from = k; // everything after k is at least values[k]: the next, larger k is found there
        }
        return out;
    }

    /**
     * Puts into {@code a[k]} the value sorting would put there, with no larger value before it and no smaller one
     * after it, within {@code a[lo, hi]}. Median-of-three quickselect; a range that stops shrinking fast enough is
     * sorted instead, so no input makes it quadratic.
     */
    private static void select(double[] a, int lo, int hi, int k) {
        int budget = 2 * (64 - Long.numberOfLeadingZeros(hi - lo + 1)) + 8;
        while (hi - lo > 16) {
            if (budget-- == 0) {
                Arrays.sort(a, lo, hi + 1);
                return;
            }
            int mid = (lo + hi) >>> 1;
            if (a[mid] < a[lo]) {
                swap(a, lo, mid);
            }
            if (a[hi] < a[lo]) {
                swap(a, lo, hi);
            }
            if (a[hi] < a[mid]) {
                swap(a, mid, hi);
            }
            double pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (pivot < a[j]) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i++, j--);
                }
            }
            // a[lo, j] <= pivot, a[j + 1, i - 1] == pivot, a[i, hi] >= pivot
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
        Arrays.sort(a, lo, hi + 1);
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
