package org.colossus.scheduler;

/** Where a job is in its life. COMPLETED and CANCELLED are final. */
public enum JobState {
    QUEUED, RUNNING, COMPLETED, CANCELLED;

    public boolean isFinal() {
        return this == COMPLETED || this == CANCELLED;
    }
}
