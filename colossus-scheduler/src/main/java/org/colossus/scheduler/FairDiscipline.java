package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Fair share across tenants with preemption: one queue per tenant and job class (higher priority first, then
 * submission), merged lazily in the fair order (rank, the tenant's GPUs in use per reserved GPU, priority,
 * submission) so that a pass over a full fleet stops after a few jobs. A job that cannot start preempts lower-ranked
 * jobs if that makes room; else it blocks, and later jobs backfill around its reservation.
 */
final class FairDiscipline implements QueueDiscipline {
    /** Within one tenant-and-class queue: higher priority first, then submission. */
    private static final Comparator<JobRecord> TENANT_ORDER = (a, b) -> {
        int pa = a.spec.priority();
        int pb = b.spec.priority();
        return pa != pb ? Integer.compare(pb, pa) : Long.compare(a.seq, b.seq);
    };
    private static final int CLASSES = JobClass.values().length;

    /** Index tenant x classes + class. */
    private final List<TreeSet<JobRecord>> queues = new ArrayList<>();
    /** Set during a pass: started jobs leave their queue through the pass's iterator. */
    private boolean inPass;

    private TreeSet<JobRecord> queueOf(JobRecord r) {
        int index = r.tenant * CLASSES + r.spec.jobClass().ordinal();
        while (queues.size() <= index) {
            queues.add(new TreeSet<>(TENANT_ORDER));
        }
        return queues.get(index);
    }

    @Override
    public void enqueue(JobRecord r, boolean front) {
        queueOf(r).add(r); // the order is the queue's own: front or back does not apply
    }

    @Override
    public void dequeue(JobRecord r) {
        if (!inPass) {
            queueOf(r).remove(r);
        }
    }

    @Override
    public void pass(Pass pass, List<Decision> decisions) {
        int n = queues.size();
        List<Iterator<JobRecord>> iterators = new ArrayList<>(n);
        JobRecord[] cursor = new JobRecord[n];
        for (int q = 0; q < n; q++) {
            Iterator<JobRecord> it = queues.get(q).iterator();
            iterators.add(it);
            cursor[q] = it.hasNext() ? it.next() : null;
        }
        JobRecord blocked = null;
        double shadow = 0;
        long extra = 0;
        int looked = 0;
        // Within a pass capacity only shrinks, so once a tenant's job of g GPUs found no room, its jobs of g or more
        // GPUs will not either: skip them without asking the placement again.
        int[] failedAt = new int[pass.tenants()];
        Arrays.fill(failedAt, Integer.MAX_VALUE);
        inPass = true;
        try {
            while (looked++ < pass.backfillDepth()) {
                int best = -1;
                for (int q = 0; q < n; q++) {
                    if (cursor[q] != null && (best < 0 || pass.before(cursor[q], cursor[best]))) {
                        best = q;
                    }
                }
                if (best < 0) {
                    break;
                }
                JobRecord r = cursor[best];
                Iterator<JobRecord> it = iterators.get(best);
                boolean started = false;
                if (blocked == null) {
                    started = pass.tryStart(r, decisions);
                    if (!started) {
                        if (r.awaitingPreemptions > 0 || pass.preempt(r, decisions)) {
                            // the GPUs being freed are this job's: nothing else starts until they are
                            r.reason = PendingReason.WAITING_FOR_PREEMPTION;
                            break;
                        } else {
                            r.reason = pass.diagnose(r);
                            blocked = r;
                            shadow = Double.NaN; // computed when a later job first needs it
                        }
                    }
                } else {
                    if (pass.freeGpus() == 0) {
                        break; // nothing else can start in this pass
                    }
                    if (r.spec.gpus() > pass.freeGpus() || r.spec.gpus() >= failedAt[r.tenant]) {
                        r.reason = PendingReason.WAITING_FOR_RESERVATION;
                    } else {
                        if (Double.isNaN(shadow)) {
                            double[] res = pass.reservation(blocked);
                            shadow = res[0];
                            extra = (long) res[1];
                        }
                        boolean endsInTime = pass.now() + r.spec.durationSeconds() <= shadow;
                        boolean usesExtraOnly = r.spec.gpus() <= extra;
                        if (!endsInTime && !usesExtraOnly) {
                            r.reason = PendingReason.WAITING_FOR_RESERVATION;
                        } else if (pass.tryStart(r, decisions)) {
                            started = true;
                            if (!endsInTime) {
                                extra -= r.spec.gpus();
                            }
                        } else {
                            failedAt[r.tenant] = Math.min(failedAt[r.tenant], r.spec.gpus());
                            r.reason = PendingReason.WAITING_FOR_RESERVATION;
                        }
                    }
                }
                if (started) {
                    it.remove();
                }
                cursor[best] = it.hasNext() ? it.next() : null;
            }
        } finally {
            inPass = false;
        }
    }

    @Override
    public JobRecord head() {
        return null; // reasons are set by the last pass
    }

    @Override
    public List<Long> order() {
        return List.of();
    }

    @Override
    public boolean usesReservations() {
        return true;
    }

    @Override
    public boolean preempts() {
        return true;
    }
}
