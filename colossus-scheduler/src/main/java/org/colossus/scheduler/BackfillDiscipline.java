package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * EASY backfill: the FIFO queue, and behind a blocked head a later job starts now if it fits and either ends by the
 * head's reservation (the earliest time enough GPUs will be free) or uses only GPUs spare at that time.
 */
final class BackfillDiscipline extends FifoDiscipline {
    @Override
    void behindHead(Pass pass, JobRecord head, List<Decision> decisions) {
        if (queue.size() > 1) {
            backfill(pass, head, queue.iterator(), decisions);
        }
    }

    static void backfill(Pass pass, JobRecord head, Iterator<JobRecord> order, List<Decision> decisions) {
        double[] res = pass.reservation(head);
        double shadow = res[0];
        long extra = (long) res[1];
        int looked = 0;
        List<JobRecord> candidates = new ArrayList<>();
        while (order.hasNext() && looked < pass.backfillDepth()) {
            JobRecord r = order.next();
            if (r != head) {
                candidates.add(r);
                looked++;
            }
        }
        for (JobRecord r : candidates) {
            if (pass.freeGpus() == 0) {
                r.reason = PendingReason.WAITING_FOR_RESERVATION;
                continue;
            }
            boolean endsInTime = pass.now() + r.spec.durationSeconds() <= shadow;
            boolean usesExtraOnly = r.spec.gpus() <= extra;
            if ((endsInTime || usesExtraOnly) && pass.tryStart(r, decisions)) {
                if (!endsInTime) {
                    extra -= r.spec.gpus();
                }
            } else {
                r.reason = PendingReason.WAITING_FOR_RESERVATION;
            }
        }
    }

    @Override
    public boolean usesReservations() {
        return true;
    }
}
