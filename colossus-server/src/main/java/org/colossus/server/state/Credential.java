package org.colossus.server.state;

/**
 * A bearer token's verifier: only a salt and SHA-256(salt || secret) are kept. Tokens are 256-bit random secrets, so
 * a fast hash suffices (no password to brute-force).
 *
 * @param tenant null for the operator
 */
public record Credential(String keyId, String tenant, String salt, String hash) {
    public boolean operator() {
        return tenant == null;
    }
}
