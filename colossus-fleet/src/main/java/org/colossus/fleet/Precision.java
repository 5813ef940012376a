package org.colossus.fleet;

import java.util.Locale;

/** Numeric formats with a tensor-core peak rate in the catalog. */
public enum Precision {
    FP64,
    TF32,
    BF16,
    FP8,
    FP4;

    /** The key used in data files and JSON output: {@code fp64}, {@code bf16}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
