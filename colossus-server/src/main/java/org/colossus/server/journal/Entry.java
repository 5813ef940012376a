package org.colossus.server.journal;

import java.util.Objects;

/**
 * One committed journal entry. {@code payload} is canonical JSON (see {@link Canonical}); {@link #canonicalBytes()}
 * is the exact byte string a transparency log hashes.
 *
 * @param seq 1, 2, 3, ... without gaps
 * @param timeMillis the control plane's clock (simulated time on an accelerated fleet), epoch milliseconds
 * @param actor who caused it: {@code operator}, {@code tenant:NAME}, {@code scheduler}, {@code dataplane}, {@code system}
 * @param tenant the tenant the entry concerns, or null for fleet-wide entries
 */
public record Entry(long seq, long timeMillis, String type, String actor, String tenant, String payload) {
    public Entry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(payload, "payload");
    }

    /** The entry as canonical JSON: keys sorted, no whitespace, integers only. */
    public String canonicalJson() {
        StringBuilder b = new StringBuilder(payload.length() + 96);
        b.append("{\"actor\":");
        Canonical.appendString(b, actor);
        b.append(",\"payload\":").append(payload);
        b.append(",\"seq\":").append(seq);
        b.append(",\"tenant\":");
        if (tenant == null) {
            b.append("null");
        } else {
            Canonical.appendString(b, tenant);
        }
        b.append(",\"time\":").append(timeMillis);
        b.append(",\"type\":");
        Canonical.appendString(b, type);
        return b.append('}').toString();
    }

    public byte[] canonicalBytes() {
        return canonicalJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
