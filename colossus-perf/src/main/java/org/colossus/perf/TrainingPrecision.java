package org.colossus.perf;

import java.util.Locale;
import org.colossus.fleet.Precision;
import org.colossus.fleet.config.Keys;

/**
 * The number format of the linear layers (GEMMs). Attention's core (flash attention) runs in BF16 in
 * every recipe, and master weights and optimizer states stay in FP32.
 */
public enum TrainingPrecision {
    BF16(Precision.BF16, 2),
    /** FP8 with per-tensor (delayed or current) scaling or 128x128 blockwise scaling (Hopper and later). */
    FP8(Precision.FP8, 1),
    /** OCP microscaling FP8 (32-element blocks), Blackwell and later. */
    MXFP8(Precision.FP8, 1),
    /** NVIDIA FP4 with 16-element block scales, Blackwell and later. */
    NVFP4(Precision.FP4, 0.5);

    private final Precision peak;
    private final double bytesPerElement;

    TrainingPrecision(Precision peak, double bytesPerElement) {
        this.peak = peak;
        this.bytesPerElement = bytesPerElement;
    }

    /** The catalog rate the GEMMs run at. */
    public Precision peak() {
        return peak;
    }

    public double gemmBytesPerElement() {
        return bytesPerElement;
    }

    public boolean isLowPrecision() {
        return this != BF16;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrainingPrecision parse(String text) {
        return Keys.parse(values(), TrainingPrecision::key, text, "precision", PerfException::new);
    }
}
