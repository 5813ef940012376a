package org.colossus.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.sim.FailureModel;
import org.colossus.sim.Fleets;
import org.colossus.sim.SimResult;
import org.colossus.sim.Simulation;
import org.colossus.sim.Workload;
import org.colossus.sim.WorkloadReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colossus simulate}: replay a workload on a fleet through the scheduler core, on a virtual clock. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Replay a workload on a fleet through the scheduler core and report utilization, waits and"
                + " job completion times (docs/simulator.md).",
                "Example: colossus simulate --fleet uniform:12500x8 --workload ../shared/bench/fifo-reference/"
                        + "wl_h12500_j100000.csv.gz --policy fifo --placement first-fit --isolation none --failures off"})
final class SimulateCommand implements Runnable {
    @Option(names = "--fleet", required = true, paramLabel = "PRESET|FILE|uniform:HxG",
            description = "A preset (colossus1, colossus2), a fleet file, or uniform:HOSTSxGPUS (identical hosts, no topology).")
    String fleet;

    @Option(names = "--workload", required = true, paramLabel = "FILE",
            description = "Jobs CSV (job_id,submit_time_s,num_gpus,duration_s) or the Philly trace (philly.csv), gzipped or not.")
    Path workload;

    @Option(names = "--policy", defaultValue = "fifo", split = ",", paramLabel = "P[,P...]",
            description = "Queue policies, comma-separated to compare side by side: fifo, backfill (default: ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--placement", defaultValue = "first-fit",
            description = "first-fit, best-fit or topology (default: ${DEFAULT-VALUE}).")
    String placement;

    @Option(names = "--isolation", defaultValue = "none",
            description = "Unit tenants never share: none, node, domain, rack, pod (default: ${DEFAULT-VALUE}).")
    String isolation;

    @Option(names = "--failures", defaultValue = "off",
            description = "Failure model: off, or default (Llama 3's 1.97e-5 interruptions per GPU-hour; docs/simulator.md) (default: ${DEFAULT-VALUE}).")
    String failures;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the failure process (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--jobs-out", paramLabel = "FILE.csv", description = "Write one row per job (first policy).")
    Path jobsOut;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        FailureModel failureModel = switch (failures) {
            case "off" -> FailureModel.OFF;
            case "default" -> FailureModel.DEFAULT;
            default -> throw new CliException("--failures '" + failures + "': expected off or default");
        };
        Placement place = Placement.named(placement);
        Isolation iso = Isolation.parse(isolation);
        List<QueuePolicy> parsed = policies.stream().map(QueuePolicy::parse).toList();
        Fleet f = Fleets.resolve(fleet, Catalog.standard());
        Workload w = WorkloadReader.read(workload);
        boolean tty = System.console() != null && format == OutputFormat.text;
        List<SimResult> results = new ArrayList<>();
        List<Double> wallSeconds = new ArrayList<>();
        for (QueuePolicy policy : parsed) {
            long start = System.nanoTime();
            double[] lastPrint = {System.nanoTime()};
            SimResult r = new Simulation(f, SchedulerConfig.of(policy, place, iso), failureModel, seed,
                    Double.POSITIVE_INFINITY, List.of()).run(w, t -> {
                if (tty && System.nanoTime() - lastPrint[0] > 1e9) {
                    lastPrint[0] = System.nanoTime();
                    spec.commandLine().getErr().printf(Locale.ROOT, "\r%s: simulated %.1f h", policy.key(), t / 3600);
                    spec.commandLine().getErr().flush();
                }
            });
            wallSeconds.add((System.nanoTime() - start) / 1e9);
            results.add(r);
        }
        if (jobsOut != null) {
            writeJobs(jobsOut, results.get(0));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (SimResult r : results) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("policy", r.policy());
                run.put("placement", r.placement());
                run.put("isolation", r.isolation());
                run.put("summary", r.summary());
                runs.add(run);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("fleet", f.name());
            doc.put("workload", w.name());
            doc.put("summary", results.get(0).summary());
            doc.put("runs", runs);
            out.println(Json.write(doc));
            return;
        }
        out.printf(Locale.ROOT, "%s on %s (%,d GPUs), %,d jobs; placement %s, isolation %s, failures off%n%n", w.name(),
                f.name(), f.gpuCount(), w.size(), place.name(), iso.key());
        out.printf("%-10s %14s %14s %14s %10s %14s %11s %10s%n", "policy", "makespan s", "mean wait s", "p99 wait s",
                "waited", "mean JCT s", "utilization", "wall s");
        for (int i = 0; i < results.size(); i++) {
            SimResult.Summary s = results.get(i).summary();
            out.printf(Locale.ROOT, "%-10s %14.3f %14.3f %14.3f %10d %14.3f %10.1f%% %10.2f%n", results.get(i).policy(),
                    s.makespanSeconds(), s.meanWaitSeconds(), s.p99WaitSeconds(), s.jobsWaited(), s.meanJctSeconds(),
                    s.utilization() * 100, wallSeconds.get(i));
        }
    }

    private void writeJobs(Path file, SimResult r) {
        Workload w = r.workload();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("job_id,tenant,class,gpus,submit_s,start_s,end_s,state,restarts,racks,pods\n");
            StringBuilder b = new StringBuilder(128);
            for (int i = 0; i < w.size(); i++) {
                b.setLength(0);
                b.append(w.ids()[i]).append(',').append(w.tenants().get(w.tenantOf()[i])).append(',')
                        .append(w.jobClass()[i].key()).append(',')
                        .append(w.gpus()[i]).append(',').append(seconds(w.submitSeconds()[i])).append(',')
                        .append(seconds(r.startSeconds()[i])).append(',').append(seconds(r.endSeconds()[i])).append(',')
                        .append(r.state()[i]).append(',').append(r.restarts()[i]).append(',').append(r.racks()[i]).append(',')
                        .append(r.pods()[i]).append('\n');
                out.write(b.toString());
            }
        } catch (IOException e) {
            throw new CliException(file + ": cannot write: " + e.getMessage());
        }
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.3f", s);
    }
}
