package org.colossus.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tenants by dense id, with what fair share and reservations need per tenant: reserved GPUs (its contracts), GPUs in
 * use, reserved GPUs in use (the guaranteed part), and queued jobs (what an admission limit counts).
 */
final class TenantQuotas {
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private int[] reserved = new int[8];
    private long[] used = new long[8];
    private long[] usedReserved = new long[8];
    private int[] queued = new int[8];

    /** The tenant's id, registering it on first sight. */
    int id(String name) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        int t = names.size();
        names.add(name);
        ids.put(name, t);
        if (t == reserved.length) {
            reserved = Arrays.copyOf(reserved, t * 2);
            used = Arrays.copyOf(used, t * 2);
            usedReserved = Arrays.copyOf(usedReserved, t * 2);
            queued = Arrays.copyOf(queued, t * 2);
        }
        return t;
    }

    /** The id, or -1 for a tenant not seen. */
    int find(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    int count() {
        return names.size();
    }

    List<String> names() {
        return List.copyOf(names);
    }

    String name(int tenant) {
        return names.get(tenant);
    }

    void setReserved(int tenant, int gpus) {
        reserved[tenant] = gpus;
    }

    int reserved(int tenant) {
        return reserved[tenant];
    }

    long used(int tenant) {
        return used[tenant];
    }

    int queued(int tenant) {
        return queued[tenant];
    }

    void queuedChanged(int tenant, int delta) {
        queued[tenant] += delta;
    }

    /** Whether the job, started now, would run within its tenant's reservation (guaranteed, never preempted). */
    boolean withinReservation(JobRecord r) {
        return r.spec.jobClass() == JobClass.RESERVED && usedReserved[r.tenant] + r.spec.gpus() <= reserved[r.tenant];
    }

    void holding(JobRecord r, long gpus) {
        used[r.tenant] += gpus;
        if (r.guaranteed) {
            usedReserved[r.tenant] += gpus;
        }
    }

    void released(JobRecord r, long gpus) {
        used[r.tenant] -= gpus;
        if (r.guaranteed) {
            usedReserved[r.tenant] -= gpus;
        }
    }

    /** GPUs in use per reserved GPU: the fair-share order (lower first). */
    double share(int tenant) {
        return (double) used[tenant] / Math.max(1, reserved[tenant]);
    }
}
