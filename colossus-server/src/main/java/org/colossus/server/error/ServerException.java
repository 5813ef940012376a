package org.colossus.server.error;

/** A failure of the server that is not a client's fault (storage, start-up, configuration). */
public class ServerException extends RuntimeException {
    public ServerException(String message) {
        super(message);
    }

    public ServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
