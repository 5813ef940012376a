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
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.sim.Estimates;
import org.colossus.sim.Scenario;
import org.colossus.sim.SimResult;
import org.colossus.sim.Simulation;
import org.colossus.sim.Workload;
import org.colossus.sim.WorkloadReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colossus simulate}: replay a workload on a fleet through the scheduler core, on a virtual clock. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Replay a scenario (or a workload given by flags) on a fleet through the scheduler core and report"
                + " utilization, goodput, waits, completion times, preemptions, failures and isolation"
                + " (docs/simulator.md).",
                "Examples:",
                "  colossus simulate scenarios/colossus2-month.yaml --report month.html",
                "  colossus simulate --fleet uniform:12500x8 --workload data/bench/fifo-reference/wl_h12500_j100000.csv.gz"
                        + " --policy fifo --placement first-fit --isolation none --failures off"})
final class SimulateCommand implements Runnable {
    @Parameters(arity = "0..1", paramLabel = "SCENARIO.yaml", description = "Scenario file; omit to give everything by flags.")
    Path scenarioFile;

    @Option(names = "--fleet", paramLabel = "PRESET|FILE|uniform:HxG",
            description = "Without a scenario: a preset (colossus1, colossus2), a fleet file, or uniform:HOSTSxGPUS.")
    String fleet;

    @Option(names = "--workload", paramLabel = "FILE",
            description = "Without a scenario: a jobs CSV (job_id,submit_time_s,num_gpus,duration_s) or the Philly trace, gzipped or not.")
    Path workload;

    @Option(names = "--policy", split = ",", paramLabel = "P[,P...]",
            description = "Queue policies, comma-separated to compare side by side: fifo, backfill, fair (default: the"
                    + " scenario's, or fifo).")
    List<String> policies;

    @Option(names = "--estimates", split = ",", paramLabel = "E[,E...]",
            description = "What the scheduler plans run times with: user (default: each job's time limit, a jobs"
                    + " CSV's time_limit_s, else its duration; a job is stopped at its limit), exact (the actual run time:"
                    + " foresight), modeled (users' limits from a model where the workload has none: round values, mostly"
                    + " several-fold over), predictor (the mean of the tenant's last two run times, capped by the limit);"
                    + " several are compared side by side (docs/simulator.md).")
    List<String> estimates;

    /** The --estimates flag's, else the scenario's ({@code scheduler.estimates}), else the jobs' own limits. */
    private List<Estimates> estimateList(List<Estimates> scenario) {
        return estimates != null ? estimates.stream().map(Estimates::parse).toList() : scenario;
    }

    /** One run per policy and estimate source, in that order; the policies list matches the runs. */
    private static void expand(List<Simulation> runs, List<QueuePolicy> policiesOut, QueuePolicy p, Simulation base,
                               List<Estimates> estimates) {
        for (Estimates e : estimates) {
            runs.add(base.estimating(e));
            policiesOut.add(p);
        }
    }

    @Option(names = "--placement", description = "first-fit, best-fit or topology (default: the scenario's, or first-fit).")
    String placement;

    @Option(names = "--isolation", description = "Unit tenants never share: none, node, domain, rack, pod (default: the"
            + " scenario's, or none).")
    String isolation;

    @Option(names = "--failures", description = "off, or default (1.97e-5 interruptions per GPU-hour, from Llama 3 405B)"
            + " (default: the scenario's, or off).")
    String failures;

    @Option(names = "--seed", description = "Seed of the failure process and synthetic workloads (default: the scenario's, or 1).")
    Long seed;

    @picocli.CommandLine.Mixin
    FormatOption output;

    @Option(names = "--jobs-out", paramLabel = "FILE.csv", description = "Write one row per job of the first policy's run.")
    Path jobsOut;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write a self-contained HTML report with plots.")
    Path report;

    @Spec
    CommandSpec spec;

    private record Plan(String name, Fleet fleet, Workload workload, List<QueuePolicy> policies, List<Simulation> runs) {
    }

