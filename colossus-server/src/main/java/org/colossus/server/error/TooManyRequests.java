package org.colossus.server.error;

/**
 * 429: a tenant over one of its admission limits. Names the limit, its value and the current count, and says when to
 * try again ({@code Retry-After}). Nothing is journaled.
 */
public final class TooManyRequests extends Problem {
    private final String limit;
    private final long retryAfterSeconds;

    public TooManyRequests(String limit, long value, long current, long retryAfterSeconds, String detail) {
        super(429, "Too many requests", detail, limit, current, "at most " + value);
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public String limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
