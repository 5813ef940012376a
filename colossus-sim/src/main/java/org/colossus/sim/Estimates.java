package org.colossus.sim;

import java.util.Locale;

/**
 * What the scheduler plans with for a job's run time (issue 23): the simulator knows each job's actual run time, a
 * real scheduler does not.
 */
public enum Estimates {
    /** The actual run time: perfect foresight, the baseline (and the FIFO reference's semantics). */
    EXACT,
    /**
     * The job's requested time limit ({@code time_limit_s} in a jobs CSV; the duration itself where a workload has
     * none); a job that reaches its limit is stopped (Slurm's semantics).
     */
    USER,
    /**
     * Users' limits where the workload has none ({@link UserEstimates}: round values, mostly several-fold over the run
     * time); the workload's own where it has them. Planned with, and stopped at.
     */
    MODELED,
    /**
     * A system prediction: the mean actual run time of the tenant's last two completed jobs, never above the job's
     * limit (Tsafrir, Etsion and Feitelson, "Backfilling using system-generated predictions rather than user runtime
     * estimates", IEEE TPDS 2007); the limit while the tenant has no history. Limits as in {@link #MODELED}; jobs are
     * still stopped at them.
     */
    PREDICTOR;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Estimates parse(String text) {
        for (Estimates e : values()) {
            if (e.key().equals(text)) {
                return e;
            }
        }
        throw new SimException("estimates '" + text + "': expected exact, user, modeled or predictor");
    }
}
