package org.colossus.trust.seal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.colossus.trust.TrustException;

/**
 * A tenant's Tink keyset for sealing checkpoints (streaming AEAD, AES256_GCM_HKDF_1MB). It exists in clear only in
 * the tenant's memory: on disk it is encrypted under a key-encryption key derived from a passphrase with
 * PBKDF2-HMAC-SHA256 (600,000 iterations, OWASP's 2023 figure for it; 16-byte random salt), or supplied by the
 * caller (a KMS key, raw 32 bytes). Rotation adds a new primary key and keeps the old ones for decryption.
 */
public final class TenantKeyset {
    public static final String FORMAT = "colossus-keyset/v1";
    public static final int PBKDF2_ITERATIONS = 600_000;
    public static final int MIN_PASSPHRASE = 12;
    private static final byte[] KEYSET_AD = FORMAT.getBytes(StandardCharsets.UTF_8);

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeysetHandle handle;

    private TenantKeyset(KeysetHandle handle) {
        this.handle = handle;
    }

    public static TenantKeyset generate() {
        try {
            return new TenantKeyset(KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB));
        } catch (GeneralSecurityException e) {
            throw new TrustException("cannot generate a keyset: " + e.getMessage());
        }
    }

    /** A new keyset with one more key, primary from now on; earlier keys stay for decryption. */
    public TenantKeyset rotate() {
        try {
            return new TenantKeyset(KeysetHandle.newBuilder(handle)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB)
                            .withRandomId().makePrimary())
                    .build());
        } catch (GeneralSecurityException e) {
            throw new TrustException("cannot rotate the keyset: " + e.getMessage());
        }
    }

    public int primaryKeyId() {
        return handle.getPrimary().getId();
    }

    public List<Integer> keyIds() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            out.add(handle.getAt(i).getId());
        }
        return out;
    }

    StreamingAead streamingAead() {
        try {
            return handle.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
            throw new TrustException("keyset: " + e.getMessage());
        }
    }

    /**
     * The keys' material for {@link SegmentPipeline}, primary first (the order Tink's keyset wrapper tries them in
     * for decryption).
     */
    List<SegmentPipeline.StreamingKey> streamingKeys() {
        List<SegmentPipeline.StreamingKey> keys = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry e = handle.getAt(i);
            if (!(e.getKey() instanceof AesGcmHkdfStreamingKey k)
                    || k.getParameters().getHkdfHashType() != AesGcmHkdfStreamingParameters.HashType.SHA256) {
                throw new TrustException("keyset key " + e.getId() + ": expected an AES-GCM-HKDF streaming key with"
                        + " HKDF-SHA256, found " + e.getKey().getParameters());
            }
            var key = new SegmentPipeline.StreamingKey(e.getId(),
                    k.getInitialKeyMaterial().toByteArray(InsecureSecretKeyAccess.get()),
                    k.getParameters().getDerivedAesGcmKeySizeBytes(), k.getParameters().getCiphertextSegmentSizeBytes());
            if (e.isPrimary()) {
                keys.addFirst(key);
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    /** A keyset that holds only the primary key (for a test of "the wrong key"). */
    TenantKeyset onlyPrimary() {
        try {
            KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
            for (int i = b.size() - 1; i >= 0; i--) {
                if (!b.getAt(i).isPrimary()) {
                    b.deleteAt(i);
                }
            }
            return new TenantKeyset(b.build());
        } catch (GeneralSecurityException e) {
            throw new TrustException("keyset: " + e.getMessage());
        }
    }

    /** The keyset file: encrypted under a key derived from {@code passphrase}. */
    public String encode(char[] passphrase, SecureRandom random) {
        if (passphrase.length < MIN_PASSPHRASE) {
            throw new TrustException("the passphrase has " + passphrase.length + " characters; use at least "
                    + MIN_PASSPHRASE);
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] kek = pbkdf2(passphrase, salt, PBKDF2_ITERATIONS);
        try {
            byte[] sealed = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, new JdkAesGcm(kek, random), KEYSET_AD);
            return FORMAT + "\n"
                    + "kdf pbkdf2-hmac-sha256 " + PBKDF2_ITERATIONS + " " + Base64.getEncoder().encodeToString(salt) + "\n"
                    + "keyset " + Base64.getEncoder().encodeToString(sealed) + "\n";
        } catch (GeneralSecurityException e) {
            throw new TrustException("cannot encrypt the keyset: " + e.getMessage());
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /** Opens a keyset file; a wrong passphrase or an altered file is refused. */
    public static TenantKeyset decode(String text, char[] passphrase) {
        String[] lines = text.split("\n");
        if (lines.length != 3 || !lines[0].equals(FORMAT) || !lines[1].startsWith("kdf pbkdf2-hmac-sha256 ")
                || !lines[2].startsWith("keyset ")) {
            throw new TrustException("not a " + FORMAT + " keyset file");
        }
        byte[] kek = null;
        try {
            String[] kdf = lines[1].split(" ");
            int iterations = Integer.parseInt(kdf[2]);
            if (iterations < 100_000) {
                throw new TrustException("keyset file: " + iterations + " PBKDF2 iterations is too few (at least 100,000)");
            }
            byte[] salt = Base64.getDecoder().decode(kdf[3]);
            byte[] sealed = Base64.getDecoder().decode(lines[2].substring("keyset ".length()));
            kek = pbkdf2(passphrase, salt, iterations);
            return new TenantKeyset(TinkProtoKeysetFormat.parseEncryptedKeyset(sealed, new JdkAesGcm(kek, new SecureRandom()),
                    KEYSET_AD));
        } catch (GeneralSecurityException e) {
            throw new TrustException("the passphrase does not open this keyset, or the file was altered");
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new TrustException("keyset file: malformed (" + e.getMessage() + ")");
        } finally {
            if (kek != null) {
                Arrays.fill(kek, (byte) 0);
            }
        }
    }

    private static byte[] pbkdf2(char[] passphrase, byte[] salt, int iterations) {
        try {
            KeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tink's Aead over the JDK's AES-256-GCM: 12-byte random nonce, then ciphertext and tag. */
    private record JdkAesGcm(byte[] key, SecureRandom random) implements Aead {
        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(associatedData);
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[12 + ct.length];
            System.arraycopy(iv, 0, out, 0, 12);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return out;
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            if (ciphertext.length < 28) {
                throw new GeneralSecurityException("ciphertext too short");
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, ciphertext, 0, 12));
            c.updateAAD(associatedData);
            return c.doFinal(ciphertext, 12, ciphertext.length - 12);
        }
    }
}
