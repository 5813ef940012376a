package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.colossus.fleet.FailureModel;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.JdbcStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attacks of issue 6, each played by a dishonest operator against a real server and its store (H2, and
 * PostgreSQL where CI provides it), each caught by {@code colossus audit verify} run as the tenant, with a message
 * saying what was wrong. The operator "rebuilds" the log after tampering where an honest server would refuse to
 * start, as a dishonest one would.
 */
class AuditAttackTest {
    @TempDir
    Path dir;

    static final String PG_URL = System.getenv("COLOSSUS_TEST_PG_URL");

    static List<String> kinds() {
        List<String> out = new ArrayList<>(List.of("h2"));
        if (PG_URL != null && !PG_URL.isBlank()) {
            out.add("postgresql");
        } else if ("1".equals(System.getenv("COLOSSUS_REQUIRE_PG"))) {
            throw new IllegalStateException("COLOSSUS_REQUIRE_PG=1 but COLOSSUS_TEST_PG_URL is not set");
        }
        return out;
    }

    /** One landlord: a data directory (and database), its server while running, the tenants' keys. */
    final class Landlord {
        final String kind;
        final Path data;
        ColossusServer server;
        String labA;
        String labB;

        Landlord(String kind, Path data) {
            this.kind = kind;
            this.data = data;
        }

        ServerConfig config() {
            ServerConfig c = ServerConfig.defaults().withDataDir(data).withListen("127.0.0.1", 0).withFleet("uniform:16x8")
                    .withSpeed(1).withFailures(FailureModel.OFF);
            return kind.equals("h2") ? c : c.withDb(PG_URL, null, null);
        }

