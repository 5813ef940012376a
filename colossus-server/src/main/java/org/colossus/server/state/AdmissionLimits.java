package org.colossus.server.state;

import org.colossus.server.journal.Payload;

/**
 * What one tenant may put on the control plane it shares with its rivals (docs/api.md, "Admission limits"): at most
 * {@code maxQueuedJobs} jobs waiting in the queue, {@code submitsPerSecond} job submissions per second with bursts of
 * {@code submitBurst}, and {@code requestsPerSecond} requests of any kind per second with bursts of
 * {@code requestBurst} (token buckets). The server's defaults apply unless the operator set a tenant's own
 * ({@code tenant.limits-set}, journaled). Slurm bounds the same with {@code MaxSubmitJobs} and RPC rate limiting.
 */
public record AdmissionLimits(int maxQueuedJobs, int submitsPerSecond, int submitBurst, int requestsPerSecond,
                              int requestBurst) {
    /** Defaults for a fleet shared by a few labs: generous for people and pipelines, far below a flood. */
    public static final AdmissionLimits DEFAULTS = new AdmissionLimits(10_000, 50, 200, 500, 1_000);

    /** The largest value any limit may take. */
    public static final int MAX_VALUE = 1_000_000;

    public AdmissionLimits {
        check("maxQueuedJobs", maxQueuedJobs, 0);
        check("submitsPerSecond", submitsPerSecond, 1);
        check("submitBurst", submitBurst, 1);
        check("requestsPerSecond", requestsPerSecond, 1);
        check("requestBurst", requestBurst, 1);
    }

    private static void check(String name, int value, int min) {
        if (value < min || value > MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + value + ": expected " + min + " to " + MAX_VALUE);
        }
    }

    /** These limits with a tenant's journaled overrides applied (-1 in the entry keeps the default). */
    public AdmissionLimits with(Payload.TenantLimitsSet o) {
        if (o == null) {
            return this;
        }
        return new AdmissionLimits(pick(o.maxQueuedJobs(), maxQueuedJobs), pick(o.submitsPerSecond(), submitsPerSecond),
                pick(o.submitBurst(), submitBurst), pick(o.requestsPerSecond(), requestsPerSecond),
                pick(o.requestBurst(), requestBurst));
    }

    private static int pick(int override, int dflt) {
        return override < 0 ? dflt : override;
    }
}
