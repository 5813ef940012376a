package org.colossus.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.colossus.scheduler.JobClass;
import org.colossus.server.journal.JdbcStore;
import org.colossus.server.journal.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job and contract ids are per tenant (issue 15): a tenant's ids count its own jobs only, so the gaps between them
 * say nothing of its rivals' submissions, and prefixes drawn from the same or extreme seeds never collide.
 */
class TenantIdsTest {
    private static final long SPACE = 1L << 32;

    @TempDir
    Path dir;

    @Test
    void submitJob_interleavedWithARivalsFlood_ownIdsConsecutiveAndPrefixesDistinct() throws Exception {
        try (Store store = JdbcStore.h2(dir)) {
            Engine engine = TestEngines.unstarted(store, "uniform:4x8");
            engine.start();
            try {
                // Same seed twice, and the seeds that land on the last prefix: the second of each pair probes on,
                // wrapping from the last prefix to the first.
                long[] seeds = {5, 5, -1, -1};
                String[] names = {"lab-a", "lab-b", "lab-c", "lab-d"};
                long now = engine.now();
                for (int i = 0; i < names.length; i++) {
                    engine.submit(Commands.createTenant(names[i], "00000000000000" + i + "0", "00", "00", seeds[i])).get();
                    engine.submit(Commands.signContract(new Commands.ContractRequest(names[i], JobClass.ON_DEMAND,
                            "h100-sxm-80gb", 32, now - 1000, now + 86_400_000L, new BigDecimal("2.50")))).get();
                }
                List<Long> a = new ArrayList<>();
                List<Long> b = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    a.add(submit(engine, "lab-a", round));
                    for (int k = 0; k < 5; k++) {
                        b.add(submit(engine, "lab-b", 10 * round + k));
                    }
                }
                long c = submit(engine, "lab-c", 0);
                long d = submit(engine, "lab-d", 0);
                assertThat(a).containsExactly(6 * SPACE + 1, 6 * SPACE + 2, 6 * SPACE + 3);
                assertThat(b.get(0)).isEqualTo(7 * SPACE + 1);
                assertThat(b.get(b.size() - 1)).isEqualTo(7 * SPACE + 15);
                assertThat(c).isEqualTo(((1L << 20) - 1) * SPACE + 1);
                assertThat(d).isEqualTo(SPACE + 1);
                assertThat(c).isLessThan(1L << 53); // exact in JavaScript
                assertThat(engine.read(s -> s.jobs("lab-a", null, 0, 10).items().stream()
                        .map(j -> j.id()).toList()).get()).containsExactlyElementsOf(a);
                assertThat(engine.read(s -> s.contracts("lab-b").get(0).id()).get()).isEqualTo(7 * SPACE + 1);
            } finally {
                engine.close();
            }
        }
    }

    private static long submit(Engine engine, String tenant, int n) throws Exception {
        return engine.submit(Commands.submitJob(tenant, new Commands.JobRequest("job-" + n, "h100-sxm-80gb", 8,
                JobClass.ON_DEMAND, 0, false, 0, false, 3_600_000L, null, null, null, false))).get().id();
    }
}
