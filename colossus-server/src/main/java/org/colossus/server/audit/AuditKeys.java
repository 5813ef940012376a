package org.colossus.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.DataDirectory;
import org.colossus.trust.NoteKey;
import org.colossus.trust.TrustException;

/**
 * The audit log's secrets in a data directory, created at its first start and written owner-only: {@code audit.key}
 * (the Ed25519 note key that signs checkpoints), {@code audit.secret} (the key of the per-entry opening secrets), and
 * the public {@code audit.vkey} that tenants pin.
 */
record AuditKeys(NoteKey.Signer signer, byte[] openingSecret) {
    static AuditKeys load(Path dataDir, SecureRandom random) {
        Path keyFile = dataDir.resolve("audit.key");
        Path secretFile = dataDir.resolve("audit.secret");
        try {
            byte[] secret;
            if (Files.exists(secretFile)) {
                secret = Base64.getDecoder().decode(Files.readString(secretFile, StandardCharsets.UTF_8).trim());
            } else {
                secret = new byte[32];
                random.nextBytes(secret);
                DataDirectory.writeOwnerOnly(secretFile, Base64.getEncoder().encodeToString(secret) + "\n");
            }
            NoteKey.Signer key;
            if (Files.exists(keyFile)) {
                key = NoteKey.parseSigner(Files.readString(keyFile, StandardCharsets.UTF_8).trim());
            } else {
                String origin = "colossus.log/" + HexFormat.of().formatHex(random.generateSeed(8));
                key = NoteKey.generate(origin, random);
                DataDirectory.writeOwnerOnly(keyFile, key.encode() + "\n");
            }
            Files.writeString(dataDir.resolve("audit.vkey"), key.verifier().encode() + "\n", StandardCharsets.UTF_8);
            return new AuditKeys(key, secret);
        } catch (IOException | TrustException | IllegalArgumentException e) {
            throw new ServerException("audit log key " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
