package org.colossus.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** What GPU-time costs: exact decimals, six places, half-even (a ledger's rounding, never binary floating point). */
public final class Metering {
    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);

    private Metering() {
    }

    /** {@code gpuMillis} GPU-milliseconds at {@code pricePerGpuHour}, rounded half-even to 6 decimals. */
    public static BigDecimal cost(long gpuMillis, BigDecimal pricePerGpuHour) {
        return pricePerGpuHour.multiply(BigDecimal.valueOf(gpuMillis)).divide(MILLIS_PER_HOUR, 6, RoundingMode.HALF_EVEN);
    }
}
