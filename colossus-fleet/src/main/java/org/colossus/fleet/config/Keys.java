package org.colossus.fleet.config;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Enum constants by their spelling in files and on the command line ({@code on-demand}, {@code bf16}); an unknown
 * spelling fails with the list of valid ones, built from the constants so that it never drifts from them.
 */
public final class Keys {
    private Keys() {
    }

    /**
     * @param what the noun for the error ("isolation", "job class")
     * @param errors the caller module's exception type
     */
    public static <E extends Enum<E>> E parse(E[] values, Function<E, String> key, String text, String what,
                                              Function<String, ? extends RuntimeException> errors) {
        for (E value : values) {
            if (key.apply(value).equalsIgnoreCase(text)) {
                return value;
            }
        }
        throw errors.apply("unknown " + what + " '" + text + "'; expected one of: "
                + Arrays.stream(values).map(key).collect(Collectors.joining(", ")));
    }
}
