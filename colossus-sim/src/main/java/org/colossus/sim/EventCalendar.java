package org.colossus.sim;

import java.util.Arrays;

/**
 * The simulator's future events: a binary min-heap over primitive arrays, ordered by time, then by kind
 * (completions before arrivals at one instant), then by insertion sequence. No objects per event, and the same
 * pushes always pop in the same order.
 */
public final class EventCalendar {
    public static final int FINISH = 0;
    public static final int ARRIVAL = 1;

    private double[] times = new double[1024];
    private long[] keys = new long[1024];   // kind << 48 | sequence
    private int[] payloads = new int[1024];
    private int size;
    private long sequence;

    public void push(double time, int kind, int payload) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
            payloads = Arrays.copyOf(payloads, size * 2);
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
            i = parent;
        }
        times[i] = time;
        keys[i] = key;
        payloads[i] = payload;
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

    /** Removes the first event and returns its payload. */
    public int pop() {
        int payload = payloads[0];
        size--;
        if (size > 0) {
            double t = times[size];
            long k = keys[size];
            int p = payloads[size];
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
                i = child;
            }
            times[i] = t;
            keys[i] = k;
            payloads[i] = p;
        }
        return payload;
    }
}
