package org.colossus.trust;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C2SP tlog-tiles path of a hash tile: {@code L/N[.p/W]}, level L, tile index N in 3-digit groups with all but
 * the last prefixed by {@code x} (tile 1234067 is {@code x001/x234/067}), and {@code .p/W} for a partial tile of its
 * first W hashes. One grammar for the server that serves tiles and every client that asks for them.
 *
 * @param width the hashes in the tile: {@link MerkleTiles#WIDTH} for a full tile, 1-255 for a partial one
 */
public record TilePath(int level, long index, int width) {
    private static final Pattern INDEX = Pattern.compile("((?:x[0-9]{3}/)*[0-9]{3})(?:\\.p/([0-9]{1,3}))?");

    /** A refused path, naming the part that is wrong: {@code level}, {@code index} or {@code width}. */
    public static final class Invalid extends TrustException {
        private final String part;
        private final String expected;

        Invalid(String part, String value, String expected) {
            super(part + " '" + value + "': expected " + expected);
            this.part = part;
            this.expected = expected;
        }

        public String part() {
            return part;
        }

        public String expected() {
            return expected;
        }
    }

    public TilePath {
        if (level < 0 || level > 63) {
            throw new Invalid("level", Integer.toString(level), "a tile level from 0 to 63");
        }
        if (index < 0 || index >= 1_000_000_000_000_000_000L) {
            throw new Invalid("index", Long.toString(index), "a tile index from 0 to 10^18 - 1");
        }
        if (width < 1 || width > MerkleTiles.WIDTH) {
            throw new Invalid("width", Integer.toString(width), "a tile width from 1 to " + MerkleTiles.WIDTH);
        }
    }

    /** Parses the level and the index part ({@code N[.p/W]}) as they come in a request path. */
    public static TilePath parse(String levelText, String indexText) {
        if (!levelText.matches("[0-9]{1,2}") || Integer.parseInt(levelText) > 63) {
            throw new Invalid("level", levelText, "a tile level from 0 to 63");
        }
        Matcher m = INDEX.matcher(indexText);
        if (!m.matches()) {
            throw new Invalid("index", indexText, "a tile index in 3-digit groups, all but the last prefixed with x"
                    + " (e.g. x001/x234/067), optionally followed by .p/W for a partial tile");
        }
        String digits = m.group(1).replace("x", "").replace("/", "");
        if (digits.length() > 18) {
            throw new Invalid("index", indexText, "a tile index below 10^18");
        }
        int width = MerkleTiles.WIDTH;
        if (m.group(2) != null) {
            width = Integer.parseInt(m.group(2));
            if (width < 1 || width >= MerkleTiles.WIDTH || m.group(2).startsWith("0")) {
                throw new Invalid("width", m.group(2), "a partial tile width from 1 to 255");
            }
        }
        return new TilePath(Integer.parseInt(levelText), Long.parseLong(digits), width);
    }

    public boolean full() {
        return width == MerkleTiles.WIDTH;
    }

    /** {@code L/N[.p/W]}, as a request path ends. */
    @Override
    public String toString() {
        String digits = String.format(Locale.ROOT, "%03d", index);
        while (digits.length() % 3 != 0) {
            digits = "0" + digits;
        }
        StringBuilder b = new StringBuilder().append(level).append('/');
        for (int i = 0; i < digits.length(); i += 3) {
            boolean last = i + 3 >= digits.length();
            b.append(last ? "" : "x").append(digits, i, i + 3).append(last ? "" : "/");
        }
        return b + (full() ? "" : ".p/" + width);
    }
}
