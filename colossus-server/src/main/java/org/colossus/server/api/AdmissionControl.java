package org.colossus.server.api;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.colossus.server.error.TooManyRequests;
import org.colossus.server.state.AdmissionLimits;
import org.colossus.server.state.AdmissionPolicy;

/**
 * The rate limits of each tenant, as token buckets over the server's clock: requests of any kind, and job
 * submissions. A tenant's buckets are made from its effective limits the first time it calls, and remade when the
 * operator changes them. The operator is not limited. Refusals are 429s that say when a token will be there.
 */
final class AdmissionControl {
    /** A token bucket: {@code capacity} tokens, refilled at {@code perSecond}. Thread-safe. */
    static final class TokenBucket {
        private final double perSecond;
        private final double capacity;
        private double tokens;
        private long lastMillis;

        TokenBucket(int perSecond, int capacity, long nowMillis) {
            this.perSecond = perSecond;
            this.capacity = capacity;
            this.tokens = capacity;
            this.lastMillis = nowMillis;
        }

        /** Takes a token, or returns the seconds until one is there (rounded up, at least 1). */
        synchronized long take(long nowMillis) {
            if (nowMillis > lastMillis) {
                tokens = Math.min(capacity, tokens + (nowMillis - lastMillis) * perSecond / 1000.0);
                lastMillis = nowMillis;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }
    }

    private record Buckets(AdmissionLimits limits, TokenBucket requests, TokenBucket submissions) {
    }

    private final AdmissionPolicy policy;
    private final InstantSource clock;
    private final Function<String, AdmissionLimits> limitsOf;
    private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();

    /** @param limitsOf a tenant's effective limits, read from the committed state */
    AdmissionControl(AdmissionPolicy policy, InstantSource clock, Function<String, AdmissionLimits> limitsOf) {
        this.policy = policy;
        this.clock = clock;
        this.limitsOf = limitsOf;
    }

    AdmissionPolicy policy() {
        return policy;
    }

    private Buckets of(String tenant) {
        return buckets.computeIfAbsent(tenant, t -> make(limitsOf.apply(t)));
    }

    private Buckets make(AdmissionLimits l) {
        long now = clock.millis();
        return new Buckets(l, new TokenBucket(l.requestsPerSecond(), l.requestBurst(), now),
                new TokenBucket(l.submitsPerSecond(), l.submitBurst(), now));
    }

    /** Any request of {@code tenant}: refused with 429 past its request rate. */
    void request(String tenant) {
        Buckets b = of(tenant);
        long wait = b.requests().take(clock.millis());
        if (wait > 0) {
            throw new TooManyRequests("requestsPerSecond", b.limits().requestsPerSecond(), b.limits().requestBurst(), wait,
                    "more than " + b.limits().requestsPerSecond() + " requests per second (bursts of "
                            + b.limits().requestBurst() + "); try again in " + wait + " s");
        }
    }

    /** A job submission of {@code tenant}: refused with 429 past its submission rate. */
    void submission(String tenant) {
        Buckets b = of(tenant);
        long wait = b.submissions().take(clock.millis());
        if (wait > 0) {
            throw new TooManyRequests("submitsPerSecond", b.limits().submitsPerSecond(), b.limits().submitBurst(), wait,
                    "more than " + b.limits().submitsPerSecond() + " job submissions per second (bursts of "
                            + b.limits().submitBurst() + "); try again in " + wait + " s");
        }
    }

    /** The operator changed a tenant's limits: its buckets start over with the new ones. */
    void update(String tenant, AdmissionLimits limits) {
        buckets.put(tenant, make(limits));
    }
}
