package org.colossus.server.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's inbox: one queue per lane (a tenant, the operator, the system), served round-robin, one item per lane
 * per turn. A tenant that floods the engine lengthens its own lane; a rival's request waits behind at most one item
 * of each other lane, not behind the flood. Within a lane, order is kept (a tenant's own requests stay in order).
 *
 * <p>A single FIFO was fair enough while each batch took everything queued, but a batch is capped
 * ({@code Engine.MAX_BATCH}); with a FIFO, a flood longer than a batch pushes every rival's request into later
 * batches, each one a commit later.
 */
final class FairInbox<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Map<String, ArrayDeque<T>> lanes = new HashMap<>();
    /** Lanes with work, in the order they are served next. */
    private final ArrayDeque<String> turn = new ArrayDeque<>();
    private int size;

    void add(String lane, T item) {
        lock.lock();
        try {
            ArrayDeque<T> q = lanes.get(lane);
            if (q == null) {
                q = new ArrayDeque<>();
                lanes.put(lane, q);
            }
            if (q.isEmpty()) {
                turn.addLast(lane);
            }
            q.addLast(item);
            size++;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next item in turn, waiting up to the timeout; null if none came. */
    T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** The next item in turn without waiting; null if empty. */
    T poll() {
        lock.lock();
        try {
            return size == 0 ? null : take();
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} items, round-robin across lanes, into {@code into}; returns how many. */
    int drainTo(List<T> into, int max) {
        lock.lock();
        try {
            int n = 0;
            while (n < max && size > 0) {
                into.add(take());
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private T take() {
        String lane = turn.pollFirst();
        ArrayDeque<T> q = lanes.get(lane);
        T item = q.pollFirst();
        size--;
        if (q.isEmpty()) {
            // Idle lanes are forgotten, so tenants that come and go do not accumulate.
            lanes.remove(lane);
        } else {
            turn.addLast(lane);
        }
        return item;
    }
}
