package org.colossus.scheduler;

/** A job as the scheduler tracks it; shared by the scheduler, its queue disciplines and preemption. */
final class JobRecord {
    JobSpec spec;
    final int tenant;
    final long seq;
    JobState state = JobState.QUEUED;
    Allocation allocation;
    /** The node of a one-node allocation (and its GPUs there), else -1: releasing it then needs no array. */
    int onOneNode = -1;
    int onOneNodeGpus;
    double submitted;
    double started = Double.NaN;
    double expectedEnd = Double.NaN;
    boolean guaranteed;
    int runRank;
    int restarts;
    int awaitingPreemptions;
    JobRecord preemptedFor;
    boolean interruptedByFailure;
    PendingReason reason = PendingReason.QUEUE_ORDER;

    JobRecord(JobSpec spec, int tenant, long seq) {
        this.spec = spec;
        this.tenant = tenant;
        this.seq = seq;
    }
}
