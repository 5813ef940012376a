package org.colossus.sim;

/** The one exception of the simulator module: a workload, fleet or scenario it cannot run. */
public class SimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimException(String message) {
        super(message);
    }
}
