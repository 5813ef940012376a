package org.colossus.scheduler;

/** Where a job is in its life. COMPLETED, CANCELLED and FAILED are final. */
public enum JobState {
    QUEUED, RUNNING,
    /** Told to checkpoint and stop; still holds its GPUs until the data plane reports it stopped. */
    PREEMPTING,
    COMPLETED, CANCELLED, FAILED;

    public boolean isFinal() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }
}
