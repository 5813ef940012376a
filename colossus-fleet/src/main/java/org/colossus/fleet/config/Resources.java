package org.colossus.fleet.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Data files shipped inside the jar (catalogs, presets, calibration), read as UTF-8 text. */
public final class Resources {
    private Resources() {
    }

    /**
     * The resource {@code name} next to {@code anchor}'s class file.
     *
     * @param errors the caller module's exception type, for a resource missing from the jar or unreadable
     */
    public static String text(Class<?> anchor, String name, Function<String, ? extends RuntimeException> errors) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw errors.apply("the built-in data file " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw errors.apply("cannot read the built-in data file " + name + ": " + e.getMessage());
        }
    }
}
