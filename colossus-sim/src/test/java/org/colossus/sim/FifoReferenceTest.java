package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * data/bench/fifo-reference (a test resource): exact FIFO/first-fit semantics, expected results to the printed
 * precision.
 */
class FifoReferenceTest {
    static Path reference(String file) throws URISyntaxException {
        return Path.of(FifoReferenceTest.class.getResource("/fifo-reference/" + file).toURI());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "wl_h100_j1000.csv.gz, 100, 65416.389, 122.612, 1306.141, 207, 7479.764",
        "wl_h1000_j10000.csv.gz, 1000, 64755.000, 39.094, 539.647, 1466, 7214.184"
    })
    void fifoFirstFit_referenceWorkload_reproducesExpectedResults(String file, int hosts, String makespan,
                                                                  String meanWait, String p99Wait, int waited,
                                                                  String meanJct) throws URISyntaxException {
        Workload w = WorkloadReader.read(reference(file));
        SimResult r = new Simulation(Fleets.uniform(hosts, 8, Catalog.standard()),
                SchedulerConfig.of(QueuePolicy.FIFO, Placement.named("first-fit"), Isolation.NONE)).run(w);
        SimResult.Summary s = r.summary();
        assertThat(s.completed()).isEqualTo(w.size());
        assertThat(fmt(s.makespanSeconds())).isEqualTo(makespan);
        assertThat(fmt(s.meanWaitSeconds())).isEqualTo(meanWait);
        assertThat(fmt(s.p99WaitSeconds())).isEqualTo(p99Wait);
        assertThat(s.jobsWaited()).isEqualTo(waited);
        assertThat(fmt(s.meanJctSeconds())).isEqualTo(meanJct);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
