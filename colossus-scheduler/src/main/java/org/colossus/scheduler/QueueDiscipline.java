package org.colossus.scheduler;

import java.util.List;

/**
 * How queued jobs are ordered and started in a pass: one class per {@link QueuePolicy} ({@link FifoDiscipline},
 * {@link BackfillDiscipline}, {@link FairDiscipline}). Placement, quotas and preemption stay with the scheduler and
 * are reached through {@link Pass}.
 */
interface QueueDiscipline {
    /** What a pass may ask of the scheduler. */
    interface Pass {
        double now();

        /** Places and starts the job now if it fits; false if it does not. */
        boolean tryStart(JobRecord r, List<Decision> decisions);

        /** Preempts lower-ranked jobs to make room for {@code r}; false (nothing preempted) if that cannot help. */
        boolean preempt(JobRecord r, List<Decision> decisions);

        PendingReason diagnose(JobRecord r);

        /** The head's reservation: [shadow time, GPUs spare at that time] (EASY backfill). */
        double[] reservation(JobRecord head);

        long freeGpus();

        int backfillDepth();

        int tenants();

        /** The fair order across tenants: rank, tenant's share, priority, submission. */
        boolean before(JobRecord a, JobRecord b);
    }

    static QueueDiscipline of(QueuePolicy policy) {
        return switch (policy) {
            case FIFO -> new FifoDiscipline();
            case BACKFILL -> new BackfillDiscipline();
            case FAIR -> new FairDiscipline();
        };
    }

    /** The job joins the queue ({@code front}: it ran before, e.g. interrupted by a failure). */
    void enqueue(JobRecord r, boolean front);

    /** The job leaves the queue (started or cancelled). */
    void dequeue(JobRecord r);

    /** One scheduling pass. */
    void pass(Pass pass, List<Decision> decisions);

    /** The job whose pending reason is diagnosed live (the head of a single queue), or null. */
    JobRecord head();

    /** Queued job ids in queue order, for a snapshot; empty if the order follows from the jobs themselves. */
    List<Long> order();

    /** Whether passes need running jobs by expected end (reservations). */
    boolean usesReservations();

    /** Whether passes preempt (then victims are kept in order). */
    boolean preempts();
}
