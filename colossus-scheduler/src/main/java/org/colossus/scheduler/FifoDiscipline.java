package org.colossus.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Strict first-in first-out: one queue in submission order (requeued jobs go back to the front); the head blocks. */
class FifoDiscipline implements QueueDiscipline {
    final ArrayDeque<JobRecord> queue = new ArrayDeque<>();

    @Override
    public void enqueue(JobRecord r, boolean front) {
        if (front) {
            queue.addFirst(r);
        } else {
            queue.addLast(r);
        }
    }

    @Override
    public void dequeue(JobRecord r) {
        if (queue.peekFirst() == r) {
            queue.pollFirst();
        } else {
            queue.remove(r);
        }
    }

    @Override
    public void pass(Pass pass, List<Decision> decisions) {
        while (!queue.isEmpty()) {
            if (!pass.tryStart(queue.peekFirst(), decisions)) {
                break;
            }
        }
        if (!queue.isEmpty()) {
            JobRecord head = queue.peekFirst();
            head.reason = pass.diagnose(head);
            behindHead(pass, head, decisions);
        }
    }

    /** What may start behind a blocked head: nothing, in strict FIFO. */
    void behindHead(Pass pass, JobRecord head, List<Decision> decisions) {
    }

    @Override
    public JobRecord head() {
        return queue.peekFirst();
    }

    @Override
    public List<Long> order() {
        List<Long> ids = new ArrayList<>(queue.size());
        queue.forEach(r -> ids.add(r.spec.id()));
        return ids;
    }

    @Override
    public boolean usesReservations() {
        return false;
    }

    @Override
    public boolean preempts() {
        return false;
    }
}
