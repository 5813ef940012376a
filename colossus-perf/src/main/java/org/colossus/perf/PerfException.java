package org.colossus.perf;

/** The one exception of the perf module: a model, configuration or hardware slice that cannot be evaluated. */
public class PerfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PerfException(String message) {
        super(message);
    }
}
