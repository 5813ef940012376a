package org.colossus.trust.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.StreamingAead;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The parallel segment pipeline speaks Tink's AES-GCM-HKDF streaming format exactly: Tink decrypts what it writes
 * and it decrypts what Tink writes, at every size around the segment boundaries, on one thread or several.
 */
class SegmentPipelineTest {
    static final byte[] AD = Sealer.associatedData("lab-a/run-7/step-3", "model.safetensors")
            .getBytes(StandardCharsets.UTF_8);
    static TenantKeyset keyset;
    static int first;
    static int full;

    @BeforeAll
    static void keys() {
        keyset = TenantKeyset.generate().rotate(); // the primary is the second key: decryption must choose it
        SegmentPipeline.StreamingKey k = keyset.streamingKeys().getFirst();
        full = k.plaintextSegmentBytes();
        first = full - k.headerBytes();
    }

    static List<Integer> sizes() {
        return List.of(0, 1, 4095, first - 1, first, first + 1, first + full, first + full + 1, first + 3 * full - 7);
    }

    private static byte[] plaintext(int size) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(size);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    /** A sink that collects positional writes into a byte array. */
    static final class Collect implements SegmentPipeline.Sink {
        byte[] bytes = new byte[0];
        int length;

        @Override
        public synchronized void write(ByteBuffer from, long position) {
            int end = Math.toIntExact(position + from.remaining());
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
            }
            from.get(bytes, (int) position, from.remaining());
            length = Math.max(length, end);
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, length);
        }
    }

    private static byte[] encrypt(byte[] plain, int threads, MessageDigest sha) throws Exception {
        return encrypt(plain, threads, sha, SegmentPipeline.Covers.TAGS);
    }

    private static byte[] encrypt(byte[] plain, int threads, MessageDigest sha, SegmentPipeline.Covers covers)
            throws Exception {
        Collect out = new Collect();
        long n = new SegmentPipeline(threads).encrypt(keyset.streamingKeys().getFirst(), AD,
                Channels.newChannel(new ByteArrayInputStream(plain)), out, sha, covers, new SecureRandom());
        assertThat(n).isEqualTo(plain.length);
        return out.toArray();
    }

    private static byte[] decrypt(TenantKeyset keys, byte[] sealed, byte[] ad, int threads) throws Exception {
        return decrypt(keys, sealed, ad, threads, MessageDigest.getInstance("SHA-256"), SegmentPipeline.Covers.TAGS);
    }

    private static byte[] decrypt(TenantKeyset keys, byte[] sealed, byte[] ad, int threads, MessageDigest sha,
                                  SegmentPipeline.Covers covers) throws Exception {
        Collect out = new Collect();
        long n = new SegmentPipeline(threads).decrypt(keys.streamingKeys(), ad,
                Channels.newChannel(new ByteArrayInputStream(sealed)), out, sha, covers);
        assertThat(n).isEqualTo(out.length);
        return out.toArray();
    }

    private static byte[] tinkEncrypt(byte[] plain) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream enc = keyset.streamingAead().newEncryptingStream(bytes, AD)) {
            enc.write(plain);
        }
        return bytes.toByteArray();
    }

    private static byte[] tinkDecrypt(byte[] sealed) throws Exception {
        StreamingAead aead = keyset.streamingAead();
        try (InputStream dec = aead.newDecryptingStream(new ByteArrayInputStream(sealed), AD)) {
            return dec.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void encrypt_anySize_tinkDecryptsItAndTheHashCoversEveryByte(int size) throws Exception {
        byte[] plain = plaintext(size);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] sealed = encrypt(plain, 3, sha, SegmentPipeline.Covers.CIPHERTEXT);
        assertThat(sealed).hasSize(size + 40 + 16 * Math.max(1, (size + 40 + full - 1) / full));
        assertThat(tinkDecrypt(sealed)).isEqualTo(plain);
        byte[] digest = sha.digest();
        assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(sealed));
        assertThat(digestOfDecrypting(sealed, plain, 2, SegmentPipeline.Covers.CIPHERTEXT)).isEqualTo(digest);
    }

    /** Decrypts {@code sealed}, checks it gives back {@code plain}, and returns the digest the decryption computed. */
    private static byte[] digestOfDecrypting(byte[] sealed, byte[] plain, int threads, SegmentPipeline.Covers covers)
            throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertThat(decrypt(keyset, sealed, AD, threads, sha, covers)).isEqualTo(plain);
        return sha.digest();
    }

    /** The header and every segment's tag, found by the format's layout alone (what a v3 manifest records). */
    private static byte[] headerAndTags(byte[] sealed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(sealed, 0, 40);
        int seg = full + SegmentPipeline.TAG_BYTES;
        for (int end = seg; ; end += seg) {
            int at = Math.min(end, sealed.length);
            sha.update(sealed, at - SegmentPipeline.TAG_BYTES, SegmentPipeline.TAG_BYTES);
            if (at == sealed.length) {
                return sha.digest();
            }
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void encryptDecrypt_tagsDigest_isTheHeaderAndEachSegmentsTagInOrder(int size) throws Exception {
        byte[] plain = plaintext(size);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] sealed = encrypt(plain, 3, sha, SegmentPipeline.Covers.TAGS);
        byte[] digest = sha.digest();
        assertThat(digest).isEqualTo(headerAndTags(sealed));
        for (int threads : new int[] {1, 3}) {
            assertThat(digestOfDecrypting(sealed, plain, threads, SegmentPipeline.Covers.TAGS)).isEqualTo(digest);
        }
        assertThat(digestOfDecrypting(tinkEncrypt(plain), plain, 2, SegmentPipeline.Covers.TAGS))
                .as("another sealing of the same bytes: another salt, other tags").isNotEqualTo(digest);
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void decrypt_tinkCiphertext_restoresEveryByte(int size) throws Exception {
        byte[] plain = plaintext(size);
        byte[] sealed = tinkEncrypt(plain);
        assertThat(decrypt(keyset, sealed, AD, 1)).isEqualTo(plain);
        assertThat(decrypt(keyset, sealed, AD, 4)).isEqualTo(plain);
    }

    @Test
    void decrypt_ciphertextOfTheOlderKey_choosesThatKey() throws Exception {
        TenantKeyset older = TenantKeyset.generate();
        TenantKeyset both = older.rotate();
        byte[] plain = plaintext(first + 10);
        Collect out = new Collect();
        new SegmentPipeline(2).encrypt(older.streamingKeys().getFirst(), AD,
                Channels.newChannel(new ByteArrayInputStream(plain)), out, MessageDigest.getInstance("SHA-256"),
                SegmentPipeline.Covers.TAGS, new SecureRandom());
        assertThat(decrypt(both, out.toArray(), AD, 2)).isEqualTo(plain);
        assertThatThrownBy(() -> decrypt(keyset, out.toArray(), AD, 2))
                .hasMessageContaining("segment 0 does not authenticate under any key");
    }

    private static void refused(byte[] sealed, byte[] ad, String message) {
        assertThatThrownBy(() -> decrypt(keyset, sealed, ad, 2)).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining(message);
    }

    @Test
    void decrypt_tampered_refusedNamingTheSegment() throws Exception {
        byte[] sealed = encrypt(plaintext(first + 2 * full + 100), 2, MessageDigest.getInstance("SHA-256"));
        byte[] flipped = sealed.clone();
        int seg = full + SegmentPipeline.TAG_BYTES; // ciphertext segment i > 0 starts at i * seg
        flipped[seg + seg / 2] ^= 0x40; // inside segment 1
        refused(flipped, AD, "segment 1 does not authenticate");

        byte[] swapped = sealed.clone(); // segments 1 and 2 exchanged: each is intact but in the wrong place
        System.arraycopy(sealed, 2 * seg, swapped, seg, seg);
        System.arraycopy(sealed, seg, swapped, 2 * seg, seg);
        refused(swapped, AD, "segment 1 does not authenticate");

        refused(Arrays.copyOf(sealed, 3 * seg), AD, "segment 2 (the last) does not authenticate"); // cut at a boundary
        refused(Arrays.copyOf(sealed, 3 * seg + 7), AD, "segment 3 is 7 bytes, shorter than its tag");
        refused(Arrays.copyOf(sealed, 20), AD, "shorter than its 40-byte header");
        byte[] header = sealed.clone();
        header[0] = 41;
        refused(header, AD, "header length byte 41");
        refused(sealed, "another context".getBytes(StandardCharsets.UTF_8), "segment 0 does not authenticate");
    }

    @Test
    void encrypt_twice_differentSaltAndNonces() throws Exception {
        byte[] plain = plaintext(100);
        byte[] a = encrypt(plain, 1, MessageDigest.getInstance("SHA-256"));
        byte[] b = encrypt(plain, 1, MessageDigest.getInstance("SHA-256"));
        assertThat(Arrays.copyOfRange(a, 1, 40)).isNotEqualTo(Arrays.copyOfRange(b, 1, 40));
    }

    @Test
    void constructor_zeroThreads_refused() {
        assertThatThrownBy(() -> new SegmentPipeline(0)).hasMessageContaining("threads 0");
    }

    @Test
    void verify_sealedShard_passesWithoutWritingAndRefusesAFlippedBit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path plain = dir.resolve("p");
        java.nio.file.Files.write(plain, plaintext(first + full + 3));
        Sealer.Shard s = Sealer.seal(keyset, plain, dir.resolve("p.sealed"), "lab-a/run-7/step-3", "p");
        Sealer.verify(keyset, dir.resolve("p.sealed"), s);
        byte[] b = java.nio.file.Files.readAllBytes(dir.resolve("p.sealed"));
        b[b.length - 1] ^= 1;
        java.nio.file.Files.write(dir.resolve("p.sealed"), b);
        assertThatThrownBy(() -> Sealer.verify(keyset, dir.resolve("p.sealed"), s))
                .hasMessageContaining("segment 2 (the last) does not authenticate");
    }
}
