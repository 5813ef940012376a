package org.colossus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The job table answers exactly as a HashMap would, for the id shapes the control plane uses. */
class JobTableTest {
    private static JobRecord record(long id) {
        return new JobRecord(new JobSpec(id, "t", JobClass.ON_DEMAND, 1, 1), 0, id);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42})
    void addGet_randomIds_matchAHashMap(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        JobTable table = new JobTable();
        Map<Long, JobRecord> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            long id = switch (random.nextInt(4)) {
                case 0 -> i;                                                 // the simulator's 0..n-1
                case 1 -> ((long) (1 + random.nextInt(1 << 20)) << 32) + i;  // tenant prefix * 2^32 + counter
                case 2 -> random.nextLong();                                 // anything else a caller sends
                default -> Long.MAX_VALUE - random.nextInt(1000);
            };
            if (id == Long.MIN_VALUE || expected.containsKey(id)) {
                continue;
            }
            JobRecord r = record(id);
            table.add(id, r);
            expected.put(id, r);
        }
        assertThat(table.size()).isEqualTo(expected.size());
        int wrong = 0;
        for (var e : expected.entrySet()) {
            wrong += table.get(e.getKey()) == e.getValue() ? 0 : 1;
        }
        for (int i = 0; i < 10_000; i++) {
            long probe = random.nextLong();
            wrong += table.get(probe) == expected.get(probe) ? 0 : 1;
        }
        assertThat(wrong).as("lookups that differ from the HashMap's").isZero();
        assertThat(table.get(Long.MIN_VALUE)).isNull();
        var values = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<JobRecord, Boolean>());
        values.addAll(table.values());
        assertThat(values).hasSize(expected.size());
        assertThat(values.containsAll(expected.values())).isTrue();
    }

    @ParameterizedTest(name = "id {0}")
    @ValueSource(longs = {Long.MIN_VALUE})
    void add_reservedId_refused(long id) {
        assertThatThrownBy(() -> new JobTable().add(id, record(0))).isInstanceOf(SchedulerException.class)
                .hasMessageContaining("job id " + id + " is reserved");
    }

    /**
     * The server's ids: each tenant's counter under its own prefix, so long runs of consecutive ids. Blocks of 16
     * stay together for locality, but no two tenants' runs may pile up into one long probe sequence.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void add_manyTenantsLongRuns_probesStayShort(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        JobTable table = new JobTable();
        for (int t = 0; t < 50; t++) {
            long prefix = 1 + random.nextInt((1 << 20) - 1);
            for (int k = 1; k <= 20_000; k++) {
                table.add((prefix << 32) + k, record(k));
            }
        }
        for (int i = 0; i < 300_000; i++) {
            table.add(i, record(i)); // and the simulator's 0..n-1
        }
                assertThat(table.longestProbe()).isLessThan(400);
    }
}
