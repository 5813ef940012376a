package org.colossus.trust;

/** A proof, signature, note or checkpoint that does not verify or parse; the message says what failed. */
public class TrustException extends RuntimeException {
    public TrustException(String message) {
        super(message);
    }
}
