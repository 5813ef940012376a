package org.colossus.trust.seal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.FileChannel;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tink's streaming AEAD wire format AES-GCM-HKDF (the one {@code AES256_GCM_HKDF_1MB} keys produce), encrypted and
 * decrypted segment by segment on several threads. Tink's own streams work one segment after the other on one
 * thread; its format does not need to: each segment is an independent AES-GCM message under the key HKDF derives
 * from the key material, the header's salt and the associated data, with the nonce {@code prefix ‖ segment number ‖
 * last-segment flag}. Output decrypts with Tink and Tink's output decrypts here (both checked by tests), so byte
 * ranges are still read through Tink's seekable channel.
 *
 * <p>The calling thread reads in file order and feeds the digest ({@link Covers}); workers run AES-GCM and write their
 * segment at its offset. A bounded pool of segment buffers keeps memory flat whatever the file's size.
 *
 * <pre>
 * ciphertext = header ‖ segment 0 ‖ … ‖ segment n−1
 * header     = headerLength (1 byte, = 1 + keyBytes + 7) ‖ salt (keyBytes) ‖ noncePrefix (7)
 * key        = HKDF-SHA256(ikm = key material, salt, info = associated data, keyBytes)
 * segment i  = AES-GCM(key, noncePrefix ‖ uint32be(i) ‖ (i == n−1 ? 1 : 0), plaintext i) with a 16-byte tag;
 *              ciphertext segments are segmentBytes long, the first one headerLength shorter, the last one shorter
 *              or equal (an empty plaintext is one last segment holding only its tag)
 * </pre>
 */
final class SegmentPipeline {
    static final int TAG_BYTES = 16;
    static final int NONCE_PREFIX_BYTES = 7;

    /** One key of a keyset as the format needs it. */
    record StreamingKey(int id, byte[] keyMaterial, int derivedKeyBytes, int segmentBytes) {
        int headerBytes() {
            return 1 + derivedKeyBytes + NONCE_PREFIX_BYTES;
        }

        int plaintextSegmentBytes() {
            return segmentBytes - TAG_BYTES;
        }
    }

    /** Why a ciphertext does not decrypt; the message names the segment. */
    static final class SegmentException extends GeneralSecurityException {
        SegmentException(String message) {
            super(message);
        }
    }

    /**
     * What the digest a manifest records is computed over, always in file order and starting with the header.
     * {@link #TAGS} (colossus-seal/v3): the header and each segment's 16-byte GCM tag. Under a key the store does not
     * hold, that binds the exact ciphertext as well as a hash of every byte: a segment that decrypts under the key
     * derived from this header's salt, with its number and last-segment flag in the nonce, and ends in the recorded
     * tag is the sealed segment, or a forgery of AES-GCM. It costs 16 bytes of SHA-256 per MiB instead of a
     * sequential pass over every byte. {@link #CIPHERTEXT} (colossus-seal/v2, still read): every ciphertext byte.
     */
    enum Covers {
        TAGS, CIPHERTEXT
    }

    /** Where segments go: at their offset, from any worker thread. */
    @FunctionalInterface
    interface Sink {
        void write(ByteBuffer bytes, long position) throws IOException;

        static Sink of(FileChannel file) {
            return (bytes, position) -> {
                long at = position;
                while (bytes.hasRemaining()) {
                    at += file.write(bytes, at);
                }
            };
        }

        /** Checks without keeping anything (verifying a sealed shard). */
        Sink DISCARD = (bytes, position) -> bytes.position(bytes.limit());
    }

    private final int threads;

