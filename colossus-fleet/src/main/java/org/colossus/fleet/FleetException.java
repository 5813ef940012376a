package org.colossus.fleet;

/**
 * The one exception of the fleet module: a catalog or fleet description that cannot be used.
 * Messages are written for the person who wrote the input: they name the file, the key path,
 * the value found and what was expected.
 */
public class FleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FleetException(String message) {
        super(message);
    }

    public FleetException(String message, Throwable cause) {
        super(message, cause);
    }
}
