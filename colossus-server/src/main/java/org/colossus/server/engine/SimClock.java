package org.colossus.server.engine;

import java.time.InstantSource;

/**
 * The control plane's clock: real time from an {@link InstantSource}, accelerated {@code speed} times from an
 * origin. At speed 60 one real second is one simulated minute. The journal's times are this clock's.
 */
public final class SimClock {
    private final InstantSource real;
    private final double speed;
    private final long simOriginMillis;
    private final long realOriginMillis;

    public SimClock(InstantSource real, double speed, long simOriginMillis) {
        this.real = real;
        this.speed = speed;
        this.simOriginMillis = simOriginMillis;
        this.realOriginMillis = real.millis();
    }

    public long millis() {
        return simOriginMillis + (long) Math.floor((real.millis() - realOriginMillis) * speed);
    }

    public double speed() {
        return speed;
    }

    /** How long in real time until simulated {@code simMillis} (0 if past). */
    public long realDelayMillis(long simMillis) {
        long d = simMillis - millis();
        return d <= 0 ? 0 : (long) Math.ceil(d / speed);
    }
}
