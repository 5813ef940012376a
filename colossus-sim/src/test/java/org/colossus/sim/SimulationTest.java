package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SimulationTest {
    private static final Catalog CATALOG = Catalog.standard();

    static LongStream seeds() {
        return LongStream.range(1, 21);
    }

    static Workload randomWorkload(long seed, int jobs, int maxGpus, int tenants) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ids = new long[jobs];
        double[] submit = new double[jobs];
        int[] gpus = new int[jobs];
        double[] duration = new double[jobs];
        int[] tenant = new int[jobs];
        JobClass[] cls = new JobClass[jobs];
        int[] prio = new int[jobs];
        double t = 0;
        int[] sizes = {1, 1, 1, 2, 4, 8, 8, 16, 32};
        for (int i = 0; i < jobs; i++) {
            t += Math.floor(random.nextDouble() * 600 * 1000) / 1000;
            ids[i] = i;
            submit[i] = t;
            gpus[i] = Math.min(maxGpus, sizes[random.nextInt(sizes.length)]);
            duration[i] = 60 + random.nextInt(7200);
            tenant[i] = random.nextInt(tenants);
            cls[i] = JobClass.values()[random.nextInt(3)];
            prio[i] = random.nextInt(3);
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < tenants; k++) {
            names.add("t" + k);
        }
        return new Workload("random-" + seed, ids, submit, gpus, duration, tenant, names, cls, prio);
    }

    /**
     * Textbook FIFO, written independently: each job, in submission order, starts at the earliest time not before
     * its submission and not before the previous job's start at which first-fit finds room, given the jobs started
     * before it.
     */
    static double[] textbookFifo(Workload w, int hosts) {
        int n = w.size();
        double[] start = new double[n];
        double[] end = new double[n];
        int[][] placedHosts = new int[n][];
        int[][] placedGpus = new int[n][];
        double prevStart = 0;
        for (int i = 0; i < n; i++) {
            List<Double> candidates = new ArrayList<>();
            double earliest = Math.max(w.submitSeconds()[i], prevStart);
            candidates.add(earliest);
            for (int j = 0; j < i; j++) {
                if (end[j] > earliest) {
                    candidates.add(end[j]);
                }
            }
            candidates.sort(Double::compare);
            for (double t : candidates) {
                int[] free = new int[hosts];
                Arrays.fill(free, 8);
                for (int j = 0; j < i; j++) {
                    if (start[j] <= t && end[j] > t) {
                        for (int k = 0; k < placedHosts[j].length; k++) {
                            free[placedHosts[j][k]] -= placedGpus[j][k];
                        }
                    }
                }
                int g = w.gpus()[i];
                int[][] fit = firstFit(free, g);
                if (fit != null) {
                    start[i] = t;
                    end[i] = t + w.durationSeconds()[i];
                    placedHosts[i] = fit[0];
                    placedGpus[i] = fit[1];
                    prevStart = t;
                    break;
                }
            }
        }
        return start;
    }

    private static int[][] firstFit(int[] free, int g) {
        if (g <= 8) {
            for (int h = 0; h < free.length; h++) {
                if (free[h] >= g) {
                    return new int[][] {{h}, {g}};
                }
            }
            return null;
        }
        int need = g / 8;
        List<Integer> hosts = new ArrayList<>();
        for (int h = 0; h < free.length && hosts.size() < need; h++) {
            if (free[h] == 8) {
                hosts.add(h);
            }
        }
        if (hosts.size() < need) {
            return null;
        }
        int[] gpus = new int[need];
        Arrays.fill(gpus, 8);
        return new int[][] {hosts.stream().mapToInt(Integer::intValue).toArray(), gpus};
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fifo_noBackfillNoFailures_equalsTextbookFifo(long seed) {
        int hosts = 6;
        Workload w = randomWorkload(seed, 150, 32, 1);
        SimResult r = new Simulation(Fleets.uniform(hosts, 8, CATALOG),
                SchedulerConfig.of(QueuePolicy.FIFO, Placement.named("first-fit"), Isolation.NONE)).run(w);
        assertThat(r.startSeconds()).containsExactly(textbookFifo(w, hosts));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void run_sameSeed_isBitIdenticalAndConservesGpuSeconds(long seed) {
        Fleet fleet = Fleets.resolve("colossus2", CATALOG);
        Workload w = randomWorkload(seed, 400, 256, 3);
        SplittableRandom pick = new SplittableRandom(seed);
        QueuePolicy policy = QueuePolicy.values()[pick.nextInt(3)];
        Isolation isolation = Isolation.values()[pick.nextInt(Isolation.values().length)];
        SchedulerConfig config = SchedulerConfig.of(policy, Placement.named("topology"), isolation);
        FailureModel failures = new FailureModel(true, 2e-4, 3600, 300, 900);
        List<Simulation.ContractChange> contracts = List.of(new Simulation.ContractChange(0, "t0", 2048));
        SimResult a = new Simulation(fleet, config, failures, seed, Double.POSITIVE_INFINITY, contracts).run(w);
        SimResult b = new Simulation(fleet, config, failures, seed, Double.POSITIVE_INFINITY, contracts).run(w);
        assertThat(b.startSeconds()).containsExactly(a.startSeconds());
        assertThat(b.endSeconds()).containsExactly(a.endSeconds());
        assertThat(b.summary()).isEqualTo(a.summary());
        assertThat(a.summary().isolationViolations()).isZero();
        assertThat(a.summary().completed() + a.summary().failed()).isEqualTo(w.size());
        // GPU-seconds conserved: the integral of allocation equals the sum over jobs of GPUs x time held
        double held = 0;
        for (var g : a.byTenant().values()) {
            held += g.gpuHours() * 3600;
        }
        double integral = a.summary().utilization() * fleet.gpuCount() * a.summary().horizonSeconds();
        assertThat(held).isCloseTo(integral, within(1e-6 * Math.max(1, integral)));
    }

    @Test
    void failures_onLongGangs_loseWorkAndStillComplete() {
        Workload w = randomWorkload(7, 200, 64, 2);
        SimResult r = new Simulation(Fleets.uniform(64, 8, CATALOG),
                SchedulerConfig.of(QueuePolicy.BACKFILL, Placement.named("first-fit"), Isolation.NONE),
                new FailureModel(true, 5e-4, 1800, 600, 900), 3, Double.POSITIVE_INFINITY, List.of()).run(w);
        assertThat(r.summary().nodeFailures()).isPositive();
        assertThat(r.summary().interruptions()).isPositive();
        assertThat(r.summary().lostGpuHours()).isPositive();
        assertThat(r.summary().goodput()).isBetween(0.5, 1.0);
        assertThat(r.summary().completed() + r.summary().failed()).isEqualTo(w.size());
    }

    @Test
    void reservedContract_preemptsBorrowersForItsOwner() {
        // tenant t0 has all 64 GPUs reserved; t1 borrows them while idle, then t0 needs them back
        long[] ids = {0, 1};
        Workload w = new Workload("reclaim", ids, new double[] {0, 100}, new int[] {64, 64},
                new double[] {10_000, 1_000}, new int[] {1, 0}, List.of("t0", "t1"),
                new JobClass[] {JobClass.ON_DEMAND, JobClass.RESERVED}, new int[] {0, 0});
        SimResult r = new Simulation(Fleets.uniform(8, 8, CATALOG),
                SchedulerConfig.of(QueuePolicy.FAIR, Placement.named("first-fit"), Isolation.NONE),
                FailureModel.OFF, 1, Double.POSITIVE_INFINITY, List.of(new Simulation.ContractChange(0, "t0", 64))).run(w);
        // the reserved job starts after the borrower's 300 s grace; the borrower resumes after it
        assertThat(r.startSeconds()[1]).isEqualTo(400.0);
        assertThat(r.endSeconds()[1]).isEqualTo(1400.0);
        assertThat(r.summary().preemptions()).isEqualTo(1);
        assertThat(r.endSeconds()[0]).as("borrower resumes with its remaining work after a restart")
                .isEqualTo(1400.0 + 600 + (10_000 - 400));
    }

    @Test
    void read_badRows_nameLineColumnAndValue() throws Exception {
        assertThatThrownBy(() -> WorkloadReader.read("w.csv", new BufferedReader(new StringReader(
                "job_id,submit_time_s,num_gpus,duration_s\n0,1.5,8,100\n1,2.0,zero,100\n"))))
                .isInstanceOf(SimException.class).hasMessage("w.csv: line 3: num_gpus = 'zero': expected a whole number");
        assertThatThrownBy(() -> WorkloadReader.read("w.csv", new BufferedReader(new StringReader(
                "job_id,submit_time_s,num_gpus,duration_s\n0,1.5,8,-3\n"))))
                .hasMessage("w.csv: line 2: duration_s = '-3': expected a finite number > 0");
        assertThatThrownBy(() -> WorkloadReader.read("w.csv", new BufferedReader(new StringReader("a,b\n"))))
                .hasMessageStartingWith("w.csv: line 1: unknown header 'a,b'; expected 'job_id,submit_time_s,num_gpus,duration_s'");
        assertThatThrownBy(() -> WorkloadReader.read("w.csv", new BufferedReader(new StringReader(
                "job_id,submit_time_s,num_gpus,duration_s\n0,1,8,100\n0,2,8,100\n"))))
                .hasMessage("w.csv: line 3: job_id = 0: duplicate job id");
    }

    @Test
    void read_rowsOutOfOrder_sortedBySubmitStably() throws Exception {
        Workload w = WorkloadReader.read("w.csv", new BufferedReader(new StringReader(
                "job_id,submit_time_s,num_gpus,duration_s\n5,20,1,10\n6,10,2,10\n7,10,4,10\n")));
        assertThat(w.ids()).containsExactly(6, 7, 5);
        assertThat(w.gpus()).containsExactly(2, 4, 1);
    }

    @Test
    void read_alibabaOpenbPods_mapsQosToTenantsAndClasses() throws Exception {
        Workload w = WorkloadReader.read("pods.csv", new BufferedReader(new StringReader(
                "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
                + "p0,1000,1024,1,230,,LS,Running,10,500,20\n"       // shares a GPU: takes one whole GPU
                + "p1,1000,1024,0,0,,LS,Running,5,100,5\n"           // CPU only: left out
                + "p2,1000,1024,8,1000,,BE,Succeeded,0,300,0\n"
                + "p3,1000,1024,1,1000,,BE,Pending,7,9,\n")));       // never scheduled: left out
        assertThat(w.size()).isEqualTo(2);
        assertThat(w.gpus()).containsExactly(8, 1);
        assertThat(w.durationSeconds()).containsExactly(300.0, 480.0);
        assertThat(w.jobClass()).containsExactly(JobClass.PREEMPTIBLE, JobClass.ON_DEMAND);
        assertThat(w.tenants()).containsExactly("LS", "BE");
    }

    @Test
    void eventCalendar_ordersByTimeThenKindThenInsertion() {
        EventCalendar c = new EventCalendar();
        c.push(5, 1, 10);
        c.push(5, 0, 20);
        c.push(1, 4, 30);
        c.push(5, 0, 40);
        assertThat(c.pop()).isEqualTo(30);
        assertThat(c.pop()).isEqualTo(20);
        assertThat(c.pop()).isEqualTo(40);
        assertThat(c.pop()).isEqualTo(10);
        assertThat(c.isEmpty()).isTrue();
    }
}
