package org.colossus.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.colossus.fleet.Fleet;
import org.colossus.sim.EstimateGaps;
import org.colossus.sim.SimResult;
import org.colossus.sim.Workload;

/** The text report of {@code colossus simulate}: a summary table per policy, then per tenant and class. */
final class SimText {
    private SimText() {
    }

    static String render(String name, Fleet fleet, Workload w, List<SimResult> results, List<Double> wall) {
        StringBuilder b = new StringBuilder();
        SimResult first = results.get(0);
        b.append(String.format(Locale.ROOT, "%s on %s (%,d GPUs), %,d jobs; placement %s, isolation %s%n%n", name,
                fleet.name(), fleet.gpuCount(), w.size(), first.placement(), first.isolation()));
        int width = Math.max(10, results.stream().mapToInt(r -> r.policy().length()).max().orElse(10));
        b.append(String.format(Locale.ROOT, "%-" + width + "s %13s %11s %11s %8s %12s %7s %7s %7s %6s %6s %8s %6s %6s %7s%n",
                "policy", "makespan s", "mean wait s", "p99 wait s", "waited", "mean JCT s", "util", "product",
                "goodput", "preempt", "fails", "lost GPUh", "frag", "isoViol", "wall s"));
        for (int i = 0; i < results.size(); i++) {
            SimResult.Summary s = results.get(i).summary();
            b.append(String.format(Locale.ROOT,
                    "%-" + width + "s %13.3f %11.3f %11.3f %8d %12.3f %6.1f%% %6.1f%% %6.1f%% %6d %6d %8.0f %5.1f%% %6d %7.2f%n",
                    results.get(i).policy(), s.makespanSeconds(), s.meanWaitSeconds(), s.p99WaitSeconds(), s.jobsWaited(),
                    s.meanJctSeconds(), s.utilization() * 100, s.productiveUtilization() * 100, s.goodput() * 100,
                    s.preemptions(), s.nodeFailures(), s.lostGpuHours(), s.fragmentation() * 100,
                    s.isolationViolations(), wall.get(i)));
        }
        List<EstimateGaps.Row> gaps = EstimateGaps.of(results);
        if (!gaps.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nWhat estimates cost against exact run times (positive: waiting they"
                    + " added):%n%-" + width + "s %16s %16s %16s%n", "policy", "mean wait cost s", "p99 wait cost s",
                    "mean JCT cost s"));
            for (EstimateGaps.Row g : gaps) {
                b.append(String.format(Locale.ROOT, "%-" + width + "s %+16.1f %+16.1f %+16.1f%n", g.policy() + "/"
                        + g.estimates(), g.meanWaitCostSeconds(), g.p99WaitCostSeconds(), g.meanJctCostSeconds()));
            }
        }
        for (SimResult r : results) {
            SimResult.Summary s = r.summary();
            b.append(String.format(Locale.ROOT, "%n%s: %,d completed, %,d failed, %,d unfinished at the end%s; %,d"
                    + " interruptions survived; isolation %s%n", r.policy(), s.completed(), s.failed(), s.unfinished(),
                    (s.timedOut() == 0 ? "" : String.format(Locale.ROOT, ", %,d stopped at their time limit",
                            s.timedOut())) + (s.medianEstimateRatio() == 1 && s.underestimatedShare() == 0 ? "" : String.format(Locale.ROOT,
                            "; estimates %.2fx the run time (median), %.1f%% under", s.medianEstimateRatio(),
                            s.underestimatedShare() * 100)),
                    s.interruptions(),
                    s.isolationViolations() == 0 ? "verified (0 violations)" : "VIOLATED " + s.isolationViolations() + " times"));
            table(b, "tenant", r.byTenant());
            table(b, "class", r.byClass());
            revenue(b, r.revenue());
        }
        return b.toString().stripTrailing();
    }

    /** What the ledger bills for the run (the same code as the server's invoices). */
    private static void revenue(StringBuilder b, SimResult.Revenue rev) {
        if (rev == null) {
            return;
        }
        b.append(String.format(Locale.ROOT, "  %-16s %15s %15s %15s %15s %14s %14s %10s%n", "billed (" + rev.currency()
                + ")", "reserved", "on-demand", "preemptible", "total", "energy kWh", "kg CO2e", "lost GPUh*"));
        List<SimResult.TenantRevenue> rows = new java.util.ArrayList<>(rev.tenants());
        rows.add(rev.total());
        for (SimResult.TenantRevenue t : rows) {
            b.append(String.format(Locale.ROOT, "  %-16s %15s %15s %15s %15s %14s %14s %10.0f%n", t.tenant(),
                    t.reserved(), t.onDemand(), t.preemptible(), t.total(), t.kwh(), t.kgCo2e(), t.lostGpuHours()));
        }
        b.append(String.format(Locale.ROOT, "  (* since each interrupted job's last checkpoint, as invoices report it; simulated time starts %s;\n  SLA credits are not modelled yet)%n",
                rev.start()));
    }

    private static void table(StringBuilder b, String label, Map<String, SimResult.Group> groups) {
        b.append(String.format(Locale.ROOT, "  %-16s %8s %9s %11s %10s %10s %10s %10s %10s %10s %7s %7s%n", label, "jobs",
                "done", "GPU-hours", "wait p50", "wait p90", "wait p99", "JCT p50", "JCT p90", "JCT p99", "preempt",
                "interr"));
        groups.forEach((k, g) -> b.append(String.format(Locale.ROOT,
                "  %-16s %8d %9d %11.0f %10s %10s %10s %10s %10s %10s %7d %7d%n", k, g.jobs(), g.completed(), g.gpuHours(),
                dur(g.p50WaitSeconds()), dur(g.p90WaitSeconds()), dur(g.p99WaitSeconds()), dur(g.p50JctSeconds()),
                dur(g.p90JctSeconds()), dur(g.p99JctSeconds()), g.preemptions(), g.interruptions())));
    }

    static String dur(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.0fs", seconds);
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.1fm", seconds / 60);
        }
        if (seconds < 86400 * 2) {
            return String.format(Locale.ROOT, "%.1fh", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1fd", seconds / 86400);
    }
}
