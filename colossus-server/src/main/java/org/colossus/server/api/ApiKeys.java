package org.colossus.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.colossus.server.state.Credential;

/**
 * Bearer tokens: {@code colossus_<keyId>_<secret>} with a 256-bit random secret. The server keeps only the key id,
 * a random salt and SHA-256(salt || secret); the token itself is shown once.
 */
public final class ApiKeys {
    private static final Pattern TOKEN = Pattern.compile("colossus_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");

    /** A new key: the token to hand out once, and what the journal stores. */
    public record Issued(String token, String keyId, String salt, String hash) {
    }

    private final SecureRandom random;

    public ApiKeys(SecureRandom random) {
        this.random = random;
    }

    /** A random number for a new tenant's id prefix (Commands.createTenant). */
    public long idSeed() {
        return random.nextLong();
    }

    public Issued issue() {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        byte[] salt = new byte[16];
        random.nextBytes(id);
        random.nextBytes(secret);
        random.nextBytes(salt);
        String keyId = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String saltHex = HexFormat.of().formatHex(salt);
        return new Issued("colossus_" + keyId + "_" + secretText, keyId, saltHex, hash(saltHex, secretText));
    }

    static String hash(String saltHex, String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(HexFormat.of().parseHex(saltHex));
            return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The credential this token proves, or null (malformed, unknown, or wrong secret). */
    public static Credential verify(String token, Function<String, Credential> lookup) {
        if (token == null) {
            return null;
        }
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) {
            return null;
        }
        Credential c = lookup.apply(m.group(1));
        if (c == null) {
            return null;
        }
        byte[] want = HexFormat.of().parseHex(c.hash());
        byte[] got = HexFormat.of().parseHex(hash(c.salt(), m.group(2)));
        return MessageDigest.isEqual(want, got) ? c : null;
    }
}
