package org.colossus.sim;

import java.util.Arrays;

/**
 * The simulator's future events: a binary min-heap over primitive arrays, ordered by time, then by kind (a small
 * number: lower kinds first at one instant, e.g. completions before arrivals), then by insertion sequence. Each
 * event carries an int payload and an int tag (the simulator's run epoch, to recognize stale completions). No
 * objects per event, and the same pushes always pop in the same order.
 */
public final class EventCalendar {
    private double[] times = new double[1024];
    private long[] keys = new long[1024];   // kind << 48 | sequence
    private int[] payloads = new int[1024];
    private int[] tags = new int[1024];
    private int size;
    private long sequence;

    public void push(double time, int kind, int payload) {
        push(time, kind, payload, 0);
    }

    public void push(double time, int kind, int payload, int tag) {
        if (kind < 0 || kind > 0x7FFF) {
            throw new IllegalArgumentException("event kind " + kind + " out of range 0..32767");
        }
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
            payloads = Arrays.copyOf(payloads, size * 2);
            tags = Arrays.copyOf(tags, size * 2);
        }
        long key = ((long) kind << 48) | sequence++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(time, key, times[parent], keys[parent])) {
                break;
            }
            times[i] = times[parent];
            keys[i] = keys[parent];
            payloads[i] = payloads[parent];
            tags[i] = tags[parent];
            i = parent;
        }
        times[i] = time;
        keys[i] = key;
        payloads[i] = payload;
        tags[i] = tag;
    }

    private static boolean less(double t1, long k1, double t2, long k2) {
        return t1 < t2 || (t1 == t2 && k1 < k2);
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public double peekTime() {
        return times[0];
    }

    public int peekKind() {
        return (int) (keys[0] >>> 48);
    }

    public int peekTag() {
        return tags[0];
    }

    /** Removes the first event and returns its payload. */
    public int pop() {
        int payload = payloads[0];
        size--;
        if (size > 0) {
            double t = times[size];
            long k = keys[size];
            int p = payloads[size];
            int g = tags[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && less(times[child + 1], keys[child + 1], times[child], keys[child])) {
                    child++;
                }
                if (!less(times[child], keys[child], t, k)) {
                    break;
                }
                times[i] = times[child];
                keys[i] = keys[child];
                payloads[i] = payloads[child];
                tags[i] = tags[child];
                i = child;
            }
            times[i] = t;
            keys[i] = k;
            payloads[i] = p;
            tags[i] = g;
        }
        return payload;
    }
}
