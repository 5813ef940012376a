package org.colossus.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.fleet.config.YamlNode;
import org.colossus.perf.JobSpeed;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;

/**
 * A simulation scenario (format: docs/simulator.md#scenario-files): the fleet, tenants and their reserved
 * capacity, workload sources, scheduler policies, failure model, duration and seed. Paths inside are relative to
 * the scenario file. Every problem names the key path and what was expected; nothing runs from a bad file.
 */
public record Scenario(String name, Fleet fleet, List<QueuePolicy> policies, Placement placement, Isolation isolation,
                       int backfillDepth, double preemptionGraceSeconds, int maxRestarts, int hotSpareDomainsPerPod,
                       FailureModel failures,
                       long seed, double durationSeconds, List<Simulation.ContractChange> contracts, Workload workload,
                       JobSpeed speed, SimBilling billing, List<Estimates> estimates) {

    public SchedulerConfig schedulerConfig(QueuePolicy policy) {
        return new SchedulerConfig(policy, placement, isolation, backfillDepth, preemptionGraceSeconds, maxRestarts,
                hotSpareDomainsPerPod);
    }

    public Simulation simulation(QueuePolicy policy) {
        return new Simulation(fleet, schedulerConfig(policy), failures, seed, durationSeconds, contracts, speed)
                .billed(billing).estimating(estimates.get(0));
    }

    public static Scenario load(Path file, Catalog catalog) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SimException(file + ": no such file");
        } catch (IOException e) {
            throw new SimException(file + ": cannot read: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        YamlNode root = YamlNode.parse(file.toString(), text, SimException::new)
                .allowOnly("name", "description", "fleet", "durationDays", "seed", "scheduler", "failures", "tenants",
                        "workloads", "billing");
        String name = root.get("name").name();
        YamlNode fleetNode = root.get("fleet");
        String fleetText = fleetNode.text();
        Fleet fleet;
        try {
            fleet = Fleets.resolve(fleetText.startsWith("uniform:") || !fleetText.contains("/") && !fleetText.endsWith(".yaml")
                    ? fleetText : base.resolve(fleetText).toString(), catalog);
        } catch (RuntimeException e) {
            throw fleetNode.fail(e.getMessage());
        }
        double duration = root.find("durationDays").map(n -> n.numberBetween(0.001, 3650) * 86400)
                .orElse(Double.POSITIVE_INFINITY);
        long seed = root.find("seed").map(n -> (long) n.intAtLeast(0)).orElse(1L);

        List<QueuePolicy> policies = new ArrayList<>(List.of(QueuePolicy.FAIR));
        Placement placement = Placement.named("topology");
        Isolation isolation = Isolation.DOMAIN;
        int backfillDepth = 1000;
        double grace = 300;
        int maxRestarts = 1000;
        int hotSpares = 0;
        List<Estimates> estimates = new ArrayList<>(List.of(Estimates.USER));
        if (root.has("scheduler")) {
            YamlNode s = root.get("scheduler").allowOnly("policies", "placement", "isolation", "backfillDepth",
                    "preemptionGraceSeconds", "maxRestarts", "hotSpareDomainsPerPod", "estimates");
            if (s.has("estimates")) {
                estimates.clear();
                for (YamlNode e : s.get("estimates").nonEmptyList()) {
                    estimates.add(parse(e, () -> Estimates.parse(e.text())));
                }
            }
            if (s.has("policies")) {
                policies.clear();
                for (YamlNode p : s.get("policies").nonEmptyList()) {
                    policies.add(parse(p, () -> QueuePolicy.parse(p.text())));
                }
            }
            if (s.has("placement")) {
                YamlNode p = s.get("placement");
                placement = parse(p, () -> Placement.named(p.text()));
            }
            if (s.has("isolation")) {
                YamlNode i = s.get("isolation");
                isolation = parse(i, () -> Isolation.parse(i.text()));
            }
            backfillDepth = s.find("backfillDepth").map(n -> n.intAtLeast(0)).orElse(backfillDepth);
            grace = s.find("preemptionGraceSeconds").map(n -> n.numberAtLeast(0)).orElse(grace);
            maxRestarts = s.find("maxRestarts").map(n -> n.intAtLeast(0)).orElse(maxRestarts);
            hotSpares = s.find("hotSpareDomainsPerPod").map(n -> n.intAtLeast(0)).orElse(0);
        }
        FailureModel failures = root.find("failures").map(Scenario::failures).orElse(FailureModel.OFF);

        List<Simulation.ContractChange> contracts = new ArrayList<>();
        List<String> tenantNames = new ArrayList<>();
        long reservedTotal = 0;
        for (YamlNode t : root.find("tenants").map(YamlNode::list).orElse(List.of())) {
            t.allowOnly("name", "reservedGpus", "fromDays", "toDays");
            YamlNode nameNode = t.get("name");
            String tenant = nameNode.name();
            if (tenantNames.contains(tenant)) {
                throw nameNode.fail("duplicate tenant name");
            }
            tenantNames.add(tenant);
            int reserved = t.find("reservedGpus").map(n -> n.intAtLeast(0)).orElse(0);
            reservedTotal += reserved;
            if (reservedTotal > fleet.gpuCount()) {
                throw t.get("reservedGpus").fail("reserved capacity of all tenants (" + reservedTotal
                        + " GPUs) exceeds the fleet's " + fleet.gpuCount() + " GPUs");
            }
            double from = t.find("fromDays").map(n -> n.numberAtLeast(0) * 86400).orElse(0.0);
            double to = t.find("toDays").map(n -> n.numberAtLeast(0) * 86400).orElse(Double.POSITIVE_INFINITY);
            if (to <= from) {
                throw t.get("toDays").fail("expected a contract end after its start (fromDays)");
            }
            if (reserved > 0) {
                contracts.add(new Simulation.ContractChange(from, tenant, reserved));
                if (!Double.isInfinite(to)) {
                    contracts.add(new Simulation.ContractChange(to, tenant, 0));
                }
            }
        }
        List<Workload> parts = new ArrayList<>();
        JobSpeed speed = new JobSpeed(fleet, catalog);
        for (YamlNode w : root.get("workloads").nonEmptyList()) {
            parts.add(workload(w, base, seed + parts.size(), duration, tenantNames, speed));
        }
        Workload workload = Workload.merge(name, parts);
        for (int i = 0; i < workload.size(); i++) {
            if (workload.gpus()[i] > fleet.gpuCount()) {
                throw new SimException(file + ": workloads: a job needs " + workload.gpus()[i] + " GPUs; the fleet has "
                        + fleet.gpuCount());
            }
        }
        SimBilling billing = root.find("billing").map(Scenario::billing).orElse(SimBilling.DEFAULT);
        return new Scenario(name, fleet, policies, placement, isolation, backfillDepth, grace, maxRestarts, hotSpares,
                failures, seed, duration, contracts, workload, speed, billing, List.copyOf(estimates));
    }

    private static SimBilling billing(YamlNode b) {
        b.allowOnly("start", "prices");
        long start = b.find("start").map(n -> parse(n, () -> {
            java.time.Instant t = java.time.Instant.parse(n.text());
            if (t.isBefore(java.time.Instant.parse("2000-01-01T00:00:00Z"))
                    || t.isAfter(java.time.Instant.parse("9000-01-01T00:00:00Z"))) {
                throw new SimException("expected a time from 2000 to 9000");
            }
            return t.toEpochMilli();
        })).orElse(SimBilling.DEFAULT.startMillis());
        java.util.Map<JobClass, java.math.BigDecimal> prices = new java.util.EnumMap<>(SimBilling.DEFAULT.pricePerGpuHour());
        b.find("prices").ifPresent(p -> {
            p.allowOnly("reserved", "on-demand", "preemptible");
            for (JobClass c : JobClass.values()) {
                p.find(c.key()).ifPresent(n -> prices.put(c, price(n)));
            }
        });
        return new SimBilling(start, prices);
    }

    private static java.math.BigDecimal price(YamlNode n) {
        java.math.BigDecimal v;
        try {
            v = new java.math.BigDecimal(n.text());
        } catch (NumberFormatException e) {
            throw n.fail("expected a price in USD per GPU-hour, e.g. 3.40");
        }
        if (v.signum() < 0 || v.compareTo(java.math.BigDecimal.valueOf(1000)) > 0 || v.scale() > 6) {
            throw n.fail("expected a price from 0 to 1000 USD per GPU-hour with at most 6 decimals");
        }
        return v;
    }

    private static <T> T parse(YamlNode node, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (RuntimeException e) {
            throw node.fail(e.getMessage());
        }
    }

    private static FailureModel failures(YamlNode f) {
        f.allowOnly("model", "interruptionsPerGpuHour", "meanRepairHours", "restartSeconds", "checkpointMinutes");
        YamlNode modelNode = f.get("model");
        String model = modelNode.text();
        if (model.equals("false")) {
            model = "off"; // YAML 1.1 reads a bare off as the boolean false
        }
        if (!model.equals("off") && !model.equals("default")) {
            throw modelNode.fail("expected off or default");
        }
        FailureModel d = FailureModel.DEFAULT;
        return new FailureModel(model.equals("default"),
                f.find("interruptionsPerGpuHour").map(n -> n.numberAtLeast(0)).orElse(d.interruptionsPerGpuHour()),
                f.find("meanRepairHours").map(n -> n.numberBetween(0.001, 10_000) * 3600).orElse(d.meanRepairSeconds()),
                f.find("restartSeconds").map(n -> n.numberAtLeast(0)).orElse(d.restartSeconds()),
                f.find("checkpointMinutes").map(n -> n.numberBetween(0.01, 100_000) * 60).orElse(d.checkpointIntervalSeconds()));
    }

    private static Workload workload(YamlNode w, Path base, long seed, double duration, List<String> tenants,
                                     JobSpeed speed) {
        w.allowOnly("trace", "synthetic", "jobClass", "timeScale", "tenant");
        if (w.has("trace") == w.has("synthetic")) {
            throw w.fail("expected exactly one of 'trace' (a file) or 'synthetic' (job streams)");
        }
        if (w.has("trace")) {
            YamlNode traceNode = w.get("trace");
            Workload trace;
            try {
                trace = WorkloadReader.read(base.resolve(traceNode.text()));
            } catch (SimException e) {
                throw traceNode.fail(e.getMessage());
            }
            double timeScale = w.find("timeScale").map(n -> n.numberBetween(1e-6, 1e6)).orElse(1.0);
            JobClass cls = w.find("jobClass").map(n -> parse(n, () -> JobClass.parse(n.text()))).orElse(null);
            String tenant = w.find("tenant").map(YamlNode::name).orElse(null);
            return TraceMapping.apply(trace, timeScale, cls, tenant, duration);
        }
        for (String key : List.of("jobClass", "timeScale", "tenant")) {
            if (w.has(key)) {
                throw w.get(key).fail("applies to a trace; a synthetic stream sets its own");
            }
        }
        return SyntheticWorkload.generate(w.get("synthetic"), seed, duration, tenants, speed);
    }
}
