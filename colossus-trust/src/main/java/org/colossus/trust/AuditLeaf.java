package org.colossus.trust;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The leaves of Colossus's audit log (docs/audit-log.md). Two kinds, both hiding what a rival must not learn from
 * sibling hashes in its own proofs:
 * <ul>
 *   <li>an <em>entry leaf</em> per journal entry: {@code "colossus-audit/v1 entry\nopening <b64 r>\n"} followed by the
 *   canonical entry bytes, where {@code r} is a 32-byte opening secret only the entry's tenant receives. Without
 *   {@code r} the leaf hash of a guessable entry ("tenant X submitted 'pretrain'") cannot be confirmed;</li>
 *   <li>a <em>node leaf</em> per node and placement or release, right after its entry's leaf: the node, the time,
 *   the event, the leaf index of the previous event on that node ({@code prev}, chaining every node's history so a
 *   listing cannot omit one), the number of jobs holding the node after the event, and a commitment to the holder
 *   that only the holder (who has {@code r}) can open.</li>
 * </ul>
 */
public final class AuditLeaf {
    public static final String ENTRY_HEADER = "colossus-audit/v1 entry\n";
    public static final String NODE_HEADER = "colossus-audit/v1 node\n";
    public static final int OPENING_BYTES = 32;

    private AuditLeaf() {
    }

    /** The leaf data of a journal entry. */
    public static byte[] entry(byte[] opening, byte[] canonical) {
        checkOpening(opening);
        byte[] head = (ENTRY_HEADER + "opening " + Base64.getEncoder().encodeToString(opening) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + canonical.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(canonical, 0, out, head.length, canonical.length);
        return out;
    }

    /** SHA-256("colossus-holder/v1\n" || tenant || "\n" || r): opens only with the entry's opening secret. */
    public static byte[] holderCommitment(String tenant, byte[] opening) {
        checkOpening(opening);
        MessageDigest md = Hashes.sha256();
        md.update(("colossus-holder/v1\n" + tenant + "\n").getBytes(StandardCharsets.UTF_8));
        return md.digest(opening);
    }

    /**
     * Openings under one log secret: the opening secret of entry {@code seq} is HMAC-SHA-256 under the log's secret, so
     * none is ever stored; one keyed HMAC per thread (setting a key up costs more than the HMAC of a short message).
     */
    public static final class Openings {
        private final ThreadLocal<Mac> mac;

        public Openings(byte[] logSecret) {
            byte[] key = logSecret.clone();
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(key, "HmacSHA256"));
                    return m;
                } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        /** The same bytes as {@link AuditLeaf#opening(byte[], long)}. */
        public byte[] of(long seq) {
            return mac.get().doFinal(("colossus-opening/v1 " + seq).getBytes(StandardCharsets.UTF_8));
        }
    }

