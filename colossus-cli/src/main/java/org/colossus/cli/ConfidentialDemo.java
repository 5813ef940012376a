package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.colossus.trust.broker.BrokerLog;

/**
 * The confidential part of {@code colossus demo} (docs/trust.md, "End to end"): a tenant's job marked confidential
 * runs on the simulated fleet, each of its nodes proves to the tenant's key broker (sample attester) that it runs in
 * CC mode on GPUs the fleet's vendor CA endorses, receives the passphrase of the tenant's keyset, and writes a sealed
 * checkpoint that is recorded in the operator's journal; the tenant unseals it; the operator, without valid evidence,
 * is refused. Every step runs the same CLI command a user would type, in this process.
 */
final class ConfidentialDemo {
    static final String JOB = "confidential-finetune";
    private static final String DRIVER = "550.90.07";

    private final Path dir;
    private final String url;
    private final String tenant;
    private final String tenantToken;
    private final PrintWriter out;

    private ConfidentialDemo(Path dir, String url, String tenant, String tenantToken, PrintWriter out) {
        this.dir = dir;
        this.url = url;
        this.tenant = tenant;
        this.tenantToken = tenantToken;
        this.out = out;
    }

    /** What one CLI step said. */
    private record Step(int exitCode, String out, String err) {
    }

    private Step cli(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Colossus.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Step(code, o.toString().strip(), e.toString().strip());
    }

