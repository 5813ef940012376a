package org.colossus.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Denied reserved GPU-time ({@link Sla}) of each tenant and GPU model, as the ledger is fed: the reserved GPUs held,
 * the reserved jobs queued (since when), and, for pools with a service level, the piecewise-constant denied rate as
 * segments of time. Pools without a service level keep only their counts (cheap enough for the simulator's million
 * jobs).
 */
final class Availability {
    /** The contracts the ledger knows, as this class needs them. */
    interface Contracts {
        /** Reserved contracts of the tenant and model with a service level, in id order. */
        List<Reserved> reserved(String tenant, String gpuModel);

        record Reserved(long id, int gpus, long fromMillis, long toMillis, long signedMillis, Sla sla) {
            boolean activeAt(long t) {
                return signedMillis <= t && fromMillis <= t && t < toMillis;
            }
        }
    }

    /** Denied GPUs {@code rate} over [from, to) while {@code entitled} GPUs were contracted. */
    private record Segment(long from, long to, int rate, int entitled) {
    }

    private static final class Pool {
        int held;
        final TreeMap<Long, long[]> queued = new TreeMap<>(); // job -> {gpus, since}
        long lastMillis = Long.MIN_VALUE;
        final List<Segment> segments = new ArrayList<>();
    }

    private record Key(String tenant, String gpuModel) {
    }

    private final Contracts contracts;
    private final Map<Key, Pool> pools = new HashMap<>();
    private final Map<Long, Key> jobPool = new HashMap<>();

    Availability(Contracts contracts) {
        this.contracts = contracts;
    }

    void queued(long job, String tenant, String gpuModel, int gpus, long t) {
        Key k = new Key(tenant, gpuModel);
        jobPool.put(job, k);
        Pool p = pools.computeIfAbsent(k, x -> new Pool());
        advance(k, p, t);
        p.queued.put(job, new long[] {gpus, t});
    }

    void placed(long job, int gpus, long t) {
        Key k = jobPool.get(job);
        if (k == null) {
            return;
        }
        Pool p = pools.get(k);
        advance(k, p, t);
        p.queued.remove(job);
        p.held += gpus;
    }

    /** The job stopped holding {@code gpus}; it waits again if {@code requeued}. */
    void released(long job, int gpus, boolean requeued, long t) {
        Key k = jobPool.get(job);
        if (k == null) {
            return;
        }
        Pool p = pools.get(k);
        advance(k, p, t);
        p.held -= gpus;
        if (requeued) {
            p.queued.put(job, new long[] {gpus, t});
        } else {
            jobPool.remove(job);
        }
    }

    /** A queued job left the queue without running (cancelled, failed). */
    void dequeued(long job, long t) {
        Key k = jobPool.remove(job);
        if (k == null) {
            return;
        }
        Pool p = pools.get(k);
        advance(k, p, t);
        p.queued.remove(job);
    }

    private void advance(Key k, Pool p, long t) {
        if (p.lastMillis != Long.MIN_VALUE && t > p.lastMillis) {
            List<Contracts.Reserved> rs = contracts.reserved(k.tenant(), k.gpuModel());
            if (!rs.isEmpty()) {
                integrate(p, rs, p.lastMillis, t, p.segments);
            }
        }
        p.lastMillis = Math.max(p.lastMillis, t);
    }

    /** Appends the segments of [a, b) under the pool's current state. */
    private static void integrate(Pool p, List<Contracts.Reserved> rs, long a, long b, List<Segment> out) {
        long grace = Long.MAX_VALUE;
        TreeSet<Long> cuts = new TreeSet<>();
        for (Contracts.Reserved r : rs) {
            grace = Math.min(grace, r.sla().graceMillis());
            for (long x : new long[] {r.fromMillis(), r.toMillis(), r.signedMillis()}) {
                if (x > a && x < b) {
                    cuts.add(x);
                }
            }
        }
        for (long[] q : p.queued.values()) {
            long eligible = q[1] + grace;
            if (eligible > a && eligible < b) {
                cuts.add(eligible);
            }
        }
        cuts.add(b);
        long x = a;
        for (long y : cuts) {
            int entitled = 0;
            for (Contracts.Reserved r : rs) {
                if (r.activeAt(x)) {
                    entitled += r.gpus();
                }
            }
            int free = entitled - p.held;
            if (free > 0) {
                long asked = 0;
                for (long[] q : p.queued.values()) {
                    if (q[1] + grace <= x && q[0] <= free) {
                        asked += q[0];
                    }
                }
                int rate = (int) Math.min(free, asked);
                if (rate > 0) {
                    out.add(new Segment(x, y, rate, entitled));
                }
            }
            x = y;
        }
    }

    /**
     * The denied GPU-milliseconds of one reserved contract over [from, to): each moment's denied GPUs shared among the
     * contracts active then in proportion to their GPUs. {@code from} and {@code to} are within what has been fed or
     * after it (then the pool's current state continues to {@code to}).
     */
    BigDecimal denied(String tenant, String gpuModel, Contracts.Reserved contract, long from, long to) {
        Key k = new Key(tenant, gpuModel);
        Pool p = pools.get(k);
        if (p == null || to <= from) {
            return BigDecimal.ZERO;
        }
        List<Segment> segs = p.segments;
        if (p.lastMillis < to && p.lastMillis != Long.MIN_VALUE) {
            segs = new ArrayList<>(p.segments);
            integrate(p, contracts.reserved(tenant, gpuModel), Math.max(p.lastMillis, from), to, segs);
        }
        BigDecimal sum = BigDecimal.ZERO;
        int lo = firstEndingAfter(segs, from);
        for (int i = lo; i < segs.size(); i++) {
            Segment s = segs.get(i);
            if (s.from() >= to) {
                break;
            }
            long overlap = Math.min(s.to(), to) - Math.max(s.from(), from);
            if (overlap > 0 && contract.activeAt(Math.max(s.from(), from))) {
                sum = sum.add(BigDecimal.valueOf(overlap * (long) s.rate()).multiply(BigDecimal.valueOf(contract.gpus()))
                        .divide(BigDecimal.valueOf(s.entitled()), 3, RoundingMode.HALF_EVEN));
            }
        }
        return sum;
    }

    private static int firstEndingAfter(List<Segment> segs, long t) {
        int lo = 0;
        int hi = segs.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (segs.get(mid).to() <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
