package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler's jobs by id: open addressing over a {@code long[]} of ids, linear probing, no removal (the
 * scheduler answers for every job it was ever given). A {@code HashMap<Long, JobRecord>} kept a {@code Long} and a
 * node per job, two more objects for the collector to copy and promote: at a million jobs that was most of the
 * simulator's garbage-collection time (docs/performance.md).
 */
final class JobTable {
    /** Marks a free slot; the one id the table refuses (ids are tenant-prefixed counters, never this). */
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] ids;
    private JobRecord[] records;
    private int size;

    JobTable() {
        ids = new long[64];
        java.util.Arrays.fill(ids, EMPTY);
        records = new JobRecord[64];
    }

    int size() {
        return size;
    }

    JobRecord get(long id) {
        if (id == EMPTY) {
            return null;
        }
        int mask = ids.length - 1;
        for (int i = slot(id, mask); ; i = (i + 1) & mask) {
            long k = ids[i];
            if (k == id) {
                return records[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    /** Adds a job whose id is not in the table yet (the caller checked). */
    void add(long id, JobRecord r) {
        if (id == EMPTY) {
            throw new SchedulerException("job id " + id + " is reserved");
        }
        if (2 * (size + 1) > ids.length) {
            grow();
        }
        insert(ids, records, id, r);
        size++;
    }

    /** Every job, in no particular order. */
    List<JobRecord> values() {
        List<JobRecord> out = new ArrayList<>(size);
        for (JobRecord r : records) {
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Ids in blocks of 16 consecutive ones get 16 consecutive slots, so jobs submitted together (and, in FIFO order,
     * finished together) share cache lines, while the blocks themselves are scattered by a multiplicative hash of
     * the rest of the id (a tenant's prefix included). A fully scrambling hash made nearly every lookup of a
     * million-job run a cache miss; keeping whole runs of ids together instead would let two tenants' runs overlap
     * into one long probe sequence.
     */
    /** The longest distance from an id's home slot to where it sits (for tests of the hash's spread). */
    int longestProbe() {
        int mask = ids.length - 1;
        int longest = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != EMPTY) {
                longest = Math.max(longest, (i - slot(ids[i], mask)) & mask);
            }
        }
        return longest;
    }

    private static int slot(long id, int mask) {
        long h = (id >>> 4) * 0x9E3779B97F4A7C15L;
        return ((int) (h >>> 32) << 4 | (int) (id & 15)) & mask;
    }

    private static void insert(long[] ids, JobRecord[] records, long id, JobRecord r) {
        int mask = ids.length - 1;
        int i = slot(id, mask);
        while (ids[i] != EMPTY) {
            if (ids[i] == id) {
                throw new IllegalStateException("job " + id + " is already in the table");
            }
            i = (i + 1) & mask;
        }
        ids[i] = id;
        records[i] = r;
    }

    private void grow() {
        long[] newIds = new long[ids.length * 2];
        java.util.Arrays.fill(newIds, EMPTY);
        JobRecord[] newRecords = new JobRecord[records.length * 2];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != EMPTY) {
                insert(newIds, newRecords, ids[i], records[i]);
            }
        }
        ids = newIds;
        records = newRecords;
    }
}
