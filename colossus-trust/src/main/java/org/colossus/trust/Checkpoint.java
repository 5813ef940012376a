package org.colossus.trust;

import java.util.Base64;
import java.util.List;

/**
 * A C2SP tlog-checkpoint: the note text {@code origin\nsize\nbase64(root)\n[extension lines]}.
 *
 * @param size the tree size, an unsigned decimal without leading zeros
 */
public record Checkpoint(String origin, long size, byte[] root, List<String> extensions) {
    public Checkpoint {
        extensions = List.copyOf(extensions);
        if (root.length != Hashes.SIZE) {
            throw new TrustException("checkpoint root has " + root.length + " bytes; expected 32");
        }
    }

    public Checkpoint(String origin, long size, byte[] root) {
        this(origin, size, root, List.of());
    }

    public String text() {
        StringBuilder b = new StringBuilder().append(origin).append('\n').append(Long.toUnsignedString(size)).append('\n')
                .append(Base64.getEncoder().encodeToString(root)).append('\n');
        for (String e : extensions) {
            b.append(e).append('\n');
        }
        return b.toString();
    }

    public static Checkpoint parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length < 4 || !lines[lines.length - 1].isEmpty()) {
            throw new TrustException("checkpoint: expected origin, size and root hash lines, each ending in a newline");
        }
        String origin = lines[0];
        if (origin.isEmpty()) {
            throw new TrustException("checkpoint: empty origin line");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,19}")) {
            throw new TrustException("checkpoint: tree size '" + lines[1] + "' is not a decimal without leading zeros");
        }
        long size;
        try {
            size = Long.parseUnsignedLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new TrustException("checkpoint: tree size '" + lines[1] + "' does not fit in 64 bits");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new TrustException("checkpoint: root hash '" + lines[2] + "' is not base64");
        }
        List<String> ext = List.of(java.util.Arrays.copyOfRange(lines, 3, lines.length - 1));
        for (String e : ext) {
            if (e.isEmpty()) {
                throw new TrustException("checkpoint: empty extension line");
            }
        }
        return new Checkpoint(origin, size, root, ext);
    }
}
