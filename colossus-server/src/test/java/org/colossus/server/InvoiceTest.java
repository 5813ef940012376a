package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.colossus.client.AuditClient;
import org.colossus.ledger.Invoice;
import org.colossus.server.billing.InvoiceCheck;
import org.colossus.server.billing.InvoiceDocument;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;
import org.colossus.trust.NoteKey;
import org.colossus.trust.TenantVerifier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 18: invoices issued from the journal, served, replayed byte for byte, and checked by their tenant. */
class InvoiceTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    private record Month(String a, String b, long jobA, long reservedJob, long jobB) {
    }

    /** November: lab-a runs one on-demand and one reserved job, lab-b one on-demand job; then December begins. */
    private static Month november(ColossusServer s, ManualClock clock) throws InterruptedException {
        Api api = new Api(s.url());
        String op = s.operatorToken();
        String a = TestServers.tenant(api, op, "lab-a");
        String b = TestServers.tenant(api, op, "lab-b");
        TestServers.contract(api, op, "lab-a", "on-demand", 64);
        Api.Response sla = api.post("/api/v1/contracts", op, "{\"tenant\":\"lab-a\",\"class\":\"reserved\","
                + "\"gpuModel\":\"H100\",\"gpus\":32,\"start\":\"2026-10-01T00:00:00Z\",\"end\":\"2027-10-01T00:00:00Z\","
                + "\"pricePerGpuHour\":\"2.50\",\"sla\":{\"credits\":[{\"below\":99.5,\"credit\":10},"
                + "{\"below\":\"99.0\",\"credit\":25}],\"creditLostWork\":true}}");
        assertThat(sla.status()).as(sla.toString()).isEqualTo(201);
        assertThat(sla.json().get("sla").get("credits").get(1).get("belowPercent").asText()).isEqualTo("99");
        assertThat(sla.json().get("sla").get("graceMillis").asLong()).isEqualTo(300_000);
        TestServers.contract(api, op, "lab-b", "on-demand", 64);
        // Each holds its GPUs 600 s (start-up) longer than its work: one hour and two hours.
        long jobA = TestServers.job(api, a, "a-train", 8, "on-demand", 3000);
        long reserved = TestServers.job(api, a, "a-reserved", 16, "reserved", 6600);
        long jobB = TestServers.job(api, b, "b-train", 8, "on-demand", 3000);
        clock.advanceSeconds(3600);
        TestServers.awaitState(api, a, jobA, "completed");
        TestServers.awaitState(api, b, jobB, "completed");
        clock.advanceSeconds(3600);
        TestServers.awaitState(api, a, reserved, "completed");
        clock.advanceSeconds(Instant.parse("2026-12-01T01:00:00Z").getEpochSecond() - clock.millis() / 1000);
        return new Month(a, b, jobA, reserved, jobB);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void issue_closedMonth_servesTheJournaledHashAndReplaysByteForByte(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        String served;
        Month m;
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            m = november(s, clock);
            assertThat(api.post("/api/v1/invoices", op, "{\"period\":\"2026-12\"}").status()).isEqualTo(422);
            long before = s.engine().committedSeq();
            Api.Response issued = api.post("/api/v1/invoices", op, "{\"period\":\"2026-11\"}");
            assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
            assertThat(issued.json()).hasSize(2);
            assertThat(s.engine().committedSeq()).isEqualTo(before + 3); // two invoices and a scheduler pass
            Api.Response again = api.post("/api/v1/invoices", op, "{\"period\":\"2026-11\",\"tenant\":\"lab-a\"}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(api.post("/api/v1/invoices", op, "{\"period\":\"2026-11\"}").json()).isEmpty();

            Api.Response r = api.get("/api/v1/invoices/2026-11-lab-a", m.a());
            assertThat(r.status()).isEqualTo(200);
            served = r.body();
            Invoice inv = InvoiceDocument.parse(served);
            assertThat(inv.status()).isEqualTo("issued");
            String sha = InvoiceDocument.sha256(served.getBytes(StandardCharsets.UTF_8));
            JsonNode listed = api.get("/api/v1/invoices", m.a()).json();
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("sha256").asText()).isEqualTo(sha);
            // 8 GPUs × 1 h × 2.50; 32 reserved GPUs × 720 h × 2.50; the reserved job's 16 × 2 GPU-hours at 0.00;
            // nothing denied, so the SLA credits nothing
            assertThat(inv.lines()).extracting(Invoice.Line::kind)
                    .containsExactly("on-demand", "reserved-commitment", "reserved-use", "sla-credit");
            assertThat(inv.lines()).extracting(Invoice.Line::amount)
                    .containsExactly("20.00", "57600.00", "0.00", "0.00");
            assertThat(inv.line(4).availabilityPercent()).isEqualTo("100.0000");
            assertThat(inv.line(3).gpuHours()).isEqualTo("32.000000");
            assertThat(inv.total()).isEqualTo("57620.00");
            assertThat(inv.line(1).items()).extracting(Invoice.Item::job).containsExactly(m.jobA());

            // A rival sees none of it; a bad or future period is named.
            assertThat(api.get("/api/v1/invoices/2026-11-lab-a", m.b()).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/invoices?tenant=lab-a", m.b()).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/invoices", m.b()).json()).hasSize(1);
            assertThat(api.get("/api/v1/invoices/2027-05-lab-a", m.a()).json().get("field").asText())
                    .isEqualTo("period");
            assertThat(api.get("/api/v1/invoices?period=2026-13", m.a()).json().get("field").asText())
                    .isEqualTo("period");
            assertThat(api.post("/api/v1/invoices", op, "{\"period\":\"2026-11\",\"tenant\":\"nobody\"}").status())
                    .isEqualTo(404);
            assertThat(api.post("/api/v1/invoices", m.a(), "{\"period\":\"2026-11\"}").status()).isEqualTo(403);
            String contract = "{\"tenant\":\"lab-a\",\"class\":\"%s\",\"gpuModel\":\"H100\",\"gpus\":8,"
                    + "\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2027-10-01T00:00:00Z\",\"pricePerGpuHour\":\"2.50\","
                    + "\"sla\":%s}";
            for (String[] bad : new String[][] {
                    {"on-demand", "{\"credits\":[{\"below\":99,\"credit\":10}]}", "sla.credits"},
                    {"reserved", "{\"credits\":[{\"below\":0,\"credit\":10}]}", "sla.credits[0].below"},
                    {"reserved", "{\"credits\":[{\"below\":99,\"credit\":100.5}]}", "sla.credits[0].credit"},
                    {"reserved", "{\"credits\":[{\"below\":99,\"credit\":1},{\"below\":99.0,\"credit\":2}]}",
                            "sla.credits[1].below"},
                    {"reserved", "{\"graceSeconds\":-1}", "sla.graceSeconds"}}) {
                long seq = s.engine().committedSeq();
                Api.Response r2 = api.post("/api/v1/contracts", op, String.format(contract, bad[0], bad[1]));
                assertThat(r2.status()).as(r2.toString()).isEqualTo(422);
                assertThat(r2.json().get("field").asText()).isEqualTo(bad[2]);
                assertThat(s.engine().committedSeq()).isEqualTo(seq);
            }
            Api.Response csv = api.get("/api/v1/invoices/2026-11-lab-a", m.a(), "text/csv");
            assertThat(csv.contentType()).startsWith("text/csv");
            String[] rows = csv.body().split("\r\n");
            assertThat(rows).hasSize(1 + 4 + 2 + 1); // header, lines, items, total
            assertThat(rows[0]).startsWith("invoice,tenant,period,status,currency,line,kind");
            // A draft of the open month.
            assertThat(InvoiceDocument.parse(api.get("/api/v1/invoices/2026-12-lab-a", m.a()).body()).status())
                    .isEqualTo("draft");
        }
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            assertThat(api.get("/api/v1/invoices/2026-11-lab-a", m.a()).body()).isEqualTo(served);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void check_tenantsProvenEntries_acceptTheInvoiceAndNameTheLineOfEachAttack(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            Month m = november(s, clock);
            api.post("/api/v1/invoices", s.operatorToken(), "{\"period\":\"2026-11\"}");
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            NoteKey.Verifier key = NoteKey.parseVerifier(api.get("/api/v1/audit/key", m.a()).body());
            List<Entry> proven = new ArrayList<>();
            TenantVerifier.Report report = new TenantVerifier(new AuditClient(s.url(), m.a(), 100), key, "lab-a")
                    .onProvenEntry(c -> proven.add(InvoiceCheck.entry(c))).verify(null);
            assertThat(report.failures()).isEmpty();
            String served = api.get("/api/v1/invoices/2026-11-lab-a", m.a()).body();
            Invoice inv = InvoiceDocument.parse(served);
            InvoiceCheck.Result ok = InvoiceCheck.check(inv, "lab-a", proven);
            assertThat(ok.failures()).isEmpty();
            assertThat(ok.evidence()).anyMatch(e -> e.contains("journaled in entry"));

            // An inflated GPU-second count on line 1.
            ObjectNode inflated = (ObjectNode) Canonical.MAPPER.readTree(served);
            ObjectNode item = (ObjectNode) inflated.get("lines").get(0).get("items").get(0);
            item.put("gpuMillis", item.get("gpuMillis").asLong() * 2);
            assertThat(InvoiceCheck.check(parse(inflated), "lab-a", proven).failures())
                    .anyMatch(f -> f.startsWith("line 1 ") && f.contains("GPU-ms billed"))
                    .anyMatch(f -> f.contains("changed afterwards"));

            // A rival's job billed to lab-a.
            Invoice rivals = InvoiceDocument.parse(api.get("/api/v1/invoices/2026-11-lab-b", m.b()).body());
            ObjectNode foreign = (ObjectNode) Canonical.MAPPER.readTree(served);
            ((ArrayNode) foreign.get("lines").get(0).get("items")).add(Canonical.MAPPER.valueToTree(
                    rivals.line(1).items().get(0)));
            assertThat(InvoiceCheck.check(parse(foreign), "lab-a", proven).failures())
                    .anyMatch(f -> f.startsWith("line 1 ") && f.contains("job " + m.jobB())
                            && f.contains("not among your proven entries"));

            // The entry that released the on-demand job removed from the log.
            long released = inv.line(1).items().get(0).releasedSeq();
            List<Entry> removed = proven.stream().filter(e -> e.seq() != released).toList();
            assertThat(InvoiceCheck.check(inv, "lab-a", removed).failures())
                    .anyMatch(f -> f.startsWith("line 1 ") && f.contains("entry " + released));

            // Re-issued after the fact with another amount: the served bytes no longer hash to the journaled SHA-256.
            ObjectNode changed = (ObjectNode) Canonical.MAPPER.readTree(served);
            ((ObjectNode) changed.get("lines").get(1)).put("amount", "57500.00");
            changed.put("total", "57520.00");
            assertThat(InvoiceCheck.check(parse(changed), "lab-a", proven).failures())
                    .anyMatch(f -> f.contains("changed afterwards"))
                    .anyMatch(f -> f.startsWith("line 2 ") && f.contains("57600.00"));

            // Someone else's invoice presented as one's own.
            assertThat(InvoiceCheck.check(rivals, "lab-a", proven).failures())
                    .anyMatch(f -> f.contains("addressed to 'lab-b'"));
        }
    }

    /**
     * Over random traffic with node failures and across a month's end: per tenant, the GPU-time its invoices bill
     * equals the GPU-time the control plane metered for it, and no holding is billed twice or to two tenants.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void invoices_randomTrafficWithFailures_billExactlyTheGpuTimeHeld(long seed) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-30T14:00:00Z").toEpochMilli());
        org.colossus.fleet.FailureModel failures = new org.colossus.fleet.FailureModel(true,
                org.colossus.fleet.FailureModel.DEFAULT.interruptionsPerGpuHour() * 3000, 1800, 60, 600);
        ServerConfig config = TestServers.config(dir, clock).withFailures(failures).withSeed(seed);
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
            for (String t : List.of("lab-a", "lab-b")) {
                keys.put(t, TestServers.tenant(api, op, t));
                TestServers.contract(api, op, t, "on-demand", 64);
                TestServers.contract(api, op, t, "reserved", 32);
                TestServers.contract(api, op, t, "preemptible", 64);
            }
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            String[] classes = {"on-demand", "reserved", "preemptible"};
            for (int i = 0; i < 60; i++) {
                String t = random.nextBoolean() ? "lab-a" : "lab-b";
                TestServers.job(api, keys.get(t), "j" + i, new int[] {1, 8, 16, 32}[random.nextInt(4)],
                        classes[random.nextInt(3)], 600 + random.nextInt(7200));
                clock.advanceSeconds(120 + random.nextInt(1800));
                Thread.sleep(10);
            }
            Thread.sleep(300); // the last poll's entries
            java.util.Set<Long> seenJobs = new java.util.HashSet<>();
            for (var k : keys.entrySet()) {
                long billed = 0;
                java.util.Set<String> holdings = new java.util.HashSet<>();
                java.util.Set<Long> jobs = new java.util.HashSet<>();
                for (String period : List.of("2026-11", "2026-12")) {
                    Invoice inv = InvoiceDocument.parse(api.get("/api/v1/invoices/" + period + "-" + k.getKey(),
                            k.getValue()).body());
                    for (Invoice.Line l : inv.lines()) {
                        for (Invoice.Item it : l.items()) {
                            billed += it.gpuMillis();
                            assertThat(holdings.add(period + "/" + it.placedSeq())).as("billed twice").isTrue();
                            jobs.add(it.job());
                        }
                    }
                }
                for (long j : jobs) {
                    assertThat(seenJobs.add(j)).as("job " + j + " billed to two tenants").isTrue();
                }
                double heldHours = api.get("/api/v1/usage", k.getValue()).json().get(0).get("gpuHours").asDouble();
                assertThat(billed / 3.6e6).as("%s, seed %d", k.getKey(), seed)
                        .isCloseTo(heldHours, org.assertj.core.data.Offset.offset(1e-6));
                assertThat(billed).isPositive();
            }
        }
    }

    private static Invoice parse(JsonNode json) {
        return InvoiceDocument.parse(json.toString());
    }
}
