package org.colossus.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.colossus.scheduler.JobClass;
import org.junit.jupiter.api.Test;

class UsageTest {
    @Test
    void cost_oneGpuHourAtAPrice_isThePriceExactly() {
        assertThat(Metering.cost(3_600_000L, new BigDecimal("2.50"))).isEqualByComparingTo("2.5");
        assertThat(Metering.cost(1L, new BigDecimal("2.50")).toPlainString()).isEqualTo("0.000001");
        assertThat(Metering.cost(0L, new BigDecimal("1000")).signum()).isZero();
    }

    @Test
    void add_accumulatesPerClassAndCopiesIndependently() {
        Usage u = new Usage();
        u.add(JobClass.ON_DEMAND, 7_200_000L, new BigDecimal("3"));
        u.add(JobClass.ON_DEMAND, 1_800_000L, new BigDecimal("2"));
        u.add(JobClass.RESERVED, 3_600_000L, new BigDecimal("1.25"));
        assertThat(u.gpuMillis(JobClass.ON_DEMAND)).isEqualTo(9_000_000L);
        assertThat(u.cost(JobClass.ON_DEMAND)).isEqualByComparingTo("7");
        assertThat(u.gpuMillis(JobClass.PREEMPTIBLE)).isZero();
        assertThat(u.cost(JobClass.PREEMPTIBLE)).isEqualByComparingTo("0");
        List<JobClass> order = new ArrayList<>();
        u.forEachGpuMillis((k, v) -> order.add(k));
        assertThat(order).containsExactly(JobClass.RESERVED, JobClass.ON_DEMAND);
        Usage copy = u.copy();
        copy.add(JobClass.RESERVED, 3_600_000L, new BigDecimal("1.25"));
        assertThat(u.cost(JobClass.RESERVED)).isEqualByComparingTo("1.25");
        assertThat(copy.cost(JobClass.RESERVED)).isEqualByComparingTo("2.5");
    }
}
