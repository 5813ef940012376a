package org.colossus.perf;

import java.util.Locale;

/** Token counts as people write them: {@code 15T}, {@code 300B}, {@code 2.5e12}, {@code 1500000000}. */
public final class Tokens {
    private Tokens() {
    }

    /** @throws PerfException naming {@code what} and the text if it is not a positive count */
    public static double parse(String text, String what) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        double factor = 1;
        if (t.endsWith("T")) {
            factor = 1e12;
        } else if (t.endsWith("B") || t.endsWith("G")) {
            factor = 1e9;
        } else if (t.endsWith("M")) {
            factor = 1e6;
        } else if (t.endsWith("K")) {
            factor = 1e3;
        }
        String number = factor == 1 ? t : t.substring(0, t.length() - 1);
        try {
            double value = Double.parseDouble(number) * factor;
            if (value > 0 && Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new PerfException(what + " '" + text + "': expected a positive token count such as 15T, 300B, 2.5e12");
    }
}
