package org.colossus.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP signed note: text (lines ending in '\n'), an empty line, and signature lines
 * {@code "— <name> <base64(keyid || signature)>\n"}. The signed message is the text, final newline included.
 */
public record SignedNote(String text, List<Line> signatures) {
    private static final String DASH = "\u2014 ";

    /** One signature line: the key name, the 4-byte key id and the signature bytes after it. */
    public record Line(String name, int keyId, byte[] signature) {
        public String encode() {
            byte[] raw = new byte[4 + signature.length];
            raw[0] = (byte) (keyId >>> 24);
            raw[1] = (byte) (keyId >>> 16);
            raw[2] = (byte) (keyId >>> 8);
            raw[3] = (byte) keyId;
            System.arraycopy(signature, 0, raw, 4, signature.length);
            return DASH + name + " " + Base64.getEncoder().encodeToString(raw) + "\n";
        }
    }

    public SignedNote {
        signatures = List.copyOf(signatures);
    }

    /** Signs {@code text} (which must end in a newline) with {@code signer}. */
    public static SignedNote sign(String text, NoteKey.Signer signer) {
        checkText(text);
        byte[] sig = signer.sign(text.getBytes(StandardCharsets.UTF_8));
        return new SignedNote(text, List.of(new Line(signer.name(), signer.keyId(), sig)));
    }

    public SignedNote withSignature(Line line) {
        List<Line> all = new ArrayList<>(signatures);
        all.add(line);
        return new SignedNote(text, all);
    }

    public String encode() {
        StringBuilder b = new StringBuilder(text).append('\n');
        for (Line l : signatures) {
            b.append(l.encode());
        }
        return b.toString();
    }

    private static void checkText(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new TrustException("note text must be non-empty and end with a newline");
        }
    }

    public static SignedNote parse(String note) {
        if (!note.endsWith("\n")) {
            throw new TrustException("signed note does not end with a newline");
        }
        int sep = note.lastIndexOf("\n\n");
        if (sep < 0) {
            throw new TrustException("signed note has no empty line before its signatures");
        }
        String text = note.substring(0, sep + 1);
        checkText(text);
        List<Line> lines = new ArrayList<>();
        for (String line : note.substring(sep + 2).split("\n")) {
            if (!line.startsWith(DASH)) {
                throw new TrustException("signature line '" + line + "' does not start with an em dash and a space");
            }
            String[] parts = line.substring(DASH.length()).split(" ", -1);
            if (parts.length != 2) {
                throw new TrustException("signature line '" + line + "': expected a key name and a base64 signature");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new TrustException("signature of '" + parts[0] + "' is not base64");
            }
            if (raw.length < 5) {
                throw new TrustException("signature of '" + parts[0] + "' is too short");
            }
            int id = ((raw[0] & 0xff) << 24) | ((raw[1] & 0xff) << 16) | ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
            lines.add(new Line(parts[0], id, java.util.Arrays.copyOfRange(raw, 4, raw.length)));
        }
        if (lines.isEmpty()) {
            throw new TrustException("signed note has no signature");
        }
        return new SignedNote(text, lines);
    }

    /**
     * Checks that {@code key} signed this note. Lines of other (name, key id) pairs are ignored.
     *
     * @throws TrustException if no line of that key is present, or its signature does not verify
     */
    public void verify(NoteKey.Verifier key) {
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        boolean present = false;
        for (Line l : signatures) {
            if (l.name().equals(key.name()) && l.keyId() == key.keyId()) {
                present = true;
                if (l.signature().length == 64 && key.verify(message, l.signature())) {
                    return;
                }
            }
        }
        throw new TrustException(present ? "the signature of " + key.name() + " does not verify (forged or altered note)"
                : "the note is not signed by " + key.name() + "+" + String.format("%08x", key.keyId()));
    }
}
