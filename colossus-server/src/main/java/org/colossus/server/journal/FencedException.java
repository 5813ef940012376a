package org.colossus.server.journal;

import org.colossus.server.error.ServerException;

/** A write refused because another server took the lead: this one must step down. */
public final class FencedException extends ServerException {
    public FencedException(long epoch, long current) {
        super("write refused: this server led under epoch " + epoch + ", the database's leader is now epoch " + current);
    }
}