    public static byte[] opening(byte[] logSecret, long seq) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(logSecret, "HmacSHA256"));
            return mac.doFinal(("colossus-opening/v1 " + seq).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkOpening(byte[] opening) {
        if (opening == null || opening.length != OPENING_BYTES) {
            throw new TrustException("an opening secret has " + OPENING_BYTES + " bytes, not "
                    + (opening == null ? "none" : opening.length));
        }
    }

    public enum Event {
        PLACE, RELEASE;

        String word() {
            return this == PLACE ? "place" : "release";
        }
    }

    /**
     * One node's event. {@code prev} is the leaf index of the node's previous event, or -1 for its first;
     * {@code holders} the number of jobs on the node after this event.
     */
    public record Node(int node, long seq, long timeMillis, Event event, long prev, int holders, byte[] holder) {
        public Node {
            if (holder == null || holder.length != Hashes.SIZE) {
                throw new TrustException("a holder commitment is a " + Hashes.SIZE + "-byte hash");
            }
        }

        public String text() {
            return NODE_HEADER
                    + "node " + node + "\n"
                    + "seq " + seq + "\n"
                    + "time " + timeMillis + "\n"
                    + "event " + event.word() + "\n"
                    + "prev " + prev + "\n"
                    + "holders " + holders + "\n"
                    + "holder " + Base64.getEncoder().encodeToString(holder) + "\n";
        }

        public byte[] data() {
            return text().getBytes(StandardCharsets.UTF_8);
        }

        public byte[] leafHash() {
            return Hashes.leaf(data());
        }

        /** True if this event is {@code tenant}'s, given the opening secret of its entry. */
        public boolean opensTo(String tenant, byte[] opening) {
            return MessageDigest.isEqual(holder, holderCommitment(tenant, opening));
        }

        /**
         * Parses exactly the form {@link #text()} writes; anything else is refused (a verifier parses a leaf of every
         * event it checks, so this reads the text once instead of splitting and re-rendering it).
         */
        public static Node parse(String text) {
            if (!text.startsWith(NODE_HEADER) || !text.endsWith("\n")) {
                throw new TrustException("not a colossus-audit/v1 node leaf");
            }
            Lines in = new Lines(text, NODE_HEADER.length());
            long node = in.number("node", Integer.MIN_VALUE, Integer.MAX_VALUE);
            long seq = in.number("seq", Long.MIN_VALUE, Long.MAX_VALUE);
            long time = in.number("time", Long.MIN_VALUE, Long.MAX_VALUE);
            String word = in.value("event");
            Event event = switch (word) {
                case "place" -> Event.PLACE;
                case "release" -> Event.RELEASE;
                default -> throw new TrustException("node leaf event '" + word + "': expected place or release");
            };
            long prev = in.number("prev", Long.MIN_VALUE, Long.MAX_VALUE);
            long holders = in.number("holders", Integer.MIN_VALUE, Integer.MAX_VALUE);
            String b64 = in.value("holder");
            if (in.pos != text.length()) {
                throw new TrustException("a node leaf has 7 lines after its header, then more: '"
                        + abbreviate(text.substring(in.pos)) + "'");
            }
            byte[] holder;
            try {
                holder = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new TrustException("node leaf holder: " + e.getMessage());
            }
            if (holder.length != Hashes.SIZE || !Base64.getEncoder().encodeToString(holder).equals(b64)) {
                throw new TrustException("node leaf is not in canonical form: holder '" + abbreviate(b64) + "'");
            }
            return new Node((int) node, seq, time, event, prev, (int) holders, holder);
        }

        private static String abbreviate(String s) {
            return s.length() <= 60 ? s : s.substring(0, 60) + "...";
        }

        /** The "key value\n" lines of a node leaf, read in order. */
        private static final class Lines {
            private final String text;
            private int pos;
            private int line = 2;

            Lines(String text, int pos) {
                this.text = text;
                this.pos = pos;
            }

            String value(String key) {
                int end = text.indexOf('\n', pos);
                if (end < 0 || !text.startsWith(key, pos) || pos + key.length() >= end || text.charAt(pos + key.length()) != ' ') {
                    String got = end < 0 ? text.substring(pos) : text.substring(pos, end);
                    throw new TrustException("node leaf line " + line + ": expected '" + key + " ...', got '"
                            + abbreviate(got) + "'");
                }
                String v = text.substring(pos + key.length() + 1, end);
                pos = end + 1;
                line++;
                return v;
            }

            /** A decimal as Long.toString writes it: no sign but '-', no leading zeros, no "-0". */
            long number(String key, long min, long max) {
                String v = value(key);
                int i = v.startsWith("-") ? 1 : 0;
                boolean canonical = v.length() > i && (v.charAt(i) != '0' || v.length() == i + 1) && !v.equals("-0");
                for (int k = i; canonical && k < v.length(); k++) {
                    char c = v.charAt(k);
                    canonical = c >= '0' && c <= '9';
                }
                if (!canonical) {
                    throw new TrustException("node leaf is not in canonical form: " + key + " '" + abbreviate(v) + "'");
                }
                try {
                    long n = Long.parseLong(v);
                    if (n < min || n > max) {
                        throw new NumberFormatException();
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw new TrustException("node leaf " + key + " '" + v + "': out of range");
                }
            }
        }
    }
}
