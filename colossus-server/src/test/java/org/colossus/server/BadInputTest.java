package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a 4xx problem document naming the field, and the journal does not move. */
class BadInputTest extends OneTenantServer {
    private static final String JOB = "{\"name\":\"run\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"on-demand\","
            + "\"durationSeconds\":3600}";

    static Stream<Arguments> badJobs() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"name\":\"run\",", 400, "body"),
                Arguments.of("not an object", "[1,2]", 400, "body"),
                Arguments.of("empty body", "", 400, "body"),
                Arguments.of("trailing garbage", JOB + " x", 400, "body"),
                Arguments.of("unknown field", JOB.replace("}", ",\"gpuCount\":8}"), 400, "gpuCount"),
                Arguments.of("duplicate field", JOB.replace("}", ",\"gpus\":16}"), 400, "body"),
                Arguments.of("string for a number", JOB.replace("\"gpus\":8", "\"gpus\":\"8\""), 400, "gpus"),
                Arguments.of("fraction for a count", JOB.replace("\"gpus\":8", "\"gpus\":8.5"), 400, "gpus"),
                Arguments.of("number for a string", JOB.replace("\"name\":\"run\"", "\"name\":7"), 400, "name"),
                Arguments.of("object for a string", JOB.replace("\"name\":\"run\"", "\"name\":{}"), 400, "name"),
                Arguments.of("negative GPUs", JOB.replace("\"gpus\":8", "\"gpus\":-8"), 422, "gpus"),
                Arguments.of("zero GPUs", JOB.replace("\"gpus\":8", "\"gpus\":0"), 422, "gpus"),
                Arguments.of("absurd GPUs", JOB.replace("\"gpus\":8", "\"gpus\":2000000000"), 422, "gpus"),
                Arguments.of("GPUs over int", JOB.replace("\"gpus\":8", "\"gpus\":99999999999"), 400, "gpus"),
                Arguments.of("GPUs beyond the fleet", JOB.replace("\"gpus\":8", "\"gpus\":4096"), 422, "gpus"),
                Arguments.of("missing GPUs", JOB.replace("\"gpus\":8,", ""), 422, "gpus"),
                Arguments.of("name too long", JOB.replace("\"name\":\"run\"", "\"name\":\"" + "x".repeat(129) + "\""), 422, "name"),
                Arguments.of("control character", JOB.replace("\"name\":\"run\"", "\"name\":\"a\\u0000b\""), 422, "name"),
                Arguments.of("lone surrogate", JOB.replace("\"name\":\"run\"", "\"name\":\"a\\ud800b\""), 422, "name"),
                Arguments.of("right-to-left override", JOB.replace("\"name\":\"run\"", "\"name\":\"run\\u202egpj.exe\""), 422, "name"),
                Arguments.of("line separator", JOB.replace("\"name\":\"run\"", "\"name\":\"run\\u2028b\""), 422, "name"),
                Arguments.of("zero-width space", JOB.replace("\"name\":\"run\"", "\"name\":\"r\\u200bun\""), 422, "name"),
                Arguments.of("bidi isolate", JOB.replace("\"name\":\"run\"", "\"name\":\"\\u2067run\""), 422, "name"),
                Arguments.of("unknown class", JOB.replace("on-demand", "free"), 422, "class"),
                Arguments.of("unknown GPU", JOB.replace("H100", "TPUv5"), 422, "gpuModel"),
                Arguments.of("GPU not in this fleet", JOB.replace("H100", "GB200"), 422, "gpuModel"),
                Arguments.of("negative duration", JOB.replace("3600", "-1"), 422, "durationSeconds"),
                Arguments.of("duration and model", JOB.replace("}", ",\"model\":\"llama3-8b\",\"tokens\":\"1B\"}"), 422, "durationSeconds"),
                Arguments.of("no duration or model", JOB.replace(",\"durationSeconds\":3600", ""), 422, "durationSeconds"),
                Arguments.of("unknown model", JOB.replace("\"durationSeconds\":3600", "\"model\":\"gpt-9\",\"tokens\":\"1B\""), 422, "model"),
                Arguments.of("bad tokens", JOB.replace("\"durationSeconds\":3600", "\"model\":\"llama3-8b\",\"tokens\":\"lots\""), 422, "tokens"),
                Arguments.of("priority out of range", JOB.replace("}", ",\"priority\":5000}"), 422, "priority"),
                Arguments.of("negative max racks", JOB.replace("}", ",\"constraints\":{\"maxRacks\":-1}}"), 422, "constraints.maxRacks"),
                Arguments.of("unknown constraint", JOB.replace("}", ",\"constraints\":{\"samePod\":true}}"), 400, "constraints.samePod"),
                Arguments.of("string for a boolean", JOB.replace("}", ",\"constraints\":{\"withinPod\":\"yes\"}}"), 400, "constraints.withinPod"),
                Arguments.of("confidential as a string", JOB.replace("}", ",\"confidential\":\"yes\"}"), 400, "confidential"),
                Arguments.of("confidential on a GPU without CC", JOB.replace("H100", "A100").replace("}",
                        ",\"confidential\":true}"), 422, "confidential"),
                run("command and script", "\"command\":[\"true\"],\"script\":\"#!/bin/sh\\n\"", 422, "script"),
                run("empty command", "\"command\":[]", 422, "command"),
                run("257 arguments", "\"command\":[" + "\"a\",".repeat(256) + "\"a\"]", 422, "command"),
                run("argument of 4097 characters", "\"command\":[\"echo\",\"" + "a".repeat(4097) + "\"]", 422, "command[1]"),
                run("65 KiB of arguments", "\"command\":[" + ("\"" + "a".repeat(4000) + "\",").repeat(17) + "\"a\"]",
                        422, "command"),
                run("empty program", "\"command\":[\"\",\"x\"]", 422, "command[0]"),
                run("null argument", "\"command\":[\"true\",null]", 422, "command[1]"),
                run("NUL in an argument", "\"command\":[\"a\\u0000b\"]", 422, "command[0]"),
                run("escape in an argument", "\"command\":[\"echo\",\"\\u001b[31m\"]", 422, "command[1]"),
                run("command not a list", "\"command\":\"true\"", 400, "command"),
                run("script without #!", "\"script\":\"echo hi\\n\"", 422, "script"),
                run("script of 512 KiB and one byte", "\"script\":\"#!" + "x".repeat(512 * 1024 - 1) + "\"", 422, "script"),
                run("escape in a script", "\"script\":\"#!/bin/sh\\necho \\u001b[31m\\n\"", 422, "script"),
                run("env without a command", "\"env\":{\"A\":\"b\"}", 422, "command"),
                run("129 variables", "\"command\":[\"true\"],\"env\":{" + java.util.stream.IntStream.range(0, 129)
                        .mapToObj(i -> "\"V" + i + "\":\"x\"").collect(java.util.stream.Collectors.joining(",")) + "}", 422, "env"),
                run("variable name with a dash", "\"command\":[\"true\"],\"env\":{\"A-B\":\"x\"}", 422, "env"),
                run("variable name of 129 characters", "\"command\":[\"true\"],\"env\":{\"" + "A".repeat(129)
                        + "\":\"x\"}", 422, "env"),
                run("variable name starting with a digit", "\"command\":[\"true\"],\"env\":{\"1A\":\"x\"}", 422, "env"),
                run("the data plane's variable", "\"command\":[\"true\"],\"env\":{\"COLOSSUS_JOB_ID\":\"7\"}", 422,
                        "env.COLOSSUS_JOB_ID"),
                run("Slurm's variable", "\"command\":[\"true\"],\"env\":{\"SLURM_NODELIST\":\"gpu08\"}", 422,
                        "env.SLURM_NODELIST"),
                run("value of 32 KiB and one", "\"command\":[\"true\"],\"env\":{\"A\":\"" + "x".repeat(32 * 1024 + 1)
                        + "\"}", 422, "env.A"),
                run("newline in a value", "\"command\":[\"true\"],\"env\":{\"A\":\"x\\ny\"}", 422, "env.A"),
                run("null value", "\"command\":[\"true\"],\"env\":{\"A\":null}", 422, "env.A"),
                run("env not an object", "\"command\":[\"true\"],\"env\":[\"A=b\"]", 400, "env"),
                run("relative workdir", "\"command\":[\"true\"],\"workdir\":\"work\"", 422, "workdir"),
                run("workdir with ..", "\"command\":[\"true\"],\"workdir\":\"/tmp/../etc\"", 422, "workdir"),
                run("workdir with .", "\"command\":[\"true\"],\"workdir\":\"/tmp/./x\"", 422, "workdir"),
                run("workdir of 1025 characters", "\"command\":[\"true\"],\"workdir\":\"/" + "w".repeat(1024) + "\"",
                        422, "workdir"),
                run("empty workdir", "\"command\":[\"true\"],\"workdir\":\"\"", 422, "workdir"),
                run("tab in workdir", "\"command\":[\"true\"],\"workdir\":\"/a\\tb\"", 422, "workdir"));
    }

    /** The job with what it runs (issue 17) added. */
    private static Arguments run(String what, String fields, int status, String field) {
        return Arguments.of(what, JOB.replace("}", "," + fields + "}"), status, field);
    }

    @org.junit.jupiter.api.Test
    void submitJob_runFieldsAtTheirLimits_areAcceptedAndJournaledAsGiven() {
        String script = "#!" + "x".repeat(512 * 1024 - 2);
        String vars = java.util.stream.IntStream.range(0, 128).mapToObj(i -> "\"V" + i + "\":\"" + (i == 0
                ? "v".repeat(32 * 1024) : "a\\tb") + "\"").collect(java.util.stream.Collectors.joining(","));
        String workdir = "/" + "w".repeat(1023);
        for (String fields : java.util.List.of(
                "\"script\":\"" + script + "\",\"env\":{" + vars + "},\"workdir\":\"" + workdir + "\"",
                "\"command\":[" + "\"a\",".repeat(255) + "\"a\"],\"workdir\":\"/\"",
                "\"command\":[\"echo\",\"" + "a".repeat(4096) + "\",\"\"]",
                "\"command\":[\"/bin/sh\",\"-c\",\"echo 'it''s' \\\"$HOME\\\" `id` \\u00e9\"]")) {
            long seq = server.store().lastSeq();
            Api.Response r = api.post("/api/v1/jobs", tenant, JOB.replace("}", "," + fields + "}"));
            assertThat(r.status()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(201);
            java.util.List<String> journaled = new java.util.ArrayList<>();
            server.store().readAfter(seq, e -> {
                if (e.type().equals("job.submitted")) {
                    journaled.add(e.payload());
                }
            });
            org.colossus.server.journal.Payload.JobSubmitted j = org.colossus.server.journal.Canonical.read(
                    journaled.get(0), org.colossus.server.journal.Payload.JobSubmitted.class);
            com.fasterxml.jackson.databind.JsonNode sent = Api.JSON.valueToTree(
                    api.post("/api/v1/jobs", tenant, JOB).json()); // another job: the limits are per field, not per tenant
            assertThat(sent.get("id").asLong()).isGreaterThan(j.id());
            com.fasterxml.jackson.databind.JsonNode body;
            try {
                body = Api.JSON.readTree(JOB.replace("}", "," + fields + "}"));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            if (body.has("script")) {
                assertThat(j.run().script()).isEqualTo(body.get("script").asText());
                assertThat(j.run().env()).hasSize(128);
            } else {
                assertThat(j.run().command()).hasSize(body.get("command").size());
                assertThat(j.run().command().get(j.run().command().size() - 1))
                        .isEqualTo(body.get("command").get(body.get("command").size() - 1).asText());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJobs")
    void submitJob_badInput_isProblemAndJournalUntouched(String what, String body, int status, String field) {
        long seq = server.engine().committedSeq();
        long count = server.store().lastSeq();
        Api.Response r = api.post("/api/v1/jobs", tenant, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(p.get("field").asText()).isEqualTo(field);
        assertThat(p.get("instance").asText()).isEqualTo("/api/v1/jobs");
        assertThat(server.engine().committedSeq()).isEqualTo(seq);
        assertThat(server.store().lastSeq()).isEqualTo(count);
    }

    @org.junit.jupiter.api.Test
    void submitJob_bodyOverOneMebibyte_is413AndJournalUntouched() {
        long seq = server.store().lastSeq();
        String huge = JOB.replace("\"name\":\"run\"", "\"name\":\"" + "x".repeat(1 << 20) + "\"");
        Api.Response r = api.post("/api/v1/jobs", tenant, huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }

    @org.junit.jupiter.api.Test
    void submitJob_wrongContentType_is415() {
        long seq = server.store().lastSeq();
        Api.Response r = api.send("POST", "/api/v1/jobs", tenant, JOB, "text/plain");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().get("field").asText()).isEqualTo("Content-Type");
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }

    /** Security review: error bodies named the Java classes that parsed them (org.colossus...Bodies$SubmitJob). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"constraints\":\"abc\"", "\"constraints\":[1]",
            "\"parallelism\":\"x\"", "\"parallelism\":7", "\"name\":[\"a\"]", "\"gpus\":{}", "\"tokens\":true",
            "\"constraints\":{\"maxRacks\":\"1\"}", "\"parallelism\":{\"tp\":[8]}", "\"confidential\":{}"})
    void submitJob_oddShapes_problemNamesTheFieldNotAJavaClass(String field) {
        String key = field.substring(0, field.indexOf(':'));
        String body = JOB.replaceAll(java.util.regex.Pattern.quote(key) + ":[^,}]*,?", "").replace("}", "," + field + "}")
                .replace(",,", ",").replace("{,", "{");
        Api.Response r = api.post("/api/v1/jobs", tenant, body);
        assertThat(r.status()).as(r.body()).isBetween(400, 422);
        assertThat(r.body()).doesNotContain("org.colossus").doesNotContain("java.").doesNotContain("Bodies")
                .doesNotContain("$").doesNotContain("Exception");
    }

    static Stream<Arguments> badContracts() {
        String ok = "{\"tenant\":\"lab-a\",\"class\":\"reserved\",\"gpuModel\":\"H100\",\"gpus\":8,"
                + "\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2027-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2.10\"}";
        return Stream.of(
                Arguments.of("unknown tenant", ok.replace("lab-a", "lab-z"), 422, "tenant"),
                Arguments.of("bad tenant name", ok.replace("lab-a", "Lab A"), 422, "tenant"),
                Arguments.of("bad start", ok.replace("2026-12-01T00:00:00Z", "next tuesday"), 422, "start"),
                Arguments.of("end before start", ok.replace("2027-01-01", "2026-11-15"), 422, "end"),
                Arguments.of("negative price", ok.replace("\"2.10\"", "-1"), 422, "pricePerGpuHour"),
                Arguments.of("price not a number", ok.replace("\"2.10\"", "\"cheap\""), 400, "pricePerGpuHour"),
                Arguments.of("missing price", ok.replace(",\"pricePerGpuHour\":\"2.10\"", ""), 422, "pricePerGpuHour"),
                Arguments.of("unknown class", ok.replace("reserved", "spot"), 422, "class"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badContracts")
    void createContract_badInput_isProblemAndJournalUntouched(String what, String body, int status, String field) {
        long seq = server.store().lastSeq();
        Api.Response r = api.post("/api/v1/contracts", operator, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }

    @ParameterizedTest(name = "tenant name {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"{\"name\":\"\"}", "{\"name\":\"UPPER\"}",
            "{\"name\":\"a_b\"}", "{\"name\":null}", "{}"})
    void createTenant_badName_is422(String body) {
        long seq = server.store().lastSeq();
        Api.Response r = api.post("/api/v1/tenants", operator, body);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("field").asText()).isEqualTo("name");
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }

    @ParameterizedTest(name = "query {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"state=sleeping", "limit=0", "limit=100000", "after=x"})
    void listJobs_badQuery_is422(String query) {
        Api.Response r = api.get("/api/v1/jobs?" + query, tenant);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("field").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
    }
}
