package org.colossus.perf;

import java.util.Map;

/**
 * Default rental prices per GPU-hour, used when a tenant gives none. These are assumptions: indicative
 * on-demand rates of GPU clouds in late 2025 (H100 about $2-3, B200 about $4-6, GB200 NVL72 about $5-6
 * per GPU-hour), not quotes. Override with {@code --price}.
 */
public final class Prices {
    private static final Map<String, Double> USD_PER_GPU_HOUR = Map.of(
            "a100-sxm-80gb", 1.50,
            "h100-sxm-80gb", 2.50,
            "h800-sxm-80gb", 2.50,
            "h200-sxm-141gb", 3.20,
            "b200", 5.00,
            "b300", 6.00,
            "gb200", 5.50,
            "gb300", 6.50);

    private Prices() {
    }

    public static double defaultUsdPerGpuHour(String gpuId) {
        return USD_PER_GPU_HOUR.getOrDefault(gpuId, 3.0);
    }
}
