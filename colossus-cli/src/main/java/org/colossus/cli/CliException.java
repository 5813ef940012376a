package org.colossus.cli;

/** A command-line problem the user can fix; printed as one line, no stack trace. */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }
}
