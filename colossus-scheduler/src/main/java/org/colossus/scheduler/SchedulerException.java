package org.colossus.scheduler;

/** The one exception of the scheduler module: an event or configuration the core cannot accept. */
public class SchedulerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchedulerException(String message) {
        super(message);
    }
}
