package org.colossus.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gap between the estimates a scheduler plans with and the jobs' actual run times costs (issue 23): for each
 * policy run with exact run times, every other estimate source's mean and p99 wait and mean JCT against it. A
 * positive cost is waiting the estimates added; a negative one, waiting they happened to save.
 */
public final class EstimateGaps {
    private EstimateGaps() {
    }

    /**
     * @param policy the queue policy ({@code fair}, {@code backfill}, ...)
     * @param estimates the estimate source compared with exact run times ({@code user}, {@code modeled}, ...)
     * @param meanWaitCostSeconds mean wait with these estimates minus with exact run times
     */
    public record Row(String policy, String estimates, double meanWaitSeconds, double exactMeanWaitSeconds,
                      double meanWaitCostSeconds, double p99WaitSeconds, double exactP99WaitSeconds,
                      double p99WaitCostSeconds, double meanJctCostSeconds) {
    }

    /** The rows of {@code results} whose policy was also run with exact estimates, in the results' order. */
    public static List<Row> of(List<SimResult> results) {
        Map<String, SimResult.Summary> exact = new HashMap<>();
        for (SimResult r : results) {
            if (estimates(r).equals(Estimates.EXACT.key())) {
                exact.put(policy(r), r.summary());
            }
        }
        List<Row> out = new ArrayList<>();
        for (SimResult r : results) {
            SimResult.Summary base = exact.get(policy(r));
            String e = estimates(r);
            if (base == null || e.equals(Estimates.EXACT.key())) {
                continue;
            }
            SimResult.Summary s = r.summary();
            out.add(new Row(policy(r), e, s.meanWaitSeconds(), base.meanWaitSeconds(),
                    s.meanWaitSeconds() - base.meanWaitSeconds(), s.p99WaitSeconds(), base.p99WaitSeconds(),
                    s.p99WaitSeconds() - base.p99WaitSeconds(), s.meanJctSeconds() - base.meanJctSeconds()));
        }
        return out;
    }

    /** A run's label is {@code policy} for the jobs' own limits, else {@code policy/estimates} (Simulation). */
    private static String policy(SimResult r) {
        int slash = r.policy().indexOf('/');
        return slash < 0 ? r.policy() : r.policy().substring(0, slash);
    }

    private static String estimates(SimResult r) {
        int slash = r.policy().indexOf('/');
        return slash < 0 ? Estimates.USER.key() : r.policy().substring(slash + 1);
    }
}
