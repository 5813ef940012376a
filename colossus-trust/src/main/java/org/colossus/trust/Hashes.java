package org.colossus.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 9162 section 2.1.1 hashing with SHA-256: leaves prefixed 0x00, interior nodes 0x01. */
public final class Hashes {
    public static final int SIZE = 32;

    private Hashes() {
    }

    /** One digest per thread: looking one up costs about as much as hashing a node. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** This thread's SHA-256, reset: use it at once, without calling anything that hashes in between. */
    static MessageDigest sha256() {
        MessageDigest md = DIGEST.get();
        md.reset();
        return md;
    }

    /** MTH of the empty tree: SHA-256 of nothing. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    public static byte[] leaf(byte[] data) {
        MessageDigest md = sha256();
        md.update((byte) 0);
        return md.digest(data);
    }

    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest md = sha256();
        md.update((byte) 1);
        md.update(left);
        return md.digest(right);
    }

    /** The node over the two hashes at {@code src[leftOffset]} and {@code src[rightOffset]}, into {@code dst[dstOffset]}. */
    public static void node(byte[] src, int leftOffset, int rightOffset, byte[] dst, int dstOffset) {
        MessageDigest md = sha256();
        md.update((byte) 1);
        md.update(src, leftOffset, SIZE);
        md.update(src, rightOffset, SIZE);
        try {
            md.digest(dst, dstOffset, SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
