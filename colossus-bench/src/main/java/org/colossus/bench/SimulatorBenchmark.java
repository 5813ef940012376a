package org.colossus.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Decision;
import org.colossus.scheduler.Event;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobSpec;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.Scheduler;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.sim.EventCalendar;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulator's hot paths. {@code calendarPushPop}: one push and one pop on a calendar holding 100,000 events.
 * {@code placeGang2048Nodes}: the scheduler places a 2,048-node (16,384-GPU) gang on a 12,500-node fleet that is
 * half full of whole-node jobs, then the gang finishes (measured: submit + tick + finish).
 * Run: {@code java -jar colossus-bench/target/benchmarks.jar Simulator}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SimulatorBenchmark {
    @Param({"first-fit", "topology"})
    public String placement;

    private EventCalendar calendar;
    private SplittableRandom random;
    private double clock;
    private Scheduler scheduler;
    private long nextId;
    private double now;

    @Setup(Level.Trial)
    public void setUp() {
        calendar = new EventCalendar();
        random = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            calendar.push(random.nextDouble() * 1e6, i & 3, i);
        }
        Fleet fleet = Fleets.uniform(12_500, 8, Catalog.standard());
        scheduler = new Scheduler(fleet, SchedulerConfig.of(QueuePolicy.FIFO, Placement.named(placement), Isolation.NONE));
        // half the fleet busy with whole-node jobs (placed on the lower half of the nodes)
        for (int i = 0; i < 6_250; i++) {
            scheduler.apply(new Event.JobSubmitted(0, new JobSpec(nextId++, "bg", JobClass.ON_DEMAND, 8, 1e9)));
        }
        scheduler.apply(new Event.Tick(0));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int calendarPushPop() {
        clock += 10;
        calendar.push(clock + random.nextDouble() * 1e6, 1, 7);
        return calendar.pop();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int placeGang2048Nodes() {
        now += 1;
        long id = nextId++;
        scheduler.apply(new Event.JobSubmitted(now, new JobSpec(id, "lab", JobClass.ON_DEMAND, 16_384, 100)));
        List<Decision> placed = scheduler.apply(new Event.Tick(now));
        if (placed.size() != 1) {
            throw new IllegalStateException("gang not placed: " + placed);
        }
        scheduler.apply(new Event.JobFinished(now, id));
        return placed.size();
    }
}