    @Override
    public void run() {
        Plan plan = scenarioFile != null ? fromScenario() : fromFlags();
        boolean tty = System.console() != null && !output.json();
        List<SimResult> results = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        for (int i = 0; i < plan.runs().size(); i++) {
            QueuePolicy policy = plan.policies().get(i);
            long start = System.nanoTime();
            long[] last = {start};
            SimResult r = plan.runs().get(i).run(plan.workload(), t -> {
                if (tty && System.nanoTime() - last[0] > 1e9) {
                    last[0] = System.nanoTime();
                    spec.commandLine().getErr().printf(Locale.ROOT, "\r%s: simulated %.1f days (%.0f s elapsed)   ",
                            policy.key(), t / 86400, (System.nanoTime() - start) / 1e9);
                    spec.commandLine().getErr().flush();
                }
            });
            if (tty) {
                spec.commandLine().getErr().print("\r" + " ".repeat(60) + "\r");
            }
            wall.add((System.nanoTime() - start) / 1e9);
            results.add(r);
        }
        if (jobsOut != null) {
            writeJobs(jobsOut, results.get(0));
        }
        if (report != null) {
            try {
                Files.writeString(report, HtmlReport.render(plan.name(), plan.fleet(), results), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(report + ": cannot write: " + e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (SimResult r : results) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("policy", r.policy());
                run.put("placement", r.placement());
                run.put("isolation", r.isolation());
                run.put("summary", r.summary());
                run.put("byTenant", r.byTenant());
                run.put("byClass", r.byClass());
                if (r.revenue() != null) {
                    run.put("revenue", r.revenue());
                }
                runs.add(run);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("scenario", plan.name());
            doc.put("fleet", plan.fleet().name());
            doc.put("jobs", plan.workload().size());
            doc.put("summary", results.get(0).summary());
            doc.put("runs", runs);
            List<org.colossus.sim.EstimateGaps.Row> gaps = org.colossus.sim.EstimateGaps.of(results);
            if (!gaps.isEmpty()) {
                doc.put("estimateGaps", gaps);
            }
            out.println(Json.write(doc));
            return;
        }
        out.println(SimText.render(plan.name(), plan.fleet(), plan.workload(), results, wall));
    }

    private Plan fromScenario() {
        if (fleet != null || workload != null) {
            throw new CliException("--fleet and --workload replace a scenario; give either a SCENARIO.yaml or both flags, not both");
        }
        Scenario s = Scenario.load(scenarioFile, Catalog.standard());
        List<QueuePolicy> policyList = policies == null ? s.policies() : policies.stream().map(QueuePolicy::parse).toList();
        Placement place = placement == null ? s.placement() : Placement.named(placement);
        Isolation iso = isolation == null ? s.isolation() : Isolation.parse(isolation);
        FailureModel failureModel = failures == null ? s.failures() : failureModel(failures);
        long runSeed = seed == null ? s.seed() : seed;
        List<Simulation> runs = new ArrayList<>();
        List<QueuePolicy> perRun = new ArrayList<>();
        for (QueuePolicy p : policyList) {
            expand(runs, perRun, p, new Simulation(s.fleet(), new SchedulerConfig(p, place, iso, s.backfillDepth(),
                    s.preemptionGraceSeconds(), s.maxRestarts(), s.hotSpareDomainsPerPod()), failureModel, runSeed,
                    s.durationSeconds(), s.contracts(),
                    s.speed()).billed(s.billing()), estimateList(s.estimates()));
        }
        return new Plan(s.name(), s.fleet(), s.workload(), perRun, runs);
    }

    private Plan fromFlags() {
        if (fleet == null || workload == null) {
            throw new CliException("give a SCENARIO.yaml, or both --fleet and --workload");
        }
        List<QueuePolicy> policyList = policies == null ? List.of(QueuePolicy.FIFO)
                : policies.stream().map(QueuePolicy::parse).toList();
        Placement place = Placement.named(placement == null ? "first-fit" : placement);
        Isolation iso = Isolation.parse(isolation == null ? "none" : isolation);
        FailureModel failureModel = failureModel(failures == null ? "off" : failures);
        Fleet f = FleetCommand.resolve("--fleet", fleet);
        Workload w = WorkloadReader.read(workload);
        List<Simulation> runs = new ArrayList<>();
        List<QueuePolicy> perRun = new ArrayList<>();
        for (QueuePolicy p : policyList) {
            expand(runs, perRun, p, new Simulation(f, SchedulerConfig.of(p, place, iso), failureModel,
                    seed == null ? 1 : seed, Double.POSITIVE_INFINITY, List.of()), estimateList(List.of(Estimates.USER)));
        }
        return new Plan(w.name(), f, w, perRun, runs);
    }

    private static FailureModel failureModel(String text) {
        return switch (text) {
            case "off" -> FailureModel.OFF;
            case "default" -> FailureModel.DEFAULT;
            default -> throw new CliException("--failures '" + text + "': expected off or default");
        };
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
                        .append(r.state()[i]).append(',').append(r.restarts()[i]).append(',').append(r.racks()[i])
                        .append(',').append(r.pods()[i]).append('\n');
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
