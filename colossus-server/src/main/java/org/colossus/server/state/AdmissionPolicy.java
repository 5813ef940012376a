package org.colossus.server.state;

/**
 * The server's admission settings (flags of {@code colossus serve}, not journaled): every tenant's default limits and
 * a ceiling on the jobs queued in the whole fleet, whoever submitted them.
 */
public record AdmissionPolicy(AdmissionLimits tenantDefaults, int maxQueuedJobsTotal) {
    public static final AdmissionPolicy DEFAULTS = new AdmissionPolicy(AdmissionLimits.DEFAULTS, 100_000);

    /** Every limit at its largest: for load benchmarks, which measure the server rather than its limits. */
    public static final AdmissionPolicy UNLIMITED = new AdmissionPolicy(new AdmissionLimits(AdmissionLimits.MAX_VALUE,
            AdmissionLimits.MAX_VALUE, AdmissionLimits.MAX_VALUE, AdmissionLimits.MAX_VALUE, AdmissionLimits.MAX_VALUE),
            10_000_000);

    public AdmissionPolicy {
        if (tenantDefaults == null) {
            throw new IllegalArgumentException("tenant defaults: required");
        }
        if (maxQueuedJobsTotal < 0 || maxQueuedJobsTotal > 10_000_000) {
            throw new IllegalArgumentException("maxQueuedJobsTotal " + maxQueuedJobsTotal + ": expected 0 to 10000000");
        }
    }
}