        Landlord start() {
            server = ColossusServer.start(config(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return this;
        }

        void stop() {
            server.close();
            server = null;
        }

        ColossusCliTest.Result as(String token, String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--url", server.url(), "--token", token));
            return ColossusCliTest.run(all.toArray(String[]::new));
        }

        String ok(String token, String... args) {
            var r = as(token, args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err() + r.out()).isZero();
            return r.out();
        }

        String tenant(String name) {
            String out = ok(server.operatorToken(), "tenant", "create", name);
            ok(server.operatorToken(), "contract", "create", "--tenant", name, "--class", "on-demand", "--gpu", "H100",
                    "--gpus", "64", "--start", "now", "--end", "+30d", "--price-per-gpu-hour", "2.10");
            return out.replaceAll("(?s).*api key \\(shown once\\): (\\S+).*", "$1");
        }

        /** The new job's id: the tenant's latest (ids are per tenant, in submission order). */
        String job(String token, String name, int gpus) {
            ok(token, "job", "submit", "--name", name, "--gpu", "H100", "--gpus", String.valueOf(gpus), "--class",
                    "on-demand", "--duration", "6h");
            try {
                var jobs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok(token, "job", "list", "--format", "json"));
                return jobs.get(jobs.size() - 1).get("id").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** lab-a and lab-b, each with a running job; lab-a holds two nodes. */
        Landlord populate() {
            labA = tenant("lab-a");
            labB = tenant("lab-b");
            job(labA, "alpha-pretrain", 16);
            job(labB, "beta-pretrain", 8);
            return this;
        }

        /** The key is pinned on the first run (from the operator's audit.vkey), then kept by the state file. */
        ColossusCliTest.Result verify(String token, String state, String... extra) {
            List<String> args = new ArrayList<>(List.of("audit", "verify", "--state", dir.resolve(state).toString()));
            if (!Files.exists(dir.resolve(state))) {
                args.addAll(List.of("--log-key", data.resolve("audit.vkey").toString()));
            }
            args.addAll(List.of(extra));
            return as(token, args.toArray(String[]::new));
        }

        JdbcStore store() {
            return kind.equals("h2") ? JdbcStore.h2(data) : JdbcStore.open(PG_URL, null, null);
        }

        /** Plays the operator: SQL straight into the journal's database while the server is down. */
        void tamper(String... sql) {
            try (JdbcStore s = store()) {
                s.tamper(sql);
            }
        }

        /** Starts the tampered landlord, runs lab-a's verify against its saved state, expects the failure. */
        void restartAndVerifyFails(String... messages) {
            start();
            failsWith(verify(labA, "a.state"), messages);
            stop();
        }

        List<Entry> journal() {
            try (JdbcStore s = store()) {
                return s.range(1, 100_000);
            }
        }
    }

    private static final String[] REBUILD_LOG = {"DELETE FROM merkle_tile", "DELETE FROM audit_node_leaf",
            "DELETE FROM audit_event", "DELETE FROM audit_holding", "UPDATE audit_progress SET seq = 0, leaves = 0"};

    private static String[] with(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Landlord landlord(String kind) {
        if (kind.equals("postgresql")) {
            Assumptions.assumeTrue(PG_URL != null);
            try (JdbcStore s = JdbcStore.open(PG_URL, null, null)) {
                s.truncateForTests();
            }
        }
        return new Landlord(kind, dir.resolve("data-" + kind));
    }

    /** lab-a verifies once (state saved), then more happens: lab-a's second job runs and is cancelled. */
    private Landlord verifiedThenMore(String kind) {
        Landlord l = landlord(kind).start().populate();
        var first = l.verify(l.labA, "a.state");
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("PASSED", "exclusivity: 2 nodes");
        String eval = l.job(l.labA, "alpha-eval", 8);
        l.ok(l.labA, "job", "cancel", eval);
        l.job(l.labB, "beta-eval", 8);
        l.stop();
        return l;
    }

    private static void failsWith(ColossusCliTest.Result r, String... messages) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(AuditCommand.EXIT_VERIFICATION_FAILED);
        assertThat(r.out()).contains("FAILED").contains(messages);
    }

    private long seqOf(Landlord l, String type, String contains) {
        return l.journal().stream().filter(e -> e.type().equals(type) && e.payload().contains(contains))
                .mapToLong(Entry::seq).findFirst().orElseThrow(() -> new AssertionError("no " + type + " with " + contains));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void honestOperator_verifyPassesAgainAfterRestartAndMoreWork(String kind) {
        Landlord l = verifiedThenMore(kind).start();
        var again = l.verify(l.labA, "a.state", "--format", "json");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("\"verdict\" : \"passed\"").contains("proven append-only");
        var b = l.verify(l.labB, "b.state");
        assertThat(b.exitCode()).as(b.out()).isZero();
        // What a tenant was served never names a rival or its jobs.
        String own = l.ok(l.labA, "audit", "verify", "--state", dir.resolve("a.state").toString(), "--format", "json");
        assertThat(own).doesNotContain("lab-b").doesNotContain("beta");
        l.stop();
    }

    /** What the V4 migration (tiles) does: the log dropped and rebuilt from an untouched journal has the same roots. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void logRebuiltFromAnUntouchedJournal_verifyStillPasses(String kind) {
        Landlord l = verifiedThenMore(kind);
        l.tamper(REBUILD_LOG);
        l.start();
        var again = l.verify(l.labA, "a.state");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("PASSED", "proven append-only");
        l.stop();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void entryEditedInTheDatabase_caught(String kind) {
        Landlord l = verifiedThenMore(kind);
        l.tamper("UPDATE journal SET payload = REPLACE(payload, '\"alpha-eval\"', '\"alpha-evil\"') WHERE type = 'job.submitted'");
        l.restartAndVerifyFails("(job.submitted) as served now is not the leaf", "signed into the log");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void entryEditedAndLogRebuilt_caughtByConsistency(String kind) {
        Landlord l = verifiedThenMore(kind);
        l.tamper(with(REBUILD_LOG,
                "UPDATE journal SET payload = REPLACE(payload, '\"alpha-pretrain\"', '\"alpha-evil\"') WHERE type = 'job.submitted'"));
        l.restartAndVerifyFails("consistency: the log of size", "does not extend the one of size");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void entryDeleted_caught(String kind) {
        Landlord l = verifiedThenMore(kind);
        // A scheduler pass that decided nothing: the journal replays the same without it, so an honest server's
        // replay check cannot notice its removal; only the log can.
        List<Entry> journal = l.journal();
        long k = -1;
        for (int i = 0; i + 1 < journal.size(); i++) {
            if (journal.get(i).type().equals("scheduler.pass") && !journal.get(i + 1).actor().equals("scheduler")) {
                k = journal.get(i).seq();
                break;
            }
        }
        assertThat(k).as("a scheduler pass without decisions in %s", journal).isPositive();
        // Delete it and close the gap, as a careful operator would, and let the log be rebuilt from the journal.
        l.tamper(with(REBUILD_LOG, "DELETE FROM journal WHERE seq = " + k,
                "UPDATE journal SET seq = -seq WHERE seq > " + k, "UPDATE journal SET seq = -seq - 1 WHERE seq < 0",
                "DELETE FROM snapshot"));
        l.restartAndVerifyFails("does not extend the one of size");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void entriesSwapped_caught(String kind) {
        Landlord l = verifiedThenMore(kind);
        long a = seqOf(l, "contract.signed", "lab-a");
        long b = seqOf(l, "contract.signed", "lab-b");
        // Swap the two contracts' positions in the journal (numbering kept), then rebuild the log.
        l.tamper(with(REBUILD_LOG, "UPDATE journal SET seq = -1 WHERE seq = " + a,
                "UPDATE journal SET seq = " + a + " WHERE seq = " + b, "UPDATE journal SET seq = " + b + " WHERE seq = -1"));
        l.restartAndVerifyFails("consistency:", "does not extend");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void truncatedAndRegrown_caught(String kind) {
        Landlord l = verifiedThenMore(kind);
        long k = seqOf(l, "job.submitted", "beta-pretrain");
        l.tamper(with(REBUILD_LOG, "DELETE FROM journal WHERE seq >= " + k, "DELETE FROM snapshot"));
        l.start();
        // Smaller than what lab-a saw: a rollback.
        failsWith(l.verify(l.labA, "a.state"), "rollback: the log now has");
        // Regrown past the old size with other history: not an extension.
        for (int i = 0; i < 6; i++) {
            l.job(l.labB, "regrow-" + i, 8);
        }
        failsWith(l.verify(l.labA, "a.state"), "does not extend the one of size");
        l.stop();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void forgedCheckpointSignature_caught(String kind) throws Exception {
        Landlord l = verifiedThenMore(kind);
        // The operator swaps in a key of its own under the same log name and signs with it.
        String name = Files.readString(l.data.resolve("audit.vkey")).split("\\+")[0];
        var forged = org.colossus.trust.NoteKey.generate(name, new java.security.SecureRandom());
        Files.writeString(l.data.resolve("audit.key"), forged.encode() + "\n");
        l.restartAndVerifyFails("checkpoint:", "signature");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void foreignPlacementOnAHeldNode_caughtByExclusivity(String kind) {
        Landlord l = landlord(kind).start().populate();
        l.job(l.labA, "alpha-eval", 8);
        l.stop();
        List<Entry> journal = l.journal();
        Entry alphaPlaced = journal.stream().filter(e -> e.type().equals("job.placed") && "lab-a".equals(e.tenant()))
                .findFirst().orElseThrow();
        int node = Integer.parseInt(alphaPlaced.payload().replaceAll(".*\"nodes\":\\[(\\d+).*", "$1"));
        long betaJob = journal.stream().filter(e -> e.type().equals("job.submitted") && "lab-b".equals(e.tenant()))
                .mapToLong(e -> Long.parseLong(e.payload().replaceAll(".*\"id\":(\\d+).*", "$1"))).findFirst().orElseThrow();
        // A no-op entry after lab-a's placement becomes a placement of lab-b's job on lab-a's node.
        Entry victim = journal.stream().filter(e -> e.seq() > alphaPlaced.seq() && e.type().equals("scheduler.pass"))
                .findFirst().orElseThrow(() -> new AssertionError("no scheduler.pass after " + alphaPlaced.seq() + ": " + journal));
        l.tamper(with(REBUILD_LOG, "UPDATE journal SET type = 'job.placed', tenant = 'lab-b', actor = 'scheduler',"
                + " payload = '{\"gpus\":[8],\"id\":" + betaJob + ",\"nodes\":[" + node + "]}' WHERE seq = " + victim.seq()));
        l.start();
        var r = l.verify(l.labA, "fresh.state");
        failsWith(r, "node " + node + ": another holder was placed on it at", "while you held it");
        l.stop();
    }

    @Test
    void splitView_caughtByTheWitness() throws Exception {
        Landlord l = landlord("h2").start().populate();
        l.stop();
        // The operator keeps two copies of its data and shows each tenant a different continuation.
        Landlord fork = new Landlord("h2", dir.resolve("data-fork"));
        copy(l.data, fork.data);
        fork.labA = l.labA;
        fork.labB = l.labB;
        Path wkey = dir.resolve("witness.key");
        try (WitnessServer witness = AuditCommand.WitnessCommand.start(wkey, "witness.example", List.of(
                l.data.resolve("audit.vkey").toString()), dir.resolve("witness.state"), "127.0.0.1", 0)) {
            String w = witness.verifier().encode() + "@" + witness.url();
            l.start();
            l.job(l.labA, "alpha-eval", 8);
            var a = l.verify(l.labA, "a.state", "--witness", w);
            assertThat(a.exitCode()).as(a.out()).isZero();
            assertThat(a.out()).contains("witnesses: 1 of 1 cosigned");
            l.stop();
            fork.start();
            fork.job(fork.labB, "beta-eval", 8);
            fork.job(fork.labB, "beta-eval-2", 8);
            var b = fork.verify(fork.labB, "b.state", "--witness", w);
            failsWith(b, "witnesses: 0 of 1 cosigned", "not consistent with the witnessed");
            // Without a witness, lab-b alone cannot tell: the fork is only visible by comparing.
            var alone = fork.verify(fork.labB, "b2.state");
            assertThat(alone.exitCode()).isZero();
            fork.stop();
        }
        // The witness remembers across restarts: a restarted witness still refuses the fork.
        try (WitnessServer witness = AuditCommand.WitnessCommand.start(wkey, null, List.of(
                l.data.resolve("audit.vkey").toString()), dir.resolve("witness.state"), "127.0.0.1", 0)) {
            fork.start();
            var b = fork.verify(fork.labB, "b3.state", "--witness", witness.verifier().encode() + "@" + witness.url());
            failsWith(b, "0 of 1 cosigned");
            fork.stop();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }
}
