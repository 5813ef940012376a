package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColossusCliTest {
    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Colossus.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void fleetShow_colossus2_printsTopologyComputeMemoryNetworkAndPower() {
        Result r = run("fleet", "show", "colossus2");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("Fleet colossus2")
                .containsPattern("GPUs\\s+110,592\\s+110,592 x GB200")
                .containsPattern("Nodes\\s+27,648")
                .containsPattern("NVLink domains\\s+1,536\\s+1,536 of 72 GPUs")
                .containsPattern("Racks\\s+1,536")
                .containsPattern("Pods\\s+16\\s+network pods .* in 2 data halls")
                .containsPattern("BF16\\s+276,480.0\\s+PFLOPS")
                .containsPattern("FP4\\s+1,105,920.0\\s+PFLOPS")
                .containsPattern("HBM\\s+20,570.1\\s+TB")
                .containsPattern("Scale-out\\s+44,236.8\\s+Tb/s")
                .containsPattern("IT power\\s+202.7\\s+MW")
                .containsPattern("Facility\\s+233.1\\s+MW at PUE 1.15");
    }

    @Test
    void fleetShow_colossus1_hasNoFp4Row() {
        Result r = run("fleet", "show", "colossus1");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("GPUs\\s+100,352\\s+100,352 x H100 SXM5 80GB")
                .containsPattern("BF16\\s+99,248.1").doesNotContain("FP4");
    }

    @Test
    void fleetShow_jsonFormat_hasStableFieldNamesWithUnits() throws Exception {
        Result r = run("fleet", "show", "colossus2", "--format", "json");
        assertThat(r.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("name").asText()).isEqualTo("colossus2");
        assertThat(json.get("gpus").asInt()).isEqualTo(110_592);
        assertThat(json.get("nvlinkDomains").asInt()).isEqualTo(1_536);
        assertThat(json.get("peakDensePflops").get("bf16").asDouble()).isEqualTo(276_480.0);
        assertThat(json.get("itPowerMW").asDouble()).isEqualTo(202.66);
        assertThat(json.get("hbmTotalTB").asDouble()).isEqualTo(20_570.1);
        assertThat(json.get("gpusByModel").get(0).get("model").asText()).isEqualTo("gb200");
        assertThat(json.get("powerSources").get(2).get("energyMWh").asDouble()).isEqualTo(600.0);
        assertThat(r.out()).as("field order is the record's").containsSubsequence("\"name\"", "\"gpus\"", "\"nodes\"",
                "\"racks\"", "\"pods\"", "\"peakDensePflops\"", "\"itPowerMW\"", "\"facilityPowerMW\"");
    }

    @Test
    void fleetShow_userFile_isSummarized(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-fleet.yaml");
        Files.writeString(file, """
                name: my-fleet
                facility: {powerCapacity: 2 MW, pue: 1.3}
                pods:
                  - count: 2
                    racks:
                      - {count: 3, nodeType: hgx-b200, nodesPerRack: 4}
                """);
        Result r = run("fleet", "show", file.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Fleet my-fleet").containsPattern("GPUs\\s+192\\s+192 x B200")
                .containsPattern("Racks\\s+6");
    }

    @Test
    void fleetShow_invalidFile_printsOneLineErrorAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                facility: {powerCapacity: 2 MW, pue: 1.3}
                pods:
                  - count: 1
                    racks:
                      - {count: 1, nodeType: gb200-nvl72-tray, gpusPerRack: 73}
                """);
        Result r = run("fleet", "show", file.toString());
        assertThat(r.exitCode()).isEqualTo(Colossus.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: " + file + ": pods[0].racks[0].gpusPerRack = 73: expected a whole number"
                + " of NVLink domains of node type gb200-nvl72-tray (72 GPUs each)" + System.lineSeparator());
    }

    @Test
    void fleetShow_unknownFleet_namesPresetsWithoutStackTrace() {
        Result r = run("fleet", "show", "no-such-fleet.yaml");
        assertThat(r.exitCode()).isEqualTo(Colossus.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("error: 'no-such-fleet.yaml' is neither a preset (colossus1, colossus2)")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void fleetShow_verbose_addsStackTrace() {
        Result r = run("--verbose", "fleet", "show", "no-such-fleet.yaml");
        assertThat(r.exitCode()).isEqualTo(Colossus.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("FleetException").contains("\tat ");
    }

    @Test
    void fleetShow_badFormat_isAUsageError() {
        Result r = run("fleet", "show", "colossus1", "--format", "xml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--format'").contains("text, json");
    }

    @Test
    void help_topLevelAndSubcommands_describeEveryCommand() {
        Result top = run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("Usage: colossus").contains("fleet").contains("--verbose");
        Result fleet = run("fleet", "--help");
        assertThat(fleet.out()).contains("show").contains("presets").contains("catalog");
        Result show = run("fleet", "show", "--help");
        assertThat(show.out()).contains("FLEET").contains("--format").contains("docs/fleet-format.md");
    }

    @Test
    void commandLine_builtForTheNamedCommandOnly_helpAndMistakesStillSeeEveryCommand() {
        Result top = run("--help");
        for (Class<?> c : Colossus.COMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            assertThat(top.out()).as(name).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(name) + "\\b");
        }
        assertThat(run("help", "audit").out()).contains("Usage: colossus audit").contains("verify");
        Result typo = run("audti", "verify");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("Did you mean: colossus audit?");
        Result verbose = run("--verbose", "plan", "estimate", "--help");
        assertThat(verbose.exitCode()).isZero();
        assertThat(verbose.out()).contains("Usage: colossus plan estimate");
    }

    /** Admission flags out of range: one line naming the flag, and no server starts (nothing is written). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--max-queued-jobs, -1", "--submit-rate, 0", "--submit-burst, 1000001", "--request-rate, 0",
        "--request-burst, -5", "--max-queued-jobs-total, 10000001"})
    void serve_admissionFlagOutOfRange_namesTheFlag(String flag, String value, @TempDir Path dir) {
        Result r = run("serve", "--data-dir", dir.resolve("data").toString(), "--port", "0", flag, value);
        assertThat(r.exitCode()).isEqualTo(Colossus.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).startsWith("error: " + flag + " " + value + ": expected ").doesNotContain("\n");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void fleetCatalog_listsEveryGpuWithSources() {
        Result r = run("fleet", "catalog", "--sources");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("a100-sxm-80gb", "h100-sxm-80gb", "h200-sxm-141gb", "b200", "gb200", "gb300",
                "gb200-nvl72-tray").contains("nvidia.com/en-us/data-center/h100/");
        Result json = run("fleet", "catalog", "--format", "json");
        assertThat(json.out()).contains("\"bf16\" : 989.0");
    }

    @Test
    void fleetPresets_listsBoth() {
        Result r = run("fleet", "presets");
        assertThat(r.out()).contains("colossus1").contains("colossus2");
    }
}
