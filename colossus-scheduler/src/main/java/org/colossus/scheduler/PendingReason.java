package org.colossus.scheduler;

/** Why a job is still waiting, machine-readable ({@link #key()}). */
public enum PendingReason {
    /** A job ahead of it in the queue is waiting and the policy does not let this one pass. */
    QUEUE_ORDER("queue-order"),
    /** Not enough free GPUs anywhere. */
    NO_CAPACITY("no-capacity"),
    /** Enough GPUs are free in total, but not in the shape the job needs (whole nodes, one node). */
    FRAGMENTATION("fragmentation"),
    /** Enough fitting GPUs are free, but only in units another tenant occupies. */
    ISOLATION("isolation"),
    /** Backfill would delay the reservation of the job at the head of the queue. */
    WAITING_FOR_RESERVATION("waiting-for-reservation"),
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