    SegmentPipeline(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + ": expected at least 1");
        }
        this.threads = threads;
    }

    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Encrypts all of {@code in} to {@code out}; the ciphertext written goes through {@code sha} as {@code covers}
     * says. Returns the number of plaintext bytes read.
     */
    long encrypt(StreamingKey key, byte[] associatedData, ReadableByteChannel in, Sink out,
                 MessageDigest sha, Covers covers, SecureRandom random) throws IOException, GeneralSecurityException {
        byte[] salt = new byte[key.derivedKeyBytes()];
        byte[] prefix = new byte[NONCE_PREFIX_BYTES];
        random.nextBytes(salt);
        random.nextBytes(prefix);
        ByteBuffer header = ByteBuffer.allocate(key.headerBytes());
        header.put((byte) key.headerBytes()).put(salt).put(prefix).flip();
        sha.update(header.duplicate());
        out.write(header, 0);
        SecretKeySpec derived = derive(key, salt, associatedData);
        int first = key.plaintextSegmentBytes() - key.headerBytes();
        return run(in, out, sha, covers, key.plaintextSegmentBytes(), first, key.headerBytes(), key.segmentBytes(), false,
                (c, segment, last) -> gcm(c, Cipher.ENCRYPT_MODE, derived, prefix, segment, last)).in();
    }

    /**
     * Decrypts {@code in} to {@code out} with whichever of {@code keys} sealed it (tried in order on the first
     * segment, as Tink's keyset wrapper does); the ciphertext read goes through {@code sha} as {@code covers} says.
     * Returns the number of plaintext bytes written.
     */
    long decrypt(List<StreamingKey> keys, byte[] associatedData, ReadableByteChannel in, Sink out,
                 MessageDigest sha, Covers covers) throws IOException, GeneralSecurityException {
        if (keys.isEmpty()) {
            throw new SegmentException("the keyset holds no key");
        }
        StreamingKey shape = keys.getFirst();
        for (StreamingKey k : keys) {
            if (k.headerBytes() != shape.headerBytes() || k.segmentBytes() != shape.segmentBytes()) {
                throw new SegmentException("the keyset mixes segment or key sizes; expected one shape");
            }
        }
        ByteBuffer header = ByteBuffer.allocate(shape.headerBytes());
        if (readFully(in, header) < shape.headerBytes()) {
            throw new SegmentException("the ciphertext is shorter than its " + shape.headerBytes() + "-byte header");
        }
        header.flip();
        sha.update(header.duplicate());
        if (header.get(0) != (byte) shape.headerBytes()) {
            throw new SegmentException("header length byte " + (header.get(0) & 0xff) + ", expected "
                    + shape.headerBytes());
        }
        byte[] salt = new byte[shape.derivedKeyBytes()];
        byte[] prefix = new byte[NONCE_PREFIX_BYTES];
        header.position(1);
        header.get(salt).get(prefix);
        SecretKeySpec[] derived = new SecretKeySpec[keys.size()];
        for (int i = 0; i < derived.length; i++) {
            derived[i] = derive(keys.get(i), salt, associatedData);
        }
        // the key is chosen on segment 0 (by the first call, which runs before any other is submitted)
        SecretKeySpec[] chosen = new SecretKeySpec[1];
        int first = shape.segmentBytes() - shape.headerBytes();
        return run(in, out, sha, covers, shape.segmentBytes(), first, 0, shape.plaintextSegmentBytes(), true,
                (c, segment, last) -> {
            if (segment.number() > 0) {
                return gcm(c, Cipher.DECRYPT_MODE, chosen[0], prefix, segment, last);
            }
            for (SecretKeySpec k : derived) {
                try {
                    int n = gcm(c, Cipher.DECRYPT_MODE, k, prefix, segment, last);
                    chosen[0] = k;
                    return n;
                } catch (AEADBadTagException wrongKey) {
                    // try the next key
                }
            }
            throw new SegmentException("segment 0 does not authenticate under any key of the keyset");
        }).out();
    }

    private record Segment(int number, byte[] in, int length, byte[] out) {
    }

    @FunctionalInterface
    private interface SegmentWork {
        /** Transforms {@code segment.in[0, length)} into {@code segment.out}; returns the output length. */
        int apply(Cipher cipher, Segment segment, boolean last) throws GeneralSecurityException;
    }

    private record Done(Segment segment, int length) {
    }

    private record Totals(long in, long out) {
    }

    /**
     * Reads {@code in} as segments (the first {@code firstBytes} long, then {@code bytes}), transforms them on the
     * workers, each writing its output at its offset in {@code out} (the first at {@code outStart}, then every
     * {@code outBytes}). A segment is the last one when the next read finds the end of input. Segment 0 runs on the
     * calling thread before anything else is submitted (decryption chooses its key there).
     */
    private Totals run(ReadableByteChannel in, Sink out, MessageDigest sha, Covers covers, int bytes, int firstBytes,
                       long outStart, int outBytes, boolean hashInput, SegmentWork work)
            throws IOException, GeneralSecurityException {
        long firstOut = outStart + (firstBytes - bytes) + outBytes;
        int inFlight = 2 * threads + 1;
        BlockingQueue<Segment> free = new ArrayBlockingQueue<>(inFlight + 1);
        for (int i = 0; i <= inFlight; i++) {
            free.add(new Segment(-1, new byte[bytes], 0, new byte[Math.max(bytes, outBytes) + TAG_BYTES]));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "colossus-seal");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SegmentPipeline::newCipher);
        ArrayDeque<Future<Done>> pending = new ArrayDeque<>();
        long written = 0;
        long read = 0;
        try {
            Segment current = read(in, take(free), 0, firstBytes);
            if (hashInput) {
                hash(sha, covers, current.in(), current.length());
            }
            int number = 0;
            while (true) {
                Segment next = null;
                if (current.length() == (number == 0 ? firstBytes : bytes)) {
                    next = read(in, take(free), number + 1, bytes);
                    if (next.length() == 0) {
                        free.add(next);
                        next = null;
                    } else if (hashInput) {
                        hash(sha, covers, next.in(), next.length());
                    }
                }
                boolean last = next == null;
                Segment s = current;
                read += s.length();
                long at = number == 0 ? outStart : firstOut + (long) (number - 1) * outBytes;
                if (number == 0) {
                    pending.add(java.util.concurrent.CompletableFuture.completedFuture(
                            transform(work, ciphers.get(), s, last, out, at)));
                } else {
                    pending.add(pool.submit(() -> transform(work, ciphers.get(), s, last, out, at)));
                }
                while (pending.size() >= inFlight - 1 || (last && !pending.isEmpty())) {
                    written += drain(pending.removeFirst(), sha, covers, hashInput, free);
                }
                if (last) {
                    return new Totals(read, written);
                }
                current = next;
                number++;
            }
        } finally {
            for (Future<Done> f : pending) {
                f.cancel(true);
            }
            pool.shutdownNow();
        }
    }

    private static Done transform(SegmentWork work, Cipher cipher, Segment s, boolean last, Sink out, long at)
            throws IOException, GeneralSecurityException {
        int n = work.apply(cipher, s, last);
        out.write(ByteBuffer.wrap(s.out(), 0, n), at);
        return new Done(s, n);
    }

    /** Feeds one ciphertext segment (header excluded) to the digest. */
    private static void hash(MessageDigest sha, Covers covers, byte[] segment, int length) {
        switch (covers) {
            case CIPHERTEXT -> sha.update(segment, 0, length);
            // a segment shorter than its tag is refused when it is decrypted
            case TAGS -> sha.update(segment, Math.max(0, length - TAG_BYTES), Math.min(length, TAG_BYTES));
        }
    }

    private static long drain(Future<Done> f, MessageDigest sha, Covers covers, boolean hashInput,
                              BlockingQueue<Segment> free) throws IOException, GeneralSecurityException {
        Done d;
        try {
            d = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GeneralSecurityException g) {
                throw g;
            }
            throw new IOException(e.getCause());
        }
        if (!hashInput) {
            hash(sha, covers, d.segment().out(), d.length());
        }
        free.add(d.segment());
        return d.length();
    }

    private static int gcm(Cipher c, int mode, SecretKeySpec key, byte[] prefix, Segment s, boolean last)
            throws GeneralSecurityException {
        if (mode == Cipher.DECRYPT_MODE && s.length() < TAG_BYTES) {
            throw new SegmentException("segment " + s.number() + " is " + s.length() + " bytes, shorter than its tag");
        }
        byte[] nonce = new byte[12];
        System.arraycopy(prefix, 0, nonce, 0, NONCE_PREFIX_BYTES);
        nonce[7] = (byte) (s.number() >>> 24);
        nonce[8] = (byte) (s.number() >>> 16);
        nonce[9] = (byte) (s.number() >>> 8);
        nonce[10] = (byte) s.number();
        nonce[11] = (byte) (last ? 1 : 0);
        c.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        try {
            return c.doFinal(s.in(), 0, s.length(), s.out(), 0);
        } catch (AEADBadTagException e) {
            if (s.number() == 0) {
                throw e;
            }
            throw new SegmentException("segment " + s.number() + (last ? " (the last)" : "")
                    + " does not authenticate: tampered, truncated or reordered");
        }
    }

    static SecretKeySpec derive(StreamingKey key, byte[] salt, byte[] info) throws GeneralSecurityException {
        // RFC 5869 HKDF with HMAC-SHA256; one or two output blocks suffice for AES keys
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(key.keyMaterial());
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        byte[] okm = new byte[key.derivedKeyBytes()];
        byte[] t = new byte[0];
        for (int done = 0, i = 1; done < okm.length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, okm.length - done);
            System.arraycopy(t, 0, okm, done, n);
            done += n;
        }
        return new SecretKeySpec(okm, "AES");
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is not available", e);
        }
    }

    private static Segment take(BlockingQueue<Segment> free) throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static Segment read(ReadableByteChannel in, Segment buffer, int number, int bytes) throws IOException {
        int n = readFully(in, ByteBuffer.wrap(buffer.in(), 0, bytes));
        return new Segment(number, buffer.in(), n, buffer.out());
    }

    private static int readFully(ReadableByteChannel in, ByteBuffer into) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = in.read(into);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

}
