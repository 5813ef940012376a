package org.colossus.trust.seal;

import com.google.crypto.tink.StreamingAead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.colossus.trust.TrustException;

/**
 * Seals and unseals checkpoint shards with a tenant's keyset (Tink streaming AEAD, 1 MiB segments), whole files
 * including their headers. The associated data binds the context (tenant/run/step) and the shard's name, so a
 * shard moved to another name, another step or another run does not decrypt. Memory stays flat: data streams
 * through a 1 MiB buffer whatever the file's size.
 */
public final class Sealer {
    private static final int BUFFER = 1 << 20;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");

    private Sealer() {
    }

    /** A plaintext file is already where a shard would go (and overwriting was not asked for). */
    public static final class OutputExists extends TrustException {
        OutputExists(String message) {
            super(message);
        }
    }

    /**
     * What the manifest records for one shard. A colossus-seal/v3 manifest records {@code segmentTagsSha256}: the
     * SHA-256 of the sealed file's header and its segments' GCM tags, in order (why that binds the file as tightly
     * as a hash of every byte, at a fraction of the cost, is in {@link SegmentPipeline.Covers}); a v2 manifest
     * recorded {@code ciphertextSha256}, over every byte. Exactly one of the two is set, as the format says.
     */
    public record Shard(String name, long plaintextBytes, String ciphertextSha256, String segmentTagsSha256, int keyId,
                        String associatedData) {
        /** A shard as this version seals it. */
        public static Shard sealed(String name, long plaintextBytes, String segmentTagsSha256, int keyId,
                                   String associatedData) {
            return new Shard(name, plaintextBytes, null, segmentTagsSha256, keyId, associatedData);
        }

        SegmentPipeline.Covers covers() {
            return segmentTagsSha256 != null ? SegmentPipeline.Covers.TAGS : SegmentPipeline.Covers.CIPHERTEXT;
        }

        String digest() {
            return segmentTagsSha256 != null ? segmentTagsSha256 : ciphertextSha256;
        }
    }

    /**
     * The JDK computes AES-GCM with an AVX intrinsic only once C2 has compiled its GCM code; a checkpoint makes one
     * call per 1 MiB segment, and the Java fallback runs at 25-85 MB/s, so a multi-GB seal would spend most of its
     * time there (docs/performance.md). Measured on JDK 25 in a cold JVM: 10,000 encrypt-and-decrypt calls of 1 KiB
     * (0.3 s) leave both directions at 560 MB/s, 30,000 (0.46 s) at over 4 GB/s; 256-byte or 8 KiB calls do worse.
     * So the warm-up runs rounds of 1,000 such calls and stops as soon as a 256 KiB probe runs at compiled speed
     * (over 1 GB/s, where the fallback gives under 0.1 GB/s: a tenfold gap no noise on a busy machine closes), at most
     * {@link #WARM_UP_ROUNDS} rounds. bin/colossus also lowers the JIT's thresholds for the JDK's cipher classes,
     * which makes the probe pass after a few rounds. The clock here only decides when to stop warming; nothing
     * sealed depends on it. Paid once per process, for jobs of 64 MiB or more, and started early on another thread
     * by {@link #warmUpInBackground} (while the keyset's PBKDF2 runs).
     */
    private static volatile boolean warm;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    static final long WARM_UP_ABOVE_BYTES = 64L << 20;
    static final int WARM_UP_ROUNDS = 40;
    static final int WARM_UP_CALLS_PER_ROUND = 1_000;
    private static final int PROBE_BYTES = 256 << 10;
    private static final double COMPILED_BYTES_PER_SECOND = 1e9;