    private Step must(String... args) {
        Step s = cli(args);
        if (s.exitCode() != 0) {
            throw new CliException("demo: colossus " + String.join(" ", args) + " failed: " + s.err());
        }
        return s;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /**
     * Runs the walk-through and returns the tenant's broker, left running for the user to try (closed by the caller).
     */
    static BrokerServer run(String url, String tenant, String tenantToken, String gpu, int gpus, Path dir,
                                    PrintWriter out) throws IOException {
        return new ConfidentialDemo(dir, url, tenant, tenantToken, out).run(gpu, gpus);
    }

    private BrokerServer run(String gpu, int gpus) throws IOException {
        Files.createDirectories(dir);
        // The tenant's side: a keyset under a passphrase only the tenant (and its broker) holds.
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String passphrase = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        OwnerFiles.write(dir.resolve("tenant.pass"), passphrase, true);
        must("keys", "init", "--out", p(tenant + ".keyset"), "--passphrase-file", p("tenant.pass"));
        // The simulated fleet's GPU vendor: its CA endorses the sample GPUs; the tenant's broker pins it.
        must("broker", "sample-ca", "--out", p("fleet-sample-ca"));
        OwnerFiles.write(dir.resolve("policy.json"), "{\"ccMode\":\"on\",\"debug\":false,\"driverVersions\":[\"" + DRIVER
                + "\"],\"maxEvidenceAgeSeconds\":120}\n", true);
        String resource = tenant + "/keyset-passphrase/" + JOB;
        Path secretFile = dir.resolve("broker-resources").resolve(resource);
        Files.createDirectories(secretFile.getParent());
        OwnerFiles.write(secretFile, passphrase, true);
        BrokerCommand.Serve serve = new BrokerCommand.Serve();
        serve.policy = dir.resolve("policy.json");
        serve.resources = dir.resolve("broker-resources");
        serve.sampleCa = dir.resolve("fleet-sample-ca");
        serve.log = dir.resolve("broker.log");
        serve.host = "127.0.0.1";
        serve.port = 0;
        BrokerServer broker = BrokerCommand.Serve.start(serve);
        try {
            walk(gpu, gpus, broker.url(), resource);
            return broker;
        } catch (RuntimeException | IOException e) {
            broker.close();
            throw e;
        }
    }

    private void walk(String gpu, int gpus, String brokerUrl, String resource) throws IOException {
        ApiClient api = new ApiClient();
        api.url = url;
        api.token = tenantToken;
        var body = ApiClient.MAPPER.createObjectNode().put("name", JOB).put("gpuModel", gpu).put("gpus", gpus)
                .put("class", "on-demand").put("durationSeconds", 6 * 3600).put("confidential", true);
        JsonNode job = api.post("/api/v1/jobs", body);
        long id = job.get("id").asLong();
        out.println();
        out.println("confidential computing: " + tenant + " submits job " + id + " (" + JOB + ", " + gpus + " x " + gpu
                + ", confidential); its key broker runs at " + brokerUrl);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!"running".equals(job.path("state").asText()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            job = api.get("/api/v1/jobs/" + id);
        }
        if (!"running".equals(job.path("state").asText())) {
            out.println("  the job is still " + job.path("state").asText() + " (" + job.path("pendingReason").asText()
                    + "); the attestation walk-through runs once it starts: see docs/trust.md");
            return;
        }
        int nodes = job.path("placement").path("nodes").asInt();
        // Each node of the job attests to the tenant's broker and receives the passphrase as a JWE to its own key.
        Path workload = dir.resolve("workload");
        Files.createDirectories(workload);
        for (int n = 0; n < nodes; n++) {
            must("broker", "fetch", "--broker", brokerUrl, "--resource", resource, "--sample-ca", p("fleet-sample-ca"),
                    "--driver", DRIVER, "--out", workload.resolve("pass").toString());
        }
        out.println("  " + nodes + " node(s) of the job attested (sample GPUs endorsed by the fleet's CA, CC mode on,"
                + " driver " + DRIVER + "): the passphrase was released to each as a JWE to its ephemeral key");
        // The workload writes a checkpoint and seals it before it leaves the node; the manifest goes to the journal.
        Path ckpt = workload.resolve("ckpt-step-100");
        writeCheckpoint(ckpt);
        String context = tenant + "/" + JOB + "/step-100";
        Step seal = must("seal", "--keyset", p(tenant + ".keyset"), "--passphrase-file", workload.resolve("pass").toString(),
                "--in", ckpt.toString(), "--out", p("sealed/step-100"), "--context", context, "--record",
                "--url", url, "--token", tenantToken);
        out.println("  the job sealed its step-100 checkpoint into " + p("sealed/step-100") + "; "
                + lastLine(seal.out()));
        Files.deleteIfExists(workload.resolve("pass"));
        // The tenant, with its own passphrase, unseals and checks the log for a rollback.
        Step unseal = must("unseal", "--keyset", p(tenant + ".keyset"), "--passphrase-file", p("tenant.pass"), "--in",
                p("sealed/step-100"), "--out", p("restored/step-100"), "--context", context, "--check-log",
                "--url", url, "--token", tenantToken);
        boolean same = sameTree(ckpt, dir.resolve("restored/step-100"));
        out.println("  " + tenant + " unsealed it (" + firstWords(unseal.out()) + "): "
                + (same ? "every byte matches what the job wrote" : "MISMATCH with what the job wrote"));
        // The operator has the sealed files and the keyset file, but no evidence the tenant's broker accepts.
        must("broker", "sample-ca", "--out", p("operator-ca"));
        Step forged = cli("broker", "fetch", "--broker", brokerUrl, "--resource", resource, "--sample-ca",
                p("operator-ca"), "--out", p("operator-got-this"));
        out.println("  the operator, with a GPU endorsed by its own CA: " + (forged.exitCode() == 0 ? "RELEASED (wrong)"
                : forged.err().replaceFirst("^error: ", "")));
        Step devtools = cli("broker", "fetch", "--broker", brokerUrl, "--resource", resource, "--sample-ca",
                p("fleet-sample-ca"), "--cc-mode", "devtools", "--driver", DRIVER, "--out", p("operator-got-this"));
        out.println("  the operator, with a genuine GPU switched to devtools mode: " + (devtools.exitCode() == 0
                ? "RELEASED (wrong)" : devtools.err().replaceFirst("^error: ", "")));
        int lines = BrokerLog.verify(dir.resolve("broker.log"));
        out.println("  the broker's log " + p("broker.log") + ": " + lines + " lines, hash chain intact, no secret in it");
    }

    /** A small checkpoint shaped like a real one (deterministic content). */
    private static void writeCheckpoint(Path ckpt) throws IOException {
        Files.createDirectories(ckpt);
        SplittableRandom r = new SplittableRandom(100);
        for (String name : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "optimizer.pt")) {
            byte[] b = new byte[(3 << 20) + r.nextInt(1 << 20)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) r.nextInt();
            }
            Files.write(ckpt.resolve(name), b);
        }
        Files.writeString(ckpt.resolve("config.json"), "{\"step\":100,\"model\":\"llama3-8b\"}\n");
    }

    private static boolean sameTree(Path a, Path b) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(a)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            Path g = b.resolve(a.relativize(f).toString());
            if (!Files.isRegularFile(g) || Files.mismatch(f, g) != -1) {
                return false;
            }
        }
        return !files.isEmpty();
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }

    private static String firstWords(String text) {
        String line = text.split("\n")[0];
        int cut = line.indexOf(" in ");
        return cut > 0 ? line.substring(0, cut) : line;
    }
}
