package org.colossus.perf;

import java.util.Locale;
import org.colossus.fleet.config.Keys;

/** Activation recomputation (Megatron's terms). */
public enum Recompute {
    /** Keep every activation. */
    NONE,
    /** Recompute the attention core in backward (with flash attention this is what FA does anyway). */
    SELECTIVE,
    /** Keep only each layer's input; run every layer's forward again in backward. */
    FULL;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Recompute parse(String text) {
        return Keys.parse(values(), Recompute::key, text, "recompute", PerfException::new);
    }
}
