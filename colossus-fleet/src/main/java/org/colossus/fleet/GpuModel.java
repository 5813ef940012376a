package org.colossus.fleet;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One GPU model of the hardware catalog. All figures are per GPU, in SI base units; each figure's
 * citation is in {@link #sources()} under the figure's catalog key (e.g. {@code bf16}, {@code hbm}).
 *
 * @param denseTflops dense tensor-core peak per precision (absent where the GPU has none)
 * @param nvlinkBytesPerSecond NVLink bandwidth per GPU, both directions together (NVIDIA's convention)
 * @param scaleOutBytesPerSecond backend NIC bandwidth per GPU, one direction
 */
public record GpuModel(
        String id,
        String name,
        String architecture,
        String formFactor,
        Map<Precision, Double> denseTflops,
        double hbmBytes,
        double hbmBytesPerSecond,
        double nvlinkBytesPerSecond,
        int nvlinkDomainGpus,
        double scaleOutBytesPerSecond,
        String nic,
        double tdpWatts,
        Map<String, String> sources,
        String notes) {

    public GpuModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        denseTflops = Collections.unmodifiableMap(new EnumMap<>(denseTflops));
        sources = Map.copyOf(sources);
    }

    public OptionalDouble denseTflops(Precision precision) {
        Double value = denseTflops.get(precision);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
