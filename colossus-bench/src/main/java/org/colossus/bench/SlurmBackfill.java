package org.colossus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.server.dataplane.slurm.EmulatedSlurm;
import org.colossus.sim.Estimates;
import org.colossus.sim.SimResult;
import org.colossus.sim.Simulation;
import org.colossus.sim.Workload;
import org.colossus.sim.WorkloadReader;

/**
 * Colossus's backfill against Slurm 22.05's own, on the same workload with the same time limits (issue 23). One
 * seeded workload of sleep jobs (GPU counts from 1 to 32, run times of seconds, Poisson arrivals at the offered load)
 * with users' limits: each job's run time divided by a ratio uniform in [0.25, 1], plus 10 s for the launch, rounded
 * up to whole minutes, because {@code sbatch -t} takes minutes. The same jobs CSV goes through the simulator's
 * backfill with those limits ({@code --estimates user}) and with exact run times, and through real daemons
 * ({@link EmulatedSlurm}: slurmctld, one slurmd per 8-GPU node, FIFO priority), once per {@code SchedulerParameters}
 * given; Slurm's waits are its own (StartTime − SubmitTime in the job completion log, 1 s resolution). Runs in real
 * time (several minutes per Slurm configuration); needs root and Debian's Slurm packages; not a unit test:
 *
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.SlurmBackfill [--jobs 40] [--nodes 8]
 *     [--load 1.0] [--seed 1] [--slurm "bf_interval=30,bf_resolution=60;bf_interval=1,bf_resolution=1,bf_job_part_count_reserve=1"]</pre>
 */
public final class SlurmBackfill {
    private static final int[] GPUS = {1, 2, 4, 8, 8, 16, 32};

    private SlurmBackfill() {
    }

    /** One job of the workload. */
    record Job(int id, double submitSeconds, int gpus, int durationSeconds, int limitMinutes) {
    }

    /** Waits of one scheduler run, in seconds, in job order. */
    record Run(String scheduler, String estimates, double[] waits) {
        double mean() {
            return Arrays.stream(waits).average().orElse(0);
        }

        double percentile(double q) {
            double[] s = waits.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
        }

        long waited() {
            return Arrays.stream(waits).filter(w -> w > 0).count();
        }
    }

    public static void main(String[] args) throws Exception {
        int jobs = 40;
        int nodes = 8;
        double load = 1.0;
        long seed = 1;
        String slurmConfigs = "sched_min_interval=100000,bf_interval=30,bf_resolution=60;"
                + "sched_min_interval=100000,bf_interval=1,bf_resolution=1,bf_job_part_count_reserve=1";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[i + 1]);
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--load" -> load = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--slurm" -> slurmConfigs = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Job> workload = workload(jobs, nodes * 8, load, seed);
        Path root = Files.createTempDirectory("colossus-slurm-backfill");
        Path csv = root.resolve("jobs.csv");
        StringBuilder text = new StringBuilder("job_id,submit_time_s,num_gpus,duration_s,time_limit_s\n");
        double gpuSeconds = 0;
        for (Job j : workload) {
            text.append(String.format(Locale.ROOT, "%d,%.3f,%d,%d,%d%n", j.id, j.submitSeconds, j.gpus, j.durationSeconds,
                    j.limitMinutes * 60));
            gpuSeconds += (double) j.gpus * j.durationSeconds;
        }
        Files.writeString(csv, text);
        System.out.printf(Locale.ROOT, "workload: %d jobs on %d nodes x 8 GPUs, offered load %.2f, seed %d, %.0f GPU-s"
                        + " (%.0f s of the whole cluster), last arrival at %.0f s; median limit / run time %.1f; %s%n",
                jobs, nodes, load, seed, gpuSeconds, gpuSeconds / (nodes * 8), workload.get(jobs - 1).submitSeconds,
                medianRatio(workload), csv);

