package org.colossus.trust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys in the C2SP signed-note formats, with the JDK's own Ed25519. A verifier key is
 * {@code name+keyid+base64(0x01 || public key)}; the key id is the first four bytes of
 * SHA-256(name || 0x0A || 0x01 || public key). A signer key keeps the 32-byte seed.
 */
public final class NoteKey {
    static final byte ED25519 = 0x01;
    /** C2SP tlog-cosignature: timestamped Ed25519 cosignatures use signature type 0x04 in their key id. */
    static final byte COSIGNATURE = 0x04;
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    /** A public key that verifies signatures of {@code name}. */
    public record Verifier(String name, int keyId, byte[] publicKey, byte type) {
        public Verifier(String name, int keyId, byte[] publicKey) {
            this(name, keyId, publicKey, ED25519);
        }

        public String encode() {
            byte[] typed = new byte[33];
            typed[0] = type;
            System.arraycopy(publicKey, 0, typed, 1, 32);
            return name + "+" + String.format("%08x", keyId) + "+" + Base64.getEncoder().encodeToString(typed);
        }

        boolean verify(byte[] message, byte[] signature) {
            try {
                PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, publicKey)));
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(message);
                return s.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }

    /** A private key that signs as {@code name}. */
    public record Signer(String name, int keyId, byte[] seed, byte[] publicKey, byte type) {
        public Signer(String name, int keyId, byte[] seed, byte[] publicKey) {
            this(name, keyId, seed, publicKey, ED25519);
        }

        public Verifier verifier() {
            return new Verifier(name, keyId, publicKey, type);
        }

        /** The same key as a tlog-cosignature (witness) key: type 0x04 and its own key id. */
        public Signer asCosigner() {
            return new Signer(name, NoteKey.keyId(name, COSIGNATURE, publicKey), seed, publicKey, COSIGNATURE);
        }

        public byte[] sign(byte[] message) {
            try {
                PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 signing failed", e);
            }
        }

        /** {@code PRIVATE+KEY+name+keyid+base64(0x01 || seed)}, the signer-key form of golang.org/x/mod/sumdb/note. */
        public String encode() {
            byte[] typed = new byte[33];
            typed[0] = type;
            System.arraycopy(seed, 0, typed, 1, 32);
            return "PRIVATE+KEY+" + name + "+" + String.format("%08x", keyId) + "+" + Base64.getEncoder().encodeToString(typed);
        }
    }

    private NoteKey() {
    }

    static int keyId(String name, byte type, byte[] publicKey) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x0A);
            md.update(type);
            byte[] h = md.digest(publicKey);
            return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new key named {@code name} (a log's origin, a witness's name). */
    public static Signer generate(String name, SecureRandom random) {
        checkName(name);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(255, random);
            KeyPair kp = g.generateKeyPair();
            byte[] pub = Arrays.copyOfRange(kp.getPublic().getEncoded(), 12, 44);
            byte[] seed = Arrays.copyOfRange(kp.getPrivate().getEncoded(), 16, 48);
            return new Signer(name, keyId(name, ED25519, pub), seed, pub);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available", e);
        }
    }

    public static Verifier parseVerifier(String text) {
        String[] parts = text.trim().split("\\+", 3);
        if (parts.length != 3) {
            throw new TrustException("verifier key '" + text.trim() + "': expected name+keyid+base64");
        }
        byte[] typed;
        try {
            typed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new TrustException("verifier key '" + text.trim() + "': the key is not base64");
        }
        if (typed.length != 33 || (typed[0] != ED25519 && typed[0] != COSIGNATURE)) {
            throw new TrustException("verifier key '" + text.trim() + "': expected an Ed25519 key (type 0x01, or 0x04 for a"
                    + " cosigner, and 32 bytes)");
        }
        byte[] pub = Arrays.copyOfRange(typed, 1, 33);
        int id = parseKeyId(parts[1], text);
        if (id != keyId(parts[0], typed[0], pub)) {
            throw new TrustException("verifier key '" + text.trim() + "': the key id does not match the name and key");
        }
        checkName(parts[0]);
        return new Verifier(parts[0], id, pub, typed[0]);
    }

    public static Signer parseSigner(String text) {
        String t = text.trim();
        if (!t.startsWith("PRIVATE+KEY+")) {
            throw new TrustException("signer key: expected PRIVATE+KEY+name+keyid+base64");
        }
        String[] parts = t.substring(12).split("\\+", 3);
        if (parts.length != 3) {
            throw new TrustException("signer key: expected PRIVATE+KEY+name+keyid+base64");
        }
        byte[] typed = Base64.getDecoder().decode(parts[2]);
        if (typed.length != 33 || (typed[0] != ED25519 && typed[0] != COSIGNATURE)) {
            throw new TrustException("signer key: expected an Ed25519 seed (type 0x01 or 0x04, 32 bytes)");
        }
        byte[] seed = Arrays.copyOfRange(typed, 1, 33);
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
            // The public key: sign nothing and derive it via a key pair is not exposed; recompute from a signature check.
            byte[] pub = publicFromPrivate(key, seed);
            Signer s = new Signer(parts[0], keyId(parts[0], typed[0], pub), seed, pub, typed[0]);
            if (s.keyId() != parseKeyId(parts[1], t)) {
                throw new TrustException("signer key: the key id does not match the name and key");
            }
            return s;
        } catch (GeneralSecurityException e) {
            throw new TrustException("signer key: not a valid Ed25519 seed");
        }
    }

    /** The JDK derives the public key only inside a key pair: regenerate it from the seed with a fixed "random". */
    private static byte[] publicFromPrivate(PrivateKey key, byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(255, new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(bytes.length, seed.length));
            }
        });
        KeyPair kp = g.generateKeyPair();
        if (!Arrays.equals(Arrays.copyOfRange(kp.getPrivate().getEncoded(), 16, 48), seed)) {
            throw new GeneralSecurityException("seed mismatch");
        }
        return Arrays.copyOfRange(kp.getPublic().getEncoded(), 12, 44);
    }

    private static int parseKeyId(String hex, String text) {
        if (!hex.matches("[0-9a-f]{8}")) {
            throw new TrustException("key '" + text.trim() + "': the key id must be 8 lowercase hex digits");
        }
        return (int) Long.parseLong(hex, 16);
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20)) {
            throw new TrustException("key name '" + name + "': expected a non-empty name without spaces or '+'");
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
