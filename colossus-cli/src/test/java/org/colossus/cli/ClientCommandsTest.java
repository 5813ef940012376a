package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.colossus.fleet.FailureModel;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real server: tables, JSON, and server problems as one-line errors. */
class ClientCommandsTest {
    @TempDir
    Path dir;
    ColossusServer server;
    String op;

    @BeforeEach
    void start() {
        server = ColossusServer.start(ServerConfig.defaults().withDataDir(dir).withListen("127.0.0.1", 0)
                .withFleet("uniform:16x8").withFailures(FailureModel.OFF), System.out);
        op = server.operatorToken();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ColossusCliTest.Result as(String token, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = server.url();
        all[args.length + 2] = "--token";
        all[args.length + 3] = token;
        return ColossusCliTest.run(all);
    }

    /** Issue 24: a 429 is one line and exit 1; with --wait the CLI waits as Retry-After says and tries again. */
    @Test
    void jobSubmit_overAnAdmissionLimit_oneLineOr_waitsAndSucceeds() {
        server.close();
        server = ColossusServer.start(ServerConfig.defaults().withDataDir(dir.resolve("limited"))
                .withListen("127.0.0.1", 0).withFleet("uniform:16x8").withFailures(FailureModel.OFF)
                .withAdmission(new org.colossus.server.state.AdmissionPolicy(
                        new org.colossus.server.state.AdmissionLimits(1, 1, 1, 1000, 1000), 1000)), System.out);
        op = server.operatorToken();
        String key = as(op, "tenant", "create", "lab-r").out().replaceAll("(?s).*api key \\(shown once\\): (\\S+).*", "$1");
        assertThat(as(op, "contract", "create", "--tenant", "lab-r", "--class", "on-demand", "--gpu", "H100", "--gpus",
                "128", "--start", "now", "--end", "+30d", "--price-per-gpu-hour", "2").exitCode()).isZero();
        // The submission rate (1 a second, bursts of 1): a second submission right after the first waits its turn.
        String[] whole = {"job", "submit", "--name", "all", "--gpu", "H100", "--gpus", "128", "--class", "on-demand",
                "--duration", "1h"};
        assertThat(as(key, whole).exitCode()).isZero();
        String[] waiting = java.util.Arrays.copyOf(whole, whole.length + 2);
        waiting[whole.length] = "--wait";
        waiting[whole.length + 1] = "30";
        ColossusCliTest.Result waited = as(key, waiting);
        assertThat(waited.exitCode()).as(waited.err()).isZero();
        assertThat(waited.err()).contains("over an admission limit; trying again in 1 s");
        // The queued-job limit (1, now reached): one line, exit 1; a --wait shorter than Retry-After gives up at once.
        ColossusCliTest.Result refused = as(key, waiting);
        assertThat(refused.exitCode()).isEqualTo(1);
        String[] lines = refused.err().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("error: tenant 'lab-r' has 1 jobs queued, its limit is 1")
                .endsWith("(HTTP 429)");
        assertThat(as(key, "job", "submit", "--name", "r", "--gpu", "H100", "--gpus", "8", "--class", "on-demand",
                "--duration", "1h", "--wait", "-1").err()).contains("--wait -1: expected 0 to 86400 seconds");
    }

    @Test
    void jobWatch_streamsEventsAsTheyHappen_longListsAbbreviated() throws Exception {
        String key = as(op, "tenant", "create", "lab-w").out().replaceAll("(?s).*api key \\(shown once\\): (\\S+).*", "$1");
        assertThat(as(op, "contract", "create", "--tenant", "lab-w", "--class", "on-demand", "--gpu", "H100", "--gpus",
                "128", "--start", "now", "--end", "+30d", "--price-per-gpu-hour", "2").exitCode()).isZero();
        var watched = new java.util.concurrent.CompletableFuture<ColossusCliTest.Result>();
        Thread watcher = new Thread(() -> watched.complete(as(key, "job", "watch", "--count", "3")));
        watcher.start();
        // The watcher subscribes over HTTP: wait until the server counts its stream, so that a failure below says
        // whether the subscription or the delivery failed.
        long subscribed = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!sseClients().contains("colossus_sse_clients 1") && System.nanoTime() < subscribed) {
            Thread.sleep(50);
        }
        assertThat(sseClients()).as("the watcher's event stream never opened").contains("colossus_sse_clients 1");
        // the watcher subscribes over HTTP; each round makes three events (submitted, placed, cancelled), so any
        // three in a row hold a placement
        // Until the watcher has its three (time-bound rather than a fixed number of rounds: on a loaded machine the
        // watcher may subscribe only after many rounds).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(25);
        for (int i = 0; !watched.isDone() && System.nanoTime() < deadline; i++) {
            ColossusCliTest.Result submitted = as(key, "job", "submit", "--name", "w" + i, "--gpu", "H100", "--gpus",
                    "128", "--class", "on-demand", "--duration", "1h", "--format", "json");
            assertThat(submitted.exitCode()).as(submitted.err()).isZero();
            as(key, "job", "cancel", new ObjectMapper().readTree(submitted.out()).get("id").asText());
            Thread.sleep(100);
        }
        var out = watched.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(out.out().lines()).hasSize(3).allMatch(l -> l.contains(" lab-w "));
        assertThat(out.out()).contains("job.placed").contains("\"nodes\":[0,1,2,...,15] (16 values)");
    }

