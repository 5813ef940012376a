package org.colossus.scheduler;

/** Why a job is still waiting, machine-readable ({@link #key()}). */
public enum PendingReason {
    /** A job ahead of it in the queue is waiting and the policy does not let this one pass. */
    QUEUE_ORDER("queue-order"),
    /** Not enough free healthy GPUs anywhere. */
    NO_CAPACITY("no-capacity"),
    /** Enough GPUs are free in total, but not in the shape the job needs (whole nodes, one node). */
    FRAGMENTATION("fragmentation"),
    /** Enough fitting GPUs are free, but only in units another tenant occupies. */
    ISOLATION("isolation"),
    /** Backfill would delay the reservation of a job ahead of it. */
    WAITING_FOR_RESERVATION("waiting-for-reservation"),
    /** Jobs using its reserved capacity were told to checkpoint and stop; it starts when they have. */
    WAITING_FOR_PREEMPTION("waiting-for-preemption"),
    /** The job needs more GPUs than the fleet has. */
    LARGER_THAN_FLEET("larger-than-fleet");

    private final String key;

    PendingReason(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
