package org.colossus.ledger;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.function.BiConsumer;
import org.colossus.scheduler.JobClass;

/**
 * One tenant's metered use by job class: GPU-milliseconds held (placement to release) and their cost at the price of
 * each job's contract. A running total that the projection adds to as jobs release their GPUs; not thread-safe.
 */
public final class Usage {
    private final EnumMap<JobClass, long[]> gpuMillis = new EnumMap<>(JobClass.class);
    private final EnumMap<JobClass, BigDecimal> cost = new EnumMap<>(JobClass.class);

    /** Adds {@code gpuMillis} of class {@code jobClass} priced at {@code pricePerGpuHour}. */
    public void add(JobClass jobClass, long gpuMillis, BigDecimal pricePerGpuHour) {
        this.gpuMillis.computeIfAbsent(jobClass, k -> new long[1])[0] += gpuMillis;
        cost.merge(jobClass, Metering.cost(gpuMillis, pricePerGpuHour), BigDecimal::add);
    }

    /** Sets a class's GPU-milliseconds (restoring a snapshot). */
    public void restoreGpuMillis(JobClass jobClass, long millis) {
        gpuMillis.put(jobClass, new long[] {millis});
    }

    /** Sets a class's cost (restoring a snapshot). */
    public void restoreCost(JobClass jobClass, BigDecimal amount) {
        cost.put(jobClass, amount);
    }

    public long gpuMillis(JobClass jobClass) {
        long[] m = gpuMillis.get(jobClass);
        return m == null ? 0 : m[0];
    }

    public BigDecimal cost(JobClass jobClass) {
        return cost.getOrDefault(jobClass, BigDecimal.ZERO);
    }

    /** The classes with recorded GPU-time, in {@link JobClass} order. */
    public void forEachGpuMillis(BiConsumer<JobClass, Long> action) {
        gpuMillis.forEach((k, v) -> action.accept(k, v[0]));
    }

    /** The classes with a recorded cost, in {@link JobClass} order. */
    public void forEachCost(BiConsumer<JobClass, BigDecimal> action) {
        cost.forEach(action);
    }

    public Usage copy() {
        Usage u = new Usage();
        forEachGpuMillis(u::restoreGpuMillis);
        u.cost.putAll(cost);
        return u;
    }
}
