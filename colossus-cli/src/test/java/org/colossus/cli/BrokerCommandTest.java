package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.colossus.trust.broker.BrokerLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end (issue 7): a confidential job on the simulated fleet gets the tenant's keyset passphrase from the
 * tenant's broker through the sample attester, seals a checkpoint, and the tenant unseals it; the operator's own
 * "GPU" and a devtools-mode GPU are refused.
 */
class BrokerCommandTest {
    @TempDir
    Path dir;

    /** The tenant's broker on a free port: this policy, resources under dir/resources, a new pinned sample CA. */
    private BrokerServer broker(String policyJson) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, policyJson);
        Path ca = dir.resolve("fleet-ca");
        assertThat(ColossusCliTest.run("broker", "sample-ca", "--out", ca.toString()).exitCode()).isZero();
        BrokerCommand.Serve opts = new BrokerCommand.Serve();
        opts.policy = policy;
        opts.resources = dir.resolve("resources");
        opts.sampleCa = ca;
        opts.log = dir.resolve("broker.log");
        opts.host = "127.0.0.1";
        opts.port = 0;
        return BrokerCommand.Serve.start(opts);
    }

    /** Security review: four sockets holding half a request blocked every other client of the broker. */
    @Test
    void serve_clientsHoldingHalfRequests_othersServedAndTheSlowOnesClosed() throws Exception {
        Files.createDirectories(dir.resolve("resources"));
        try (BrokerServer broker = broker("{\"ccMode\":\"on\"}")) {
            URI uri = URI.create(broker.url());
            java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2 * JdkHttp.MAX_EXCHANGES_PER_CLIENT; i++) {
                    java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort());
                    s.getOutputStream().write("POST /kbs/v0/auth HTTP/1.1\r\nHost: x\r\n".getBytes(
                            java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(broker.url() + "/kbs/v0/auth")).timeout(java.time.Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"version\":\"0.4.0\",\"tee\":\"sample\","
                                + "\"extra-params\":\"\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"nonce\"");
                // The server gives up on a request that does not arrive in time and closes its connection.
                java.net.Socket first = slow.get(0);
                first.setSoTimeout((JdkHttp.MAX_REQUEST_SECONDS + 10) * 1000);
                first.getInputStream().readAllBytes(); // returns at the end of the stream; times out if left open
            } finally {
                for (java.net.Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void confidentialJob_getsItsKeyThroughAttestation_operatorRefused() throws Exception {
        // The tenant's side: keyset, passphrase as a broker resource, policy, the pinned sample CA.
        Path pass = dir.resolve("tenant.pass");
        Files.writeString(pass, "lab-a passphrase kept by the tenant");
        Path keys = dir.resolve("lab-a.keyset");
        assertThat(ColossusCliTest.run("keys", "init", "--out", keys.toString(), "--passphrase-file", pass.toString())
                .exitCode()).isZero();
        Path resources = dir.resolve("resources/lab-a/keyset-passphrase");
        Files.createDirectories(resources);
        Files.copy(pass, resources.resolve("run-7"));
        Path ca = dir.resolve("fleet-ca");
        try (BrokerServer broker = broker("{\"ccMode\":\"on\",\"debug\":false,\"driverVersions\":[\"550.90.07\"],"
                + "\"maxEvidenceAgeSeconds\":120}")) {
            // The confidential job: attests with a fleet GPU, receives the passphrase, seals its checkpoint.
            Path fetched = dir.resolve("job/pass");
            Files.createDirectories(fetched.getParent());
            var fetch = ColossusCliTest.run("broker", "fetch", "--broker", broker.url(), "--resource",
                    "lab-a/keyset-passphrase/run-7", "--sample-ca", ca.toString(), "--out", fetched.toString());
            assertThat(fetch.exitCode()).as(fetch.err()).isZero();
            assertThat(fetch.out()).contains("released as a JWE");
            Path ckpt = dir.resolve("job/ckpt");
            Files.createDirectories(ckpt);
            Files.writeString(ckpt.resolve("weights.safetensors"), "{\"__metadata__\":{}} tensors of step 1");
            var seal = ColossusCliTest.run("seal", "--keyset", keys.toString(), "--passphrase-file", fetched.toString(),
                    "--in", ckpt.toString(), "--out", dir.resolve("sealed").toString(), "--context", "lab-a/run-7/step-1");
            assertThat(seal.exitCode()).as(seal.err()).isZero();
            // The tenant unseals with its own passphrase.
            var unseal = ColossusCliTest.run("unseal", "--keyset", keys.toString(), "--passphrase-file", pass.toString(),
                    "--in", dir.resolve("sealed").toString(), "--out", dir.resolve("restored").toString());
            assertThat(unseal.exitCode()).as(unseal.err()).isZero();
            assertThat(Files.readString(dir.resolve("restored/weights.safetensors"))).contains("tensors of step 1");

            // The operator, with a "GPU" of its own making, and a GPU in devtools mode: refused, named.
            Path operatorCa = dir.resolve("operator-ca");
            ColossusCliTest.run("broker", "sample-ca", "--out", operatorCa.toString());
            var op = ColossusCliTest.run("broker", "fetch", "--broker", broker.url(), "--resource",
                    "lab-a/keyset-passphrase/run-7", "--sample-ca", operatorCa.toString(), "--out", dir.resolve("stolen").toString());
            assertThat(op.exitCode()).isEqualTo(1);
            assertThat(op.err()).contains("broker refused (HTTP 401): sample evidence: the device key is not endorsed by the"
                    + " pinned sample CA");
            var dev = ColossusCliTest.run("broker", "fetch", "--broker", broker.url(), "--resource",
                    "lab-a/keyset-passphrase/run-7", "--sample-ca", ca.toString(), "--cc-mode", "devtools", "--out",
                    dir.resolve("stolen").toString());
            assertThat(dev.err()).contains("(HTTP 403): policy rule ccMode failed");
            assertThat(dir.resolve("stolen")).doesNotExist();
            // No session at all: an RFC 7807 problem.
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(broker.url()
                    + "/kbs/v0/resource/lab-a/keyset-passphrase/run-7")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("\"type\":\"https://github.com/confidential-containers/kbs/errors/UnAuthenticated\"");
        }
        String log = Files.readString(dir.resolve("broker.log"));
        assertThat(log).contains("\"verdict\":\"released\"", "not endorsed", "policy rule ccMode")
                .doesNotContain("lab-a passphrase kept by the tenant");
        assertThat(BrokerLog.verify(dir.resolve("broker.log"))).isGreaterThanOrEqualTo(5);
    }
}
