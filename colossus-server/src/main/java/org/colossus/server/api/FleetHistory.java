package org.colossus.server.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.colossus.server.state.ControlState;
import org.colossus.server.state.Views;

/**
 * The console's time series (issue 19): the fleet's state sampled at a fixed interval of the control plane's clock,
 * the last {@link #CAPACITY} samples kept in memory and in the database ({@code HistoryStore}, written by the server
 * that leads), so that a restart continues the series. A view, not a record: the journal is the record. Each sample:
 * GPUs held by tenant and by job class, jobs and GPUs waiting, GPUs down.
 */
final class FleetHistory {
    static final int CAPACITY = 1_440;

    record Sample(long timeMillis, Map<String, Long> gpusByTenant, Map<String, Long> gpusByClass, int queuedJobs,
                  long queuedGpus, long downGpus) {
    }

    /**
     * Series of equal length, oldest first (a tenant's or class's value is 0 where it held nothing).
     *
     * @param times epoch milliseconds of the control plane's clock
     */
    record Series(List<Long> times, Map<String, List<Long>> gpusByTenant, Map<String, List<Long>> gpusByClass,
                  List<Integer> queuedJobs, List<Long> queuedGpus, List<Long> downGpus) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();

    /** Takes a sample of {@code s} (on the engine's thread, as any read). */
    static Sample sample(ControlState s, long nowMillis) {
        Views.Occupancy o = s.occupancy();
        return new Sample(nowMillis, o.gpusByTenant(), o.gpusByClass(), o.queuedJobs(), o.queuedGpus(), o.downGpus());
    }

    /** A sample as stored: the same fields as JSON. */
    static org.colossus.server.journal.HistoryStore.FleetSample stored(Sample s) {
        return new org.colossus.server.journal.HistoryStore.FleetSample(s.timeMillis(),
                new String(RequestJson.write(s), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The stored samples back, oldest first; one that no longer reads (a format of another version) is skipped. */
    void load(List<org.colossus.server.journal.HistoryStore.FleetSample> stored) {
        for (var f : stored) {
            try {
                add(RequestJson.RESPONSE.readValue(f.json(), Sample.class));
            } catch (java.io.IOException | RuntimeException e) {
                // a view: a sample that does not read is left out
            }
        }
    }

    synchronized void add(Sample s) {
        samples.addLast(s);
        while (samples.size() > CAPACITY) {
            samples.removeFirst();
        }
    }

    /** The samples so far and {@code now}, the state at this moment (not kept), as the last point. */
    synchronized Series series(Sample now) {
        List<Sample> samples = new ArrayList<>(this.samples);
        if (samples.isEmpty() || samples.get(samples.size() - 1).timeMillis() <= now.timeMillis()) {
            samples.add(now);
        }
        List<Long> times = new ArrayList<>(samples.size());
        TreeSet<String> tenants = new TreeSet<>();
        TreeSet<String> classes = new TreeSet<>();
        for (Sample s : samples) {
            tenants.addAll(s.gpusByTenant().keySet());
            classes.addAll(s.gpusByClass().keySet());
        }
        Map<String, List<Long>> byTenant = new LinkedHashMap<>();
        tenants.forEach(t -> byTenant.put(t, new ArrayList<>()));
        Map<String, List<Long>> byClass = new LinkedHashMap<>();
        classes.forEach(c -> byClass.put(c, new ArrayList<>()));
        List<Integer> queued = new ArrayList<>();
        List<Long> queuedGpus = new ArrayList<>();
        List<Long> down = new ArrayList<>();
        for (Sample s : samples) {
            times.add(s.timeMillis());
            byTenant.forEach((t, l) -> l.add(s.gpusByTenant().getOrDefault(t, 0L)));
            byClass.forEach((c, l) -> l.add(s.gpusByClass().getOrDefault(c, 0L)));
            queued.add(s.queuedJobs());
            queuedGpus.add(s.queuedGpus());
            down.add(s.downGpus());
        }
        return new Series(times, byTenant, byClass, queued, queuedGpus, down);
    }
}
