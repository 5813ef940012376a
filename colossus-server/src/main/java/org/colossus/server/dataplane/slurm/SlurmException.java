package org.colossus.server.dataplane.slurm;

import org.colossus.server.error.ServerException;

/**
 * A Slurm call failed. {@code unreachable}: the controller did not answer (the call may be retried when it is back);
 * otherwise Slurm refused the request and said why.
 */
public final class SlurmException extends ServerException {
    private final boolean unreachable;

    public SlurmException(String message, boolean unreachable) {
        super(message);
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
