package org.colossus.sim;

import java.util.SplittableRandom;

/**
 * Time limits for jobs whose workload has none: a model of how users ask. Tsafrir, Etsion and Feitelson ("Modeling
 * user runtime estimates", JSSPP 2005) found that users choose from a handful of round values (most requests fall on
 * about twenty of them) and that most jobs run for a small fraction of what they ask for, with a spike of jobs killed
 * at their limit. This stand-in has that shape, not their fitted distribution: each job's accuracy (run time / limit)
 * is uniform in [0.05, 1], and the resulting limit is rounded up to the next popular value (minutes: 5, 10, 15, 20,
 * 30, 45; hours: 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 18, 24, 36, 48, 72; beyond, whole days). Seeded: the same
 * workload and seed give the same limits.
 */
public final class UserEstimates {
    private static final double[] ROUND_VALUES_SECONDS = {300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800,
            14400, 18000, 21600, 28800, 36000, 43200, 64800, 86400, 129600, 172800, 259200};

    private UserEstimates() {
    }

    /** A limit per job: the workload's own where it has them, else the model's. */
    public static double[] limits(Workload w, long seed) {
        double[] out = new double[w.size()];
        if (w.limitSeconds() != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] = w.limitOf(i);
            }
            return out;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5eedL);
        for (int i = 0; i < out.length; i++) {
            double accuracy = 0.05 + 0.95 * random.nextDouble();
            out[i] = roundUp(w.durationSeconds()[i] / accuracy);
        }
        return out;
    }

    /** The next popular value at or above {@code seconds}; beyond three days, the next whole day. */
    static double roundUp(double seconds) {
        for (double v : ROUND_VALUES_SECONDS) {
            if (seconds <= v) {
                return v;
            }
        }
        return Math.ceil(seconds / 86400) * 86400;
    }
}
