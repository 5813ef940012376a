package org.colossus.trust.attest;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.colossus.trust.TrustException;

/**
 * A tenant's declarative rule for releasing a key (docs/trust.md), as JSON:
 * <pre>{"minGpus": 8, "ccMode": "on", "debug": false, "driverVersions": ["550.90.07"],
 *  "vbiosVersions": ["96.00.9f.00.01"], "measurements": {"2": "8048df..."}, "maxEvidenceAgeSeconds": 300}</pre>
 * Every field is optional; an absent field is not checked. Every attested GPU must satisfy every rule. A refusal
 * names the rule that failed and the GPU and value that failed it. GPUs are counted by device: evidence that repeats
 * a device already attested (the same report twice, or two reports of one GPU) is refused outright, so a relay cannot
 * meet {@code minGpus} by duplicating entries.
 */
public final class ReleasePolicy {
    private static final Set<String> FIELDS = Set.of("minGpus", "ccMode", "debug", "driverVersions", "vbiosVersions",
            "measurements", "maxEvidenceAgeSeconds");

    private final Integer minGpus;
    private final String ccMode;
    private final Boolean debug;
    private final List<String> driverVersions;
    private final List<String> vbiosVersions;
    private final Map<Integer, String> measurements;
    private final Long maxEvidenceAgeSeconds;

    /** The outcome: allowed, or the failed rule with what failed it. */
    public record Verdict(boolean allowed, String rule, String detail) {
        static Verdict allow() {
            return new Verdict(true, null, "all rules hold");
        }

        static Verdict deny(String rule, String detail) {
            return new Verdict(false, rule, detail);
        }
    }

    private ReleasePolicy(Map<String, Object> json) {
        for (String k : json.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new TrustException("policy: unknown field '" + k + "'; expected one of " + new java.util.TreeSet<>(FIELDS));
            }
        }
        try {
            minGpus = json.containsKey("minGpus") ? JSONObjectUtils.getInt(json, "minGpus") : null;
            ccMode = JSONObjectUtils.getString(json, "ccMode");
            debug = json.containsKey("debug") ? JSONObjectUtils.getBoolean(json, "debug") : null;
            driverVersions = json.containsKey("driverVersions") ? JSONObjectUtils.getStringList(json, "driverVersions") : null;
            vbiosVersions = json.containsKey("vbiosVersions") ? JSONObjectUtils.getStringList(json, "vbiosVersions") : null;
            Map<String, Object> m = JSONObjectUtils.getJSONObject(json, "measurements");
            if (m == null) {
                measurements = null;
            } else {
                measurements = new LinkedHashMap<>();
                for (var e : m.entrySet()) {
                    if (!(e.getValue() instanceof String v) || !v.matches("[0-9a-fA-F]+")) {
                        throw new TrustException("policy: measurements." + e.getKey() + " must be a hex string");
                    }
                    measurements.put(Integer.parseInt(e.getKey()), v.toLowerCase(java.util.Locale.ROOT));
                }
            }
            maxEvidenceAgeSeconds = json.containsKey("maxEvidenceAgeSeconds")
                    ? JSONObjectUtils.getLong(json, "maxEvidenceAgeSeconds") : null;
        } catch (ParseException | NumberFormatException e) {
            throw new TrustException("policy: " + e.getMessage());
        }
        if (ccMode != null && !Set.of("on", "devtools", "off").contains(ccMode)) {
            throw new TrustException("policy: ccMode '" + ccMode + "': expected on, devtools or off");
        }
        if (minGpus != null && minGpus < 1) {
            throw new TrustException("policy: minGpus " + minGpus + ": expected at least 1");
        }
    }

    public static ReleasePolicy parse(String json) {
        try {
            return new ReleasePolicy(JSONObjectUtils.parse(json));
        } catch (ParseException e) {
            throw new TrustException("policy: not a JSON object: " + e.getMessage());
        }
    }

    public Verdict evaluate(List<AttestedGpu> gpus, Instant now) {
        if (gpus.isEmpty()) {
            return Verdict.deny("minGpus", "no GPU was attested");
        }
        Map<String, Integer> firstByDevice = new HashMap<>();
        for (int i = 0; i < gpus.size(); i++) {
            Integer first = firstByDevice.putIfAbsent(gpus.get(i).deviceId(), i);
            if (first != null) {
                return Verdict.deny("distinctGpus", "GPU " + i + " (" + gpus.get(i).source() + ") is the same device as GPU "
                        + first + " (device " + abbreviate(gpus.get(i).deviceId()) + "): each GPU may be attested once");
            }
        }
        if (minGpus != null && gpus.size() < minGpus) {
            return Verdict.deny("minGpus", gpus.size() + " GPU(s) attested, " + minGpus + " required");
        }
        for (int i = 0; i < gpus.size(); i++) {
            AttestedGpu g = gpus.get(i);
            String who = "GPU " + i + " (" + g.source() + ")";
            if (ccMode != null && !ccMode.equals(g.ccMode())) {
                return Verdict.deny("ccMode", who + " is in CC mode " + (g.ccMode() == null ? "(not stated by its evidence)"
                        : "'" + g.ccMode() + "'") + ", required '" + ccMode + "'");
            }
            if (debug != null && !debug.equals(g.debug())) {
                return Verdict.deny("debug", who + " has debugging " + (g.debug() == null ? "(not stated by its evidence)"
                        : g.debug() ? "enabled" : "disabled") + ", required " + (debug ? "enabled" : "disabled"));
            }
            if (driverVersions != null && !driverVersions.contains(g.driverVersion())) {
                return Verdict.deny("driverVersions", who + " runs driver " + g.driverVersion() + ", allowed " + driverVersions);
            }
            if (vbiosVersions != null && (g.vbiosVersion() == null
                    || vbiosVersions.stream().noneMatch(v -> v.equalsIgnoreCase(g.vbiosVersion())))) {
                return Verdict.deny("vbiosVersions", who + " runs VBIOS " + g.vbiosVersion() + ", allowed " + vbiosVersions);
            }
            if (measurements != null) {
                for (var e : measurements.entrySet()) {
                    String got = g.measurements().get(e.getKey());
                    if (!e.getValue().equals(got)) {
                        return Verdict.deny("measurements", who + " measurement " + e.getKey() + " is " + got
                                + ", the reference is " + e.getValue());
                    }
                }
            }
            if (maxEvidenceAgeSeconds != null) {
                Duration age = Duration.between(g.evidenceTime(), now);
                if (age.isNegative() || age.getSeconds() > maxEvidenceAgeSeconds) {
                    return Verdict.deny("maxEvidenceAgeSeconds", who + " evidence is " + age.getSeconds() + " s old, at most "
                            + maxEvidenceAgeSeconds + " s allowed");
                }
            }
        }
        return Verdict.allow();
    }

    private static String abbreviate(String id) {
        return id == null || id.length() <= 16 ? String.valueOf(id) : id.substring(0, 16) + "...";
    }

    /** The rules, for logs and error messages. */
    public List<String> rules() {
        List<String> out = new ArrayList<>();
        if (minGpus != null) {
            out.add("minGpus");
        }
        if (ccMode != null) {
            out.add("ccMode");
        }
        if (debug != null) {
            out.add("debug");
        }
        if (driverVersions != null) {
            out.add("driverVersions");
        }
        if (vbiosVersions != null) {
            out.add("vbiosVersions");
        }
        if (measurements != null) {
            out.add("measurements");
        }
        if (maxEvidenceAgeSeconds != null) {
            out.add("maxEvidenceAgeSeconds");
        }
        return out;
    }
}