    private String sseClients() {
        try {
            var r = org.colossus.client.PlainHttp.send("GET", server.url() + "/metrics",
                    java.util.Map.of("Authorization", "Bearer " + op), null, java.time.Duration.ofSeconds(10));
            return r.text().lines().filter(l -> l.startsWith("colossus_sse_clients")).findFirst().orElse("");
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void compact_longArrays_abbreviatedWithTheirLength() throws Exception {
        JsonNode data = new ObjectMapper().readTree("{\"id\":7,\"nodes\":[1,2,3,4,5,6,7,8,9,10],\"gpus\":[8,8],\"x\":{\"a\":\"b\"}}");
        assertThat(ClientText.compact(data)).isEqualTo("{\"id\":7,\"nodes\":[1,2,3,...,10] (10 values),\"gpus\":[8,8],\"x\":{\"a\":\"b\"}}");
        assertThat(ClientText.compact(new ObjectMapper().readTree("[1,2,3,4,5,6,7,8]"))).isEqualTo("[1,2,3,4,5,6,7,8]");
    }

    @Test
    void operatorAndTenantFlow_throughTheCli() throws Exception {
        var created = as(op, "tenant", "create", "lab-a");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("tenant lab-a created", "api key (shown once): colossus_");
        String key = created.out().replaceAll("(?s).*api key \\(shown once\\): (\\S+).*", "$1");

        var contract = as(op, "contract", "create", "--tenant", "lab-a", "--class", "on-demand", "--gpu", "H100",
                "--gpus", "64", "--start", "now", "--end", "+30d", "--price-per-gpu-hour", "2.10");
        assertThat(contract.exitCode()).as(contract.err()).isZero();
        assertThat(contract.out()).contains("lab-a", "on-demand", "64", "2.1", "active");

        var submit = as(key, "job", "submit", "--name", "pretrain", "--gpu", "H100", "--gpus", "16", "--class",
                "on-demand", "--duration", "6h", "--constraint", "max-racks=1");
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        assertThat(submit.out()).contains("pretrain", "running", "16 GPUs on 2 nodes", "max-racks=1", "6.0h");

        var list = as(key, "job", "list", "--format", "json");
        JsonNode jobs = new ObjectMapper().readTree(list.out());
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).get("name").asText()).isEqualTo("pretrain");
        assertThat(as(op, "job", "list").out()).contains("ID", "TENANT", "pretrain", "lab-a");

        String id = jobs.get(0).get("id").asText();
        var cancel = as(key, "job", "cancel", id);
        assertThat(cancel.exitCode()).isZero();
        assertThat(cancel.out()).contains("cancelled");

        var again = as(key, "job", "cancel", id);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("error: job " + id + " is cancelled; only queued or running jobs can be cancelled (HTTP 409)");

        var forbidden = as(key, "node", "list");
        assertThat(forbidden.exitCode()).isEqualTo(1);
        assertThat(forbidden.err()).contains("is for the operator").contains("(HTTP 403)");

        var drain = as(op, "node", "drain", "3");
        assertThat(drain.out()).contains("drained");
        assertThat(as(op, "node", "list", "--state", "drained").out()).contains("node-03");
        assertThat(as(key, "usage").out()).contains("lab-a", "on-demand", "total");
        assertThat(as(op, "tenant", "list").out()).contains("lab-a");
    }

    @Test
    void badInput_isCaughtBeforeOrByTheServer() {
        var noDuration = as(op, "job", "submit", "--name", "x", "--gpu", "H100", "--gpus", "8", "--class", "on-demand");
        assertThat(noDuration.exitCode()).isEqualTo(1);
        assertThat(noDuration.err()).contains("give --duration");
        var badTime = as(op, "contract", "create", "--tenant", "x", "--class", "reserved", "--gpu", "H100", "--gpus", "8",
                "--end", "next week", "--price-per-gpu-hour", "1");
        assertThat(badTime.err()).contains("--end 'next week'");
        var operatorSubmits = as(op, "job", "submit", "--name", "x", "--gpu", "H100", "--gpus", "8", "--class",
                "on-demand", "--duration", "1h");
        assertThat(operatorSubmits.exitCode()).isEqualTo(1);
        assertThat(operatorSubmits.err()).contains("the operator cannot act as a tenant");
    }

    @Test
    void unreachableServer_saysSo() {
        var r = ColossusCliTest.run("job", "list", "--url", "http://127.0.0.1:1", "--token", "t");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the server at http://127.0.0.1:1");
    }

    @Test
    void demo_once_createsTenantsContractsAndJobs(@TempDir Path demoDir) throws Exception {
        var r = ColossusCliTest.run("demo", "--once", "--port", "0", "--data-dir", demoDir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Colossus demo is running at http://127.0.0.1:", "operator token: colossus_",
                "tenant aurora-labs key: colossus_", "tenant basilisk-ai key", "tenant cobalt-research key");
        assertThat(Files.exists(demoDir.resolve("demo.marker"))).isTrue();
        // The confidential walk-through: attested nodes get the key, the tenant unseals, the operator is refused.
        assertThat(r.out()).contains("confidential computing: aurora-labs submits job", "node(s) of the job attested",
                "recorded in the operator's journal (manifest SHA-256", "every byte matches what the job wrote",
                "own CA: broker refused (HTTP 401)", "devtools mode: broker refused (HTTP 403): policy rule ccMode failed",
                "hash chain intact").doesNotContain("RELEASED (wrong)", "MISMATCH");
        assertThat(Files.readString(demoDir.resolve("confidential/broker.log")))
                .doesNotContain(Files.readString(demoDir.resolve("confidential/tenant.pass")).strip());
        assertThat(demoDir.resolve("confidential/operator-got-this")).doesNotExist();
        // A second demo replaces the first one's directory.
        var again = ColossusCliTest.run("demo", "--once", "--port", "0", "--data-dir", demoDir.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        // ... but never a directory that holds something else.
        var refused = ColossusCliTest.run("demo", "--once", "--port", "0", "--data-dir", dir.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("not a previous demo's");
    }
}
