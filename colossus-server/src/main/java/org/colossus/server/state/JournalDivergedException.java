package org.colossus.server.state;

import org.colossus.server.error.ServerException;

/** Replaying the journal does not reproduce it: a corrupted journal or a non-deterministic core. */
public class JournalDivergedException extends ServerException {
    public JournalDivergedException(String message) {
        super(message);
    }
}
