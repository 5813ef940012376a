package org.colossus.trust.attest;

import java.time.Instant;
import java.util.Map;

/**
 * What verified evidence says about one GPU, whatever produced it (NVIDIA SPDM evidence, or the sample attester of
 * the simulated fleet): what a release policy judges.
 *
 * @param deviceId what identifies the physical device in its evidence (the SHA-256 of the key that signed the
 *                 report: the sample device key, or the NVIDIA attestation certificate's key); two entries with one
 *                 id are one GPU, counted once
 * @param ccMode "on", "devtools" or "off"; null where the evidence does not state it
 * @param debug  true if debugging is enabled; null where the evidence does not state it
 * @param evidenceTime when the evidence was produced (the challenge's time for SPDM reports)
 */
public record AttestedGpu(String source, String deviceId, String ccMode, Boolean debug, String driverVersion, String vbiosVersion,
                          Map<Integer, String> measurements, Instant evidenceTime) {
    public AttestedGpu {
        measurements = Map.copyOf(measurements);
    }

    /** Claims of verified NVIDIA evidence, produced at {@code challengeTime}. */
    public static AttestedGpu of(GpuEvidence.Claims c, Instant challengeTime) {
        return new AttestedGpu("nvidia", c.deviceId(), null, null, c.driverVersion(), c.vbiosVersion(), c.measurements(), challengeTime);
    }
}