    static void warmUpGcm(long bytesAhead) {
        if (warm || bytesAhead < WARM_UP_ABOVE_BYTES) {
            return;
        }
        synchronized (Sealer.class) {
            if (warm) {
                return;
            }
            try {
                javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
                javax.crypto.spec.SecretKeySpec k = new javax.crypto.spec.SecretKeySpec(new byte[32], "AES");
                byte[] plain = new byte[1024];
                byte[] sealed = new byte[plain.length + 16];
                byte[] probe = new byte[PROBE_BYTES];
                byte[] probeSealed = new byte[PROBE_BYTES + 16];
                byte[] iv = new byte[12];
                int calls = 0;
                for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
                    for (int i = 0; i < WARM_UP_CALLS_PER_ROUND; i++, calls++) {
                        iv[0] = (byte) calls;
                        iv[1] = (byte) (calls >>> 8);
                        iv[2] = (byte) (calls >>> 16);
                        var spec = new javax.crypto.spec.GCMParameterSpec(128, iv);
                        c.init(javax.crypto.Cipher.ENCRYPT_MODE, k, spec);
                        int n = c.doFinal(plain, 0, plain.length, sealed, 0);
                        c.init(javax.crypto.Cipher.DECRYPT_MODE, k, spec);
                        c.doFinal(sealed, 0, n, plain, 0);
                    }
                    iv[3] = (byte) round;
                    var spec = new javax.crypto.spec.GCMParameterSpec(128, iv);
                    long t0 = System.nanoTime();
                    c.init(javax.crypto.Cipher.ENCRYPT_MODE, k, spec);
                    int n = c.doFinal(probe, 0, PROBE_BYTES, probeSealed, 0);
                    c.init(javax.crypto.Cipher.DECRYPT_MODE, k, spec);
                    c.doFinal(probeSealed, 0, n, probe, 0);
                    long nanos = System.nanoTime() - t0;
                    if (2.0 * PROBE_BYTES / Math.max(1, nanos) * 1e9 > COMPILED_BYTES_PER_SECOND) {
                        break;
                    }
                }
            } catch (GeneralSecurityException e) {
                // no warm-up: correct, only slower
            }
            warm = true;
        }
    }

    /**
     * Starts the warm-up on a daemon thread, for a caller about to seal or unseal {@code bytesAhead} bytes that
     * has other work first (opening the keyset); the seal itself waits for it to finish.
     */
    public static void warmUpInBackground(long bytesAhead) {
        if (warm || bytesAhead < WARM_UP_ABOVE_BYTES) {
            return;
        }
        Thread t = new Thread(() -> warmUpGcm(bytesAhead), "colossus-seal-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A sealed checkpoint: its context and shards (the CLI writes it as manifest.json). {@code authenticator} is the
     * manifest's own text ({@link #authenticatedText}) sealed under the tenant's key with the context as associated
     * data: whoever lacks the key cannot drop, add, reorder or resize a shard, or change a digest, without the
     * authenticator failing to open or no longer matching. (v1 manifests had none: a store could drop a shard.)
     */
    public record Manifest(String format, String context, java.util.List<Shard> shards, String authenticator) {
        /** What {@link #sealAll} writes: shards carry {@code segmentTagsSha256}. */
        public static final String FORMAT = "colossus-seal/v3";
        /** Still read: shards carry {@code ciphertextSha256}, the hash of every sealed byte. */
        public static final String FORMAT_V2 = "colossus-seal/v2";
    }

    /** The manifest's content as the authenticator binds it: every field of every shard, in order. */
    static String authenticatedText(String format, String context, java.util.List<Shard> shards) {
        StringBuilder b = new StringBuilder(format).append(" manifest\ncontext ").append(context)
                .append("\nshards ").append(shards.size()).append('\n');
        for (Shard s : shards) {
            b.append("shard ").append(s.name().length()).append(':').append(s.name()).append(' ')
                    .append(s.plaintextBytes()).append(' ').append(s.digest()).append(' ')
                    .append(Integer.toUnsignedString(s.keyId())).append(' ')
                    .append(s.associatedData().length()).append(':').append(s.associatedData()).append('\n');
        }
        return b.toString();
    }

    private static byte[] manifestAssociatedData(String format, String context) {
        return (format + " manifest-authenticator\ncontext " + context + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code manifest}'s context and shards with an authenticator computed under the keyset's primary key. */
    public static Manifest authenticated(TenantKeyset keyset, String context, java.util.List<Shard> shards) {
        try {
            var sealed = new java.io.ByteArrayOutputStream();
            try (var out = keyset.streamingAead().newEncryptingStream(sealed,
                    manifestAssociatedData(Manifest.FORMAT, context))) {
                out.write(authenticatedText(Manifest.FORMAT, context, shards).getBytes(StandardCharsets.UTF_8));
            }
            return new Manifest(Manifest.FORMAT, context, java.util.List.copyOf(shards),
                    java.util.Base64.getEncoder().encodeToString(sealed.toByteArray()));
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustException("cannot authenticate the manifest: " + e.getMessage());
        }
    }

    /** Refuses a manifest whose authenticator does not open under the keyset or does not match its content. */
    static void checkAuthenticator(TenantKeyset keyset, Manifest manifest) {
        if (manifest.authenticator() == null || manifest.authenticator().isEmpty()) {
            throw new TrustException("the manifest has no authenticator: it was altered, or sealed as "
                    + "colossus-seal/v1, whose manifests a store could change unseen; seal the checkpoint again");
        }
        byte[] opened;
        try {
            byte[] sealed = java.util.Base64.getDecoder().decode(manifest.authenticator());
            try (var in = keyset.streamingAead().newDecryptingStream(new java.io.ByteArrayInputStream(sealed),
                    manifestAssociatedData(manifest.format(), manifest.context()))) {
                opened = in.readNBytes(1 << 24);
            }
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw new TrustException("the manifest does not decrypt with this keyset and context " + manifest.context()
                    + ": its authenticator does not open (forged, from another checkpoint, or another key)");
        }
        String expected = authenticatedText(manifest.format(), manifest.context(), manifest.shards());
        if (!java.security.MessageDigest.isEqual(opened, expected.getBytes(StandardCharsets.UTF_8))) {
            throw new TrustException("the manifest does not match its authenticator: a shard was dropped, added,"
                    + " reordered, renamed or resized since sealing (the authenticated manifest lists "
                    + countShards(opened) + " shard(s), this one " + manifest.shards().size() + ")");
        }
    }

    private static String countShards(byte[] text) {
        String t = new String(text, StandardCharsets.UTF_8);
        int at = t.indexOf("\nshards ");
        int end = at < 0 ? -1 : t.indexOf('\n', at + 1);
        return at < 0 || end < 0 ? "?" : t.substring(at + 8, end);
    }

    /**
     * Seals every regular file under {@code in} (a file or a directory, recursively; names are relative paths with
     * '/') into {@code out}/NAME.sealed.
     */
    public static Manifest sealAll(TenantKeyset keyset, Path in, Path out, String context) {
        context(context);
        java.util.List<Shard> shards = new java.util.ArrayList<>();
        try {
            Files.createDirectories(out);
            java.util.List<Path> files;
            Path base;
            if (Files.isDirectory(in)) {
                base = in;
                try (var walk = Files.walk(in)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
            } else if (Files.isRegularFile(in)) {
                base = in.toAbsolutePath().getParent();
                files = java.util.List.of(in.toAbsolutePath());
            } else {
                throw new TrustException("input " + in + ": no such file or directory");
            }
            if (files.isEmpty()) {
                throw new TrustException("input " + in + ": no files to seal");
            }
            for (Path f : files) {
                String name = base.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                Path target = out.resolve(name + ".sealed");
                Files.createDirectories(target.getParent());
                shards.add(seal(keyset, f, target, context, name));
            }
        } catch (IOException e) {
            throw new TrustException("sealing " + in + ": " + e.getMessage());
        }
        return authenticated(keyset, context, shards);
    }

    /**
     * Unseals every shard of {@code manifest} from {@code in} into {@code out}: all are decrypted into a staging
     * directory first and moved into place only when every one checked out, so a failure leaves nothing behind.
     *
     * Plaintext is written readable by the owner only; a file already at a shard's place is refused, not replaced,
     * unless {@code overwrite}.
     *
     * @param expectedContext if not null, the manifest must be for this context (a checkpoint of another step or run
     *                        is refused even if it decrypts)
     */
    public static void unsealAll(TenantKeyset keyset, Manifest manifest, Path in, Path out, String expectedContext) {
        unsealAll(keyset, manifest, in, out, expectedContext, false);
    }

    public static void unsealAll(TenantKeyset keyset, Manifest manifest, Path in, Path out, String expectedContext,
                                 boolean overwrite) {
        checkManifest(keyset, manifest, expectedContext);
        if (!overwrite) {
            for (Shard s : manifest.shards()) {
                if (Files.exists(out.resolve(s.name()), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new OutputExists(out.resolve(s.name()) + " exists; unsealing never replaces a file unless"
                            + " told to");
                }
            }
        }
        Path staging = out.resolve(".unsealing-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectories(staging);
            for (Shard s : manifest.shards()) {
                Path target = staging.resolve(s.name());
                Files.createDirectories(target.getParent());
                unseal(keyset, sealedFile(in, s), target, s);
            }
            for (Shard s : manifest.shards()) {
                Path target = out.resolve(s.name());
                Files.createDirectories(target.getParent());
                Files.move(staging.resolve(s.name()), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new TrustException("unsealing into " + out + ": " + e.getMessage());
        } finally {
            deleteTree(staging);
        }
    }

    /** Checks every shard of {@code manifest} as {@link #unsealAll} does, writing no plaintext anywhere. */
    public static void verifyAll(TenantKeyset keyset, Manifest manifest, Path in, String expectedContext) {
        checkManifest(keyset, manifest, expectedContext);
        for (Shard s : manifest.shards()) {
            verify(keyset, sealedFile(in, s), s);
        }
    }

    private static Path sealedFile(Path in, Shard s) {
        Path sealedFile = in.resolve(s.name() + ".sealed");
        if (!Files.isRegularFile(sealedFile)) {
            throw new TrustException("shard " + s.name() + ": " + sealedFile + " is missing");
        }
        return sealedFile;
    }

    /** The manifest checks every read of a checkpoint makes before it decrypts a byte. */
    public static void checkManifest(TenantKeyset keyset, Manifest manifest, String expectedContext) {
        boolean v2 = Manifest.FORMAT_V2.equals(manifest.format());
        if (!v2 && !Manifest.FORMAT.equals(manifest.format())) {
            throw new TrustException("manifest format '" + manifest.format() + "': expected " + Manifest.FORMAT
                    + " or " + Manifest.FORMAT_V2 + ("colossus-seal/v1".equals(manifest.format())
                    ? " (v1 manifests are not authenticated: seal the checkpoint again)" : ""));
        }
        if (expectedContext != null && !expectedContext.equals(manifest.context())) {
            throw new TrustException("the manifest is for " + manifest.context() + ", not the expected " + expectedContext);
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Shard s : manifest.shards()) {
            String field = v2 ? "ciphertextSha256" : "segmentTagsSha256";
            String digest = v2 ? s.ciphertextSha256() : s.segmentTagsSha256();
            String other = v2 ? s.segmentTagsSha256() : s.ciphertextSha256();
            if (digest == null || !SHA256_HEX.matcher(digest).matches() || other != null) {
                throw new TrustException("shard " + s.name() + ": a " + manifest.format() + " manifest records "
                        + field + " (64 hex digits) and no other digest; found " + field + " '" + digest + "'");
            }
            if (!s.associatedData().equals(associatedData(manifest.context(), s.name()))) {
                throw new TrustException("shard " + s.name() + ": its associated data does not match the manifest's"
                        + " context " + manifest.context());
            }
            if (s.name().startsWith("/") || s.name().contains("..") || !names.add(s.name())) {
                throw new TrustException("shard name '" + s.name() + "': expected a unique relative path");
            }
        }
        checkAuthenticator(keyset, manifest);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(Sealer::deleteQuietly);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Checks a context of the form tenant/run/step. */
    public static String context(String context) {
        if (context == null || !CONTEXT.matcher(context).matches()) {
            throw new TrustException("context '" + context + "': expected tenant/run/step (letters, digits, . _ -)");
        }
        return context;
    }

    public static String associatedData(String context, String name) {
        return "colossus-seal/v1\ncontext " + context + "\nshard " + name + "\n";
    }

    /** Encrypts {@code in} to {@code out} under the keyset's primary key. */
    public static Shard seal(TenantKeyset keyset, Path in, Path out, String context, String name) {
        String ad = associatedData(context(context), name);
        try {
            warmUpGcm(Files.size(in));
        } catch (IOException e) {
            throw new TrustException("sealing " + in + ": " + e.getMessage());
        }
        MessageDigest sha = sha256();
        long bytes;
        try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ);
             FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            bytes = new SegmentPipeline(SegmentPipeline.defaultThreads()).encrypt(keyset.streamingKeys().getFirst(),
                    ad.getBytes(StandardCharsets.UTF_8), src, SegmentPipeline.Sink.of(file), sha,
                    SegmentPipeline.Covers.TAGS, RANDOM);
        } catch (IOException | GeneralSecurityException e) {
            deleteQuietly(out);
            throw new TrustException("sealing " + in + ": " + e.getMessage());
        }
        return Shard.sealed(name, bytes, HexFormat.of().formatHex(sha.digest()), keyset.primaryKeyId(), ad);
    }

    /**
     * Decrypts {@code sealed} into {@code out} after checking it is the file the manifest names (its SHA-256) and
     * that it decrypts completely to the recorded length. {@code out} is written only through a temporary file that
     * replaces it at the end; on any failure nothing is left at {@code out}.
     */
    public static void unseal(TenantKeyset keyset, Path sealed, Path out, Shard shard) {
        Path tmp = out.resolveSibling(out.getFileName() + ".unsealing");
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel dst = ownerOnly(tmp)) {
                decryptChecked(keyset, sealed, shard, SegmentPipeline.Sink.of(dst));
            }
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new TrustException("unsealing shard " + shard.name() + " into " + out + ": " + e.getMessage());
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Checks that {@code sealed} is the file the manifest names and decrypts completely under the keyset and the
     * shard's context, keeping no plaintext anywhere (a tenant's check of a stored checkpoint).
     */
    public static void verify(TenantKeyset keyset, Path sealed, Shard shard) {
        decryptChecked(keyset, sealed, shard, SegmentPipeline.Sink.DISCARD);
    }

    private static void decryptChecked(TenantKeyset keyset, Path sealed, Shard shard, SegmentPipeline.Sink sink) {
        warmUpGcm(shard.plaintextBytes());
        MessageDigest sha = sha256();
        long bytes;
        try (FileChannel file = FileChannel.open(sealed, StandardOpenOption.READ)) {
            bytes = new SegmentPipeline(SegmentPipeline.defaultThreads()).decrypt(keyset.streamingKeys(),
                    shard.associatedData().getBytes(StandardCharsets.UTF_8), file, sink, sha, shard.covers());
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustException("shard " + shard.name() + ": does not decrypt with this keyset and context (tampered,"
                    + " truncated, swapped, from another step, or another key): " + e.getMessage());
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        if (!digest.equals(shard.digest())) {
            throw new TrustException("shard " + shard.name() + ": its sealed file is not the one the manifest names"
                    + " (" + (shard.covers() == SegmentPipeline.Covers.TAGS ? "segment tags' " : "") + "SHA-256 "
                    + digest + ", manifest " + shard.digest() + ")");
        }
        if (bytes != shard.plaintextBytes()) {
            throw new TrustException("shard " + shard.name() + ": decrypted to " + bytes + " bytes, the manifest says "
                    + shard.plaintextBytes());
        }
    }

    /** Bytes [offset, offset + length) of a shard's plaintext, decrypting only the segments that hold them. */
    public static byte[] readRange(TenantKeyset keyset, Path sealed, Shard shard, long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > shard.plaintextBytes()) {
            throw new TrustException("range " + offset + "+" + length + " is outside shard " + shard.name() + " ("
                    + shard.plaintextBytes() + " bytes)");
        }
        StreamingAead aead = keyset.streamingAead();
        try (FileChannel file = FileChannel.open(sealed, StandardOpenOption.READ);
             SeekableByteChannel dec = aead.newSeekableDecryptingChannel(file,
                     shard.associatedData().getBytes(StandardCharsets.UTF_8))) {
            dec.position(offset);
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (dec.read(buf) < 0) {
                    throw new TrustException("shard " + shard.name() + " ends before " + (offset + length));
                }
            }
            return buf.array();
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustException("shard " + shard.name() + ": range " + offset + "+" + length
                    + " does not decrypt (tampered, truncated, or another key or context): " + e.getMessage());
        }
    }

    /** A new file only its owner can read: checkpoints are the tenant's weights in the clear. */
    public static FileChannel ownerOnly(Path file) throws IOException {
        java.util.Set<StandardOpenOption> options = java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(file, options, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, options);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
