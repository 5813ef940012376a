package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
    private static final String JOBS = "job_id,submit_time_s,num_gpus,duration_s\n"
            + "0,0.000,8,100\n1,1.000,16,50\n2,2.000,1,10\n3,3.000,8,20\n";

    @Test
    void flags_json_hasTheSummaryKeys(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("w.csv");
        Files.writeString(w, JOBS);
        ColossusCliTest.Result r = ColossusCliTest.run("simulate", "--fleet", "uniform:2x8", "--workload", w.toString(),
                "--policy", "fifo", "--placement", "first-fit", "--isolation", "none", "--failures", "off", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(r.out()).get("summary");
        for (String key : new String[] {"jobs", "makespanSeconds", "meanWaitSeconds", "p99WaitSeconds", "jobsWaited",
            "meanJctSeconds", "utilization"}) {
            assertThat(summary.has(key)).as(key).isTrue();
        }
        // 2 hosts: job 0 on host 0; job 1 needs both hosts and waits for job 0 (ends 100); strict FIFO holds 2 and 3
        assertThat(summary.get("jobs").asInt()).isEqualTo(4);
        assertThat(summary.get("makespanSeconds").asDouble()).isEqualTo(170.0);
        assertThat(summary.get("jobsWaited").asInt()).isEqualTo(3);
    }

    @Test
    void estimates_exactAndLimits_reportWhatTheGapCostsInTextJsonAndHtml(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("w.csv");
        Files.writeString(w, "job_id,submit_time_s,num_gpus,duration_s,time_limit_s\n1,0,8,100,100\n2,1,16,50,50\n"
                + "3,2,8,50,200\n");
        String[] base = {"simulate", "--fleet", "uniform:2x8", "--workload", w.toString(), "--policy", "backfill",
            "--placement", "first-fit", "--estimates", "exact,user"};
        ColossusCliTest.Result text = ColossusCliTest.run(base);
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("What estimates cost against exact run times").containsPattern(
                "backfill/user +\\+49\\.3 +\\+49\\.0");
        Path report = dir.resolve("r.html");
        String[] json = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.stream.Stream.of("--format", "json", "--report", report.toString())).toArray(String[]::new);
        ColossusCliTest.Result r = ColossusCliTest.run(json);
        JsonNode gaps = new ObjectMapper().readTree(r.out()).get("estimateGaps");
        assertThat(gaps).hasSize(1);
        assertThat(gaps.get(0).get("estimates").asText()).isEqualTo("user");
        assertThat(gaps.get(0).get("meanWaitCostSeconds").asDouble()).isBetween(49.3, 49.4);
        assertThat(Files.readString(report)).contains("What estimates cost against exact run times", "backfill/user",
                "+49 s");
    }

    @Test
    void jobsOut_sameSeed_isByteIdentical(@TempDir Path dir) throws Exception {
        Path scenario = dir.resolve("s.yaml");
        Files.writeString(scenario, """
                name: small
                fleet: colossus2
                durationDays: 2
                seed: 5
                scheduler: {policies: [fair, backfill], placement: topology, isolation: domain}
                failures: {model: default, interruptionsPerGpuHour: 0.001}
                tenants:
                  - {name: a, reservedGpus: 20000}
                  - {name: b, reservedGpus: 4096, fromDays: 0.5, toDays: 1.5}
                workloads:
                  - synthetic:
                      - {tenant: a, class: reserved, count: 1, gpus: 16384, durationHours: 30}
                      - {tenant: a, class: reserved, perDay: 200, gpus: [8, 512], durationHours: [0.5, 6]}
                      - {tenant: b, class: preemptible, perDay: 400, gpus: [4, 256], durationHours: [0.5, 6]}
                      - {tenant: a, class: reserved, perDay: 20, gpus: [64, 256], model: llama3-8b, tokens: 5B}
                """);
        Path out1 = dir.resolve("jobs1.csv");
        Path out2 = dir.resolve("jobs2.csv");
        Path report = dir.resolve("report.html");
        ColossusCliTest.Result a = ColossusCliTest.run("simulate", scenario.toString(), "--jobs-out", out1.toString(),
                "--format", "json", "--report", report.toString());
        ColossusCliTest.Result b = ColossusCliTest.run("simulate", scenario.toString(), "--jobs-out", out2.toString(),
                "--format", "json");
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(Files.readAllBytes(out1)).isEqualTo(Files.readAllBytes(out2));
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(Files.readAllLines(out1).get(0)).isEqualTo("job_id,tenant,class,gpus,submit_s,start_s,end_s,state,restarts,racks,pods");
        JsonNode doc = new ObjectMapper().readTree(a.out());
        assertThat(doc.get("runs")).hasSize(2);
        assertThat(doc.get("runs").get(0).get("summary").get("isolationViolations").asLong()).isZero();
        String html = Files.readString(report);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("Wait-time CDF per tenant")
                .doesNotContain("https://").doesNotContainPattern("(src|href|from) *=? *[\"']https?:");
        // The time plots are drawn by the console's own plot module, embedded byte for byte.
        byte[] module;
        try (var in = HtmlReport.class.getResourceAsStream(HtmlReport.TIMESERIES_JS)) {
            module = in.readAllBytes();
        }
        assertThat(html).contains("data:text/javascript;base64," + java.util.Base64.getEncoder().encodeToString(module))
                .contains("data-chart=\"chart-0\"").contains("<noscript>");
    }

    @Test
    void scenario_billing_revenueFromTheLedgerMatchesCommitmentsAndHeldGpuHours(@TempDir Path dir) throws Exception {
        Path scenario = dir.resolve("s.yaml");
        Files.writeString(scenario, """
                name: billed
                fleet: colossus2
                durationDays: 2
                seed: 3
                scheduler: {policies: [fair], placement: topology, isolation: domain}
                billing: {start: 2026-11-30T00:00:00Z, prices: {reserved: 2.5, on-demand: 4.125, preemptible: 1.75}}
                tenants:
                  - {name: a, reservedGpus: 20000}
                  - {name: b, reservedGpus: 4096, fromDays: 0.5, toDays: 1.5}
                workloads:
                  - synthetic:
                      - {tenant: a, class: reserved, perDay: 200, gpus: [8, 512], durationHours: [0.5, 6]}
                      - {tenant: a, class: on-demand, perDay: 100, gpus: [8, 256], durationHours: [0.5, 6]}
                      - {tenant: b, class: preemptible, perDay: 400, gpus: [4, 256], durationHours: [0.5, 6]}
                """);
        Path report = dir.resolve("r.html");
        ColossusCliTest.Result r = ColossusCliTest.run("simulate", scenario.toString(), "--format", "json",
                "--report", report.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode run = new ObjectMapper().readTree(r.out()).get("runs").get(0);
        JsonNode rev = run.get("revenue");
        assertThat(rev.get("start").asText()).isEqualTo("2026-11-30T00:00:00Z");
        JsonNode a = rev.get("tenants").get(0);
        JsonNode b = rev.get("tenants").get(1);
        // Take-or-pay over two months (30 November, 1 December): 20,000 GPUs × 48 h × 2.5; b's 4,096 × 24 h × 2.5
        assertThat(a.get("reserved").asText()).isEqualTo("2400000.00");
        assertThat(b.get("reserved").asText()).isEqualTo("245760.00");
        // Usage lines bill the GPU-hours the simulation allocated, each month's line rounded to the cent.
        double onDemandHours = run.get("byClass").get("on-demand").get("gpuHours").asDouble();
        double preemptibleHours = run.get("byClass").get("preemptible").get("gpuHours").asDouble();
        assertThat(a.get("onDemand").asDouble()).isCloseTo(onDemandHours * 4.125, org.assertj.core.data.Offset.offset(0.5));
        assertThat(b.get("preemptible").asDouble()).isCloseTo(preemptibleHours * 1.75,
                org.assertj.core.data.Offset.offset(0.5));
        assertThat(rev.get("total").get("total").asDouble()).isPositive();
        assertThat(Double.parseDouble(rev.get("total").get("kwh").asText())).isPositive();
        assertThat(Files.readString(report)).contains("Billed over time").contains("Facility energy over time");

        Files.writeString(scenario, Files.readString(scenario).replace("preemptible: 1.75", "preemptible: cheap"));
        ColossusCliTest.Result bad = ColossusCliTest.run("simulate", scenario.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("billing.prices.preemptible").contains("expected a price in USD per GPU-hour");
    }

    @Test
    void text_reportsPerTenantAndClass(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("w.csv");
        Files.writeString(w, JOBS);
        ColossusCliTest.Result r = ColossusCliTest.run("simulate", "--fleet", "uniform:2x8", "--workload", w.toString(),
                "--policy", "fifo,backfill");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^fifo +170\\.000").containsPattern("(?m)^backfill ")
                .contains("isolation verified (0 violations)").contains("tenant").contains("class");
    }

    @Test
    void badScenario_namesKeyPathAndRunsNothing(@TempDir Path dir) throws Exception {
        Path scenario = dir.resolve("bad.yaml");
        Files.writeString(scenario, """
                name: bad
                fleet: colossus2
                scheduler: {policies: [fifo], placment: topology}
                workloads:
                  - synthetic:
                      - {tenant: a, class: reserved, count: 1, gpus: 8, durationHours: 1}
                """);
        ColossusCliTest.Result r = ColossusCliTest.run("simulate", scenario.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: " + scenario + ": scheduler.placment: unknown key; expected one of:"
                + " policies, placement, isolation");
        Files.writeString(scenario, """
                name: bad
                fleet: colossus2
                tenants: [{name: a, reservedGpus: 200000}]
                workloads:
                  - synthetic:
                      - {tenant: a, class: reserved, count: 1, gpus: 8, durationHours: 1}
                """);
        ColossusCliTest.Result over = ColossusCliTest.run("simulate", scenario.toString());
        assertThat(over.err()).contains("tenants[0].reservedGpus = 200000: reserved capacity of all tenants (200000 GPUs)"
                + " exceeds the fleet's 110592 GPUs");
        Files.writeString(scenario, """
                name: bad
                fleet: colossus2
                workloads:
                  - synthetic:
                      - {tenant: a, class: golden, count: 1, gpus: 8, durationHours: 1}
                """);
        ColossusCliTest.Result cls = ColossusCliTest.run("simulate", scenario.toString());
        assertThat(cls.err()).contains("workloads[0].synthetic[0].class = 'golden': unknown job class 'golden'; expected"
                + " one of: reserved, on-demand, preemptible");
    }

    @Test
    void flags_missingWorkload_isAUsageError() {
        ColossusCliTest.Result r = ColossusCliTest.run("simulate", "--fleet", "uniform:2x8");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("give a SCENARIO.yaml, or both --fleet and --workload");
        ColossusCliTest.Result p = ColossusCliTest.run("simulate", "--fleet", "uniform:2x8", "--workload", "x.csv",
                "--policy", "lottery");
        assertThat(p.err()).contains("unknown policy 'lottery'; expected one of: fifo, backfill, fair");
    }
}
