package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every numeric, decimal and time field of every route that takes one, walked with the extremes a hostile caller
 * sends: the limits of its type and one past them, exponent forms (1e+999999999 made the server grow to 6 GB and
 * answer 500), and times past the year 9999 (which overflowed). Each is a 400 or 422 problem naming the field, and
 * the journal does not move.
 */
class ExtremeValuesTest extends OneTenantServer {
    static final List<String> INTEGERS = List.of("-2147483649", "2147483648", "-2147483648", "2147483647",
            "-9223372036854775809", "9223372036854775808", "-9223372036854775808", "9223372036854775807",
            "99999999999999999999999999999", "1e+999999999", "1e-1000000000", "1E400", "-0.0", "1.5", "\"8\"");
    static final List<String> LONGS = List.of("-9223372036854775809", "9223372036854775808", "-9223372036854775808",
            "9223372036854775807", "99999999999999999999999999999", "1e+999999999", "1e-1000000000", "1E400", "-0.0",
            "1.5", "\"8\"");
    static final List<String> DECIMALS = List.of("1e+999999999", "1e-1000000000", "\"1e+999999999\"",
            "\"1e-1000000000\"", "1E400", "-1E-400", "\"" + "9".repeat(100) + "\"", "1000.0000001", "-0.000001",
            "0.0000001", "\"NaN\"", "\"Infinity\"", "\"-0x1p3\"");
    static final List<String> TIMES = List.of("\"+1000000000-12-31T23:59:59Z\"", "\"-1000000000-01-01T00:00:00Z\"",
            "\"+10000-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\"", "\"-292275055-05-16T16:47:04.192Z\"",
            "\"+292278994-08-17T07:12:55.807Z\"", "9223372036854775807", "\"2026-13-01T00:00:00Z\"");

    private static final String CONTRACT = "{\"tenant\":\"lab-a\",\"class\":\"on-demand\",\"gpuModel\":\"H100\","
            + "\"gpus\":8,\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2027-01-01T00:00:00Z\",\"pricePerGpuHour\":\"2\"}";

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String job = "{\"name\":\"run\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"on-demand\",\"durationSeconds\":3600}";
        String planned = "{\"name\":\"run\",\"gpuModel\":\"H100\",\"gpus\":64,\"class\":\"on-demand\","
                + "\"model\":\"llama3-8b\",\"tokens\":\"1B\",\"parallelism\":{\"tp\":1,\"pp\":1,\"cp\":1}}";
        String seal = "{\"context\":\"lab-a/run-1/step-1\",\"manifestSha256\":\"" + "ab".repeat(32)
                + "\",\"shards\":1,\"bytes\":1}";
        for (String v : INTEGERS) {
            out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", job.replace("\"gpus\":8", "\"gpus\":" + v), "gpus", v));
            out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", job.replace("}", ",\"priority\":" + v + "}"), "priority", v));
            out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", job.replace("3600", v), "durationSeconds", v));
            out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", job.replace("}", ",\"constraints\":{\"maxRacks\":" + v
                    + "}}"), "constraints.maxRacks", v));
            for (String k : List.of("tp", "pp", "cp", "vp", "ep", "mbs", "gbs")) {
                String body = planned.contains("\"" + k + "\":1") ? planned.replace("\"" + k + "\":1", "\"" + k + "\":" + v)
                        : planned.replace("\"cp\":1", "\"cp\":1,\"" + k + "\":" + v);
                out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", body, "parallelism", v));
            }
            out.add(Arguments.of("POST", "/api/v1/contracts", "operator", CONTRACT.replace("\"gpus\":8", "\"gpus\":" + v),
                    "gpus", v));
            out.add(Arguments.of("POST", "/api/v1/checkpoints", "tenant", seal.replace("\"shards\":1", "\"shards\":" + v),
                    "shards", v));
            out.add(Arguments.of("POST", "/api/v1/audit/node-leaves", "tenant", "{\"size\":" + v + ",\"indices\":[0]}",
                    "size", v));
        }
        for (String v : LONGS) {
            out.add(Arguments.of("POST", "/api/v1/checkpoints", "tenant", seal.replace("\"bytes\":1", "\"bytes\":" + v),
                    "bytes", v));
            out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", job.replace("3600", v), "durationSeconds", v));
        }
        // tp 65536 x pp 65536 wrapped to 0 in an int and was divided by (a 500).
        out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", planned.replace("\"tp\":1,\"pp\":1",
                "\"tp\":65536,\"pp\":65536"), "parallelism", "tp 65536, pp 65536"));
        out.add(Arguments.of("POST", "/api/v1/jobs", "tenant", planned.replace("\"pp\":1,\"cp\":1",
                "\"pp\":65536,\"cp\":65536"), "parallelism", "pp 65536, cp 65536"));
        for (String v : DECIMALS) {
            out.add(Arguments.of("POST", "/api/v1/contracts", "operator", CONTRACT.replace("\"2\"}", v + "}"),
                    "pricePerGpuHour", v));
        }
        for (String v : TIMES) {
            out.add(Arguments.of("POST", "/api/v1/contracts", "operator",
                    CONTRACT.replace("\"2026-12-01T00:00:00Z\"", v), "start", v));
            out.add(Arguments.of("POST", "/api/v1/contracts", "operator",
                    CONTRACT.replace("\"2027-01-01T00:00:00Z\"", v), "end", v));
        }
        for (String q : List.of("limit", "after")) {
            for (String v : List.of("9223372036854775808", "-9223372036854775809", "1e+999999999", "99999999999999999999")) {
                out.add(Arguments.of("GET", "/api/v1/jobs?" + q + "=" + v, "tenant", null, q, v));
                out.add(Arguments.of("GET", "/api/v1/audit/entries?" + q + "=" + v, "tenant", null, q, v));
            }
        }
        // no size: the latest checkpoint's, which may still be 0 when this runs (size=1 would then be the bad field)
        out.add(Arguments.of("GET", "/api/v1/audit/proof/inclusion?index=9223372036854775807", "tenant", null,
                "index", "Long.MAX_VALUE"));
        out.add(Arguments.of("GET", "/api/v1/audit/proof/inclusion?index=0&size=9223372036854775807", "tenant", null,
                "size", "Long.MAX_VALUE"));
        out.add(Arguments.of("GET", "/api/v1/audit/proof/consistency?from=9223372036854775807", "tenant", null, "from",
                "Long.MAX_VALUE"));
        out.add(Arguments.of("GET", "/api/v1/audit/nodes/0?limit=9223372036854775807", "tenant", null, "limit",
                "Long.MAX_VALUE"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {4} = {5}")
    @MethodSource("cases")
    void extremeValue_isA4xxProblemNamingTheFieldAndChangesNothing(String method, String path, String who, String body,
                                                                   String field, String value) {
        long seq = server.store().lastSeq();
        String token = who.equals("operator") ? operator : tenant;
        Api.Response r = method.equals("GET") ? api.get(path, token) : api.post(path, token, body);
        assertThat(r.status()).as(r.body()).isIn(400, 422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("detail").asText()).doesNotContain("Exception").doesNotContain("org.colossus");
        assertThat(p.get("field").asText()).as(r.body()).startsWith(field);
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }
}
