package org.colossus.trust.seal;

import com.google.crypto.tink.StreamingAead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
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
    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");

    private Sealer() {
    }

    /** What the manifest records for one shard. */
    public record Shard(String name, long plaintextBytes, String ciphertextSha256, int keyId, String associatedData) {
    }

    /**
     * The JDK computes AES-GCM with an AVX intrinsic only once the JIT has compiled its GCM loop with C2, which takes
     * about 12,000 calls; a checkpoint makes one call per 1 MiB segment, so a multi-GB seal would run most of its way
     * on the Java fallback (40-400 MB/s instead of over 1 GB/s; docs/performance.md). For large jobs we pay about a
     * second once per process to warm it up.
     */
    private static volatile boolean warm;
    static final long WARM_UP_ABOVE_BYTES = 256L << 20;

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
                ByteBuffer in = ByteBuffer.allocate(16 << 10);
                ByteBuffer out = ByteBuffer.allocate((16 << 10) + 16);
                byte[] iv = new byte[12];
                for (int i = 0; i < 12_000; i++) {
                    iv[0] = (byte) i;
                    iv[1] = (byte) (i >>> 8);
                    c.init(javax.crypto.Cipher.ENCRYPT_MODE, k, new javax.crypto.spec.GCMParameterSpec(128, iv));
                    in.rewind();
                    out.clear();
                    c.doFinal(in, out);
                }
            } catch (GeneralSecurityException e) {
                // no warm-up: correct, only slower
            }
            warm = true;
        }
    }

    /** A sealed checkpoint: its context and shards (the CLI writes it as manifest.json). */
    public record Manifest(String format, String context, java.util.List<Shard> shards) {
        public static final String FORMAT = "colossus-seal/v1";
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
                throw new TrustException("--in " + in + ": no such file or directory");
            }
            if (files.isEmpty()) {
                throw new TrustException("--in " + in + ": no files to seal");
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
        return new Manifest(Manifest.FORMAT, context, java.util.List.copyOf(shards));
    }

    /**
     * Unseals every shard of {@code manifest} from {@code in} into {@code out}: all are decrypted into a staging
     * directory first and moved into place only when every one checked out, so a failure leaves nothing behind.
     *
     * @param expectedContext if not null, the manifest must be for this context (a checkpoint of another step or run
     *                        is refused even if it decrypts)
     */
    public static void unsealAll(TenantKeyset keyset, Manifest manifest, Path in, Path out, String expectedContext) {
        if (!Manifest.FORMAT.equals(manifest.format())) {
            throw new TrustException("manifest format '" + manifest.format() + "': expected " + Manifest.FORMAT);
        }
        if (expectedContext != null && !expectedContext.equals(manifest.context())) {
            throw new TrustException("the manifest is for " + manifest.context() + ", not the expected " + expectedContext);
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Shard s : manifest.shards()) {
            if (!s.associatedData().equals(associatedData(manifest.context(), s.name()))) {
                throw new TrustException("shard " + s.name() + ": its associated data does not match the manifest's"
                        + " context " + manifest.context());
            }
            if (s.name().startsWith("/") || s.name().contains("..") || !names.add(s.name())) {
                throw new TrustException("shard name '" + s.name() + "': expected a unique relative path");
            }
        }
        Path staging = out.resolve(".unsealing-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectories(staging);
            for (Shard s : manifest.shards()) {
                Path sealedFile = in.resolve(s.name() + ".sealed");
                if (!Files.isRegularFile(sealedFile)) {
                    throw new TrustException("shard " + s.name() + ": " + sealedFile + " is missing");
                }
                Path target = staging.resolve(s.name());
                Files.createDirectories(target.getParent());
                unseal(keyset, sealedFile, target, s);
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
            throw new TrustException("--context '" + context + "': expected tenant/run/step (letters, digits, . _ -)");
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
        StreamingAead aead = keyset.streamingAead();
        MessageDigest sha = sha256();
        long bytes = 0;
        try (InputStream src = Files.newInputStream(in);
             OutputStream file = Files.newOutputStream(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE);
             OutputStream enc = aead.newEncryptingStream(new DigestOutputStream(file, sha), ad.getBytes(StandardCharsets.UTF_8))) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = src.read(buf)) > 0) {
                enc.write(buf, 0, n);
                bytes += n;
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new TrustException("sealing " + in + ": " + e.getMessage());
        }
        return new Shard(name, bytes, HexFormat.of().formatHex(sha.digest()), keyset.primaryKeyId(), ad);
    }

    /**
     * Decrypts {@code sealed} into {@code out} after checking it is the file the manifest names (its SHA-256) and
     * that it decrypts completely to the recorded length. {@code out} is written only through a temporary file that
     * replaces it at the end; on any failure nothing is left at {@code out}.
     */
    public static void unseal(TenantKeyset keyset, Path sealed, Path out, Shard shard) {
        warmUpGcm(shard.plaintextBytes());
        StreamingAead aead = keyset.streamingAead();
        MessageDigest sha = sha256();
        Path tmp = out.resolveSibling(out.getFileName() + ".unsealing");
        long bytes = 0;
        try {
            try (InputStream file = Files.newInputStream(sealed);
                 InputStream dec = aead.newDecryptingStream(new DigestInputStream(file, sha),
                         shard.associatedData().getBytes(StandardCharsets.UTF_8));
                 OutputStream dst = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE)) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = dec.read(buf)) > 0) {
                    dst.write(buf, 0, n);
                    bytes += n;
                }
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            if (!digest.equals(shard.ciphertextSha256())) {
                throw new TrustException("shard " + shard.name() + ": its sealed file is not the one the manifest names"
                        + " (SHA-256 " + digest + ", manifest " + shard.ciphertextSha256() + ")");
            }
            if (bytes != shard.plaintextBytes()) {
                throw new TrustException("shard " + shard.name() + ": decrypted to " + bytes + " bytes, the manifest says "
                        + shard.plaintextBytes());
            }
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException e) {
            deleteQuietly(tmp);
            throw new TrustException("shard " + shard.name() + ": does not decrypt with this keyset and context (tampered,"
                    + " truncated, swapped, from another step, or another key): " + e.getMessage());
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
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