        List<Run> runs = new ArrayList<>();
        Fleet fleet = Fleets.resolve("uniform:" + nodes + "x8", Catalog.standard());
        Workload w = WorkloadReader.read(csv);
        for (Estimates e : List.of(Estimates.EXACT, Estimates.USER)) {
            SimResult r = new Simulation(fleet, SchedulerConfig.of(QueuePolicy.BACKFILL, Placement.named("topology"),
                    Isolation.NONE)).estimating(e).run(w);
            double[] waits = new double[w.size()];
            for (int i = 0; i < w.size(); i++) {
                waits[i] = r.startSeconds()[i] - w.submitSeconds()[i];
            }
            runs.add(new Run("colossus backfill", e == Estimates.EXACT ? "exact" : "limits", waits));
        }
        for (String params : slurmConfigs.split(";")) {
            runs.add(slurm(root.resolve("cluster-" + runs.size()), nodes, params.trim(), workload));
        }
        System.out.println();
        System.out.println("| scheduler | estimates | mean wait | median | p90 | p99 | jobs that waited |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f s | %.0f s | %.0f s | %.0f s | %d of %d |%n", r.scheduler,
                    r.estimates, r.mean(), r.percentile(0.5), r.percentile(0.9), r.percentile(0.99), r.waited(),
                    r.waits.length);
        }
    }

    /** Poisson arrivals at the offered load; run times log-uniform in [10, 120] s; users' minute-rounded limits. */
    static List<Job> workload(int jobs, int gpus, double load, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] size = new int[jobs];
        int[] duration = new int[jobs];
        double meanGpuSeconds = 0;
        for (int i = 0; i < jobs; i++) {
            size[i] = GPUS[random.nextInt(GPUS.length)];
            duration[i] = (int) Math.round(Math.exp(Math.log(10) + random.nextDouble() * Math.log(12)));
            meanGpuSeconds += (double) size[i] * duration[i] / jobs;
        }
        double meanGap = meanGpuSeconds / (gpus * load);
        List<Job> out = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < jobs; i++) {
            double ratio = 0.25 + 0.75 * random.nextDouble();
            int limit = (int) Math.ceil((duration[i] / ratio + 10) / 60);
            out.add(new Job(i + 1, t, size[i], duration[i], limit));
            t += -Math.log(1 - random.nextDouble()) * meanGap;
        }
        return out;
    }

    private static double medianRatio(List<Job> jobs) {
        double[] r = jobs.stream().mapToDouble(j -> j.limitMinutes * 60.0 / j.durationSeconds).sorted().toArray();
        return r[r.length / 2];
    }

    /** Submits every job with sbatch at its time (relative to the first), waits for all to end, reads the waits. */
    private static Run slurm(Path dir, int nodes, String params, List<Job> workload) throws Exception {
        System.out.println("slurm: SchedulerParameters=" + params);
        try (EmulatedSlurm slurm = EmulatedSlurm.start(dir, nodes, 4, params)) {
            Map<String, Integer> byName = new HashMap<>();
            long t0 = System.nanoTime();
            for (Job j : workload) {
                long due = t0 + (long) (j.submitSeconds * 1e9);
                long sleep = (due - System.nanoTime()) / 1_000_000;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
                String name = "cmp-" + j.id;
                byName.put(name, j.id);
                int perNode = Math.min(8, j.gpus);
                int nodeCount = Math.max(1, j.gpus / 8);
                Path script = dir.resolve(name + ".sh");
                Files.writeString(script, "#!/bin/sh\nsleep " + j.durationSeconds + "\n");
                slurm.command("sbatch", "--parsable", "--job-name=" + name, "--partition=colossus",
                        "--time=" + j.limitMinutes, "--nodes=" + nodeCount, "--ntasks-per-node=1",
                        "--gres=gpu:" + perNode, "--cpus-per-task=" + 4 * perNode, "--mem=" + 7_000 * perNode,
                        "--output=/dev/null", "--chdir=" + dir, script.toString());
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            List<EmulatedSlurm.Completion> done = List.of();
            while (System.nanoTime() < deadline) {
                done = slurm.completions().stream().filter(c -> byName.containsKey(c.name())).toList();
                if (done.size() == workload.size()) {
                    break;
                }
                Thread.sleep(1000);
            }
            if (done.size() != workload.size()) {
                throw new IllegalStateException("Slurm finished " + done.size() + " of " + workload.size() + " jobs");
            }
            double[] waits = new double[workload.size()];
            for (EmulatedSlurm.Completion c : done) {
                if (!c.state().equals("COMPLETED")) {
                    throw new IllegalStateException(c.name() + " ended " + c.state() + " in Slurm");
                }
                waits[byName.get(c.name()) - 1] = Duration.between(LocalDateTime.parse(c.submit()),
                        LocalDateTime.parse(c.start())).toSeconds();
            }
            System.out.printf(Locale.ROOT, "slurm: all %d jobs completed after %.0f s%n", done.size(),
                    (System.nanoTime() - t0) / 1e9);
            return new Run("slurm " + params.replace("sched_min_interval=100000,", ""), "limits", waits);
        }
    }
}
