package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.colossus.ledger.Invoice;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.billing.InvoiceDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colossus demo}: a fresh server on the embedded defaults (H2, colossus2, speed 60) with three rival labs,
 * their contracts and a first wave of jobs, all created through the public API like any client would.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a demo control plane (colossus2, three tenants, contracts, jobs) and print its URL and tokens.")
final class DemoCommand implements Callable<Integer> {
    static final String MARKER = "demo.marker";

    @Option(names = "--data-dir", defaultValue = "colossus-data",
            description = "Data directory; a previous demo's is replaced, anything else is refused (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--speed", defaultValue = "60", description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--fleet", defaultValue = "colossus2", description = "Fleet preset (default: ${DEFAULT-VALUE}).")
    String fleet;

    @Option(names = "--once", description = "Set up, print, and stop (for scripts and tests) instead of serving until Ctrl-C.")
    boolean once;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        prepare(dataDir);
        PrintWriter out = spec.commandLine().getOut();
        ServerConfig config = ServerConfig.defaults().withDataDir(dataDir).withListen("127.0.0.1", port).withFleet(fleet)
                .withSpeed(speed);
        ColossusServer server = ColossusServer.start(config, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        BrokerServer broker = null;
        try {
            Files.writeString(dataDir.resolve(MARKER), "created by colossus demo; the next demo replaces this directory\n");
            Map<String, String> keys = seed(server.url(), server.operatorToken(), server.config().fleet(), out);
            ApiClient op = client(server.url(), server.operatorToken());
            JsonNode fleetView = op.get("/api/v1/fleet");
            String gpu = fleetView.get("gpuModels").get(0).asText();
            long fleetGpus = fleetView.get("gpus").asLong();
            broker = ConfidentialDemo.run(server.url(), "aurora-labs", keys.get("aurora-labs"), gpu,
                    fleetGpus >= 72 * 12 ? 72 : 16, dataDir.resolve("confidential"), out);
            String period = fleetView.get("time").asText().substring(0, 7);
            out.println();
            for (Map.Entry<String, String> k : keys.entrySet()) {
                Invoice inv = InvoiceDocument.parse(client(server.url(), k.getValue())
                        .getText("/api/v1/invoices/" + period + "-" + k.getKey(), "application/json"));
                out.printf(Locale.ROOT, "invoice %s (%s, to now): %s %s over %d lines; %s kWh, %s kg CO2e%n",
                        inv.id(), inv.status(), inv.total(), inv.currency(), inv.lines().size(), inv.energy().kwh(),
                        inv.energy().kgCo2e());
            }
            out.println();
            out.println("Colossus demo is running at " + server.url() + " (fleet " + fleet + ", speed " + speed + "x)");
            out.println("operator token: " + server.operatorToken());
            keys.forEach((t, k) -> out.println("tenant " + t + " key: " + k));
            out.println();
            out.println("Web console: " + server.url() + "/console  (sign in with the operator token above, or a tenant's"
                    + " key to see what that tenant sees)");
            out.println();
            out.println("Try, in another terminal:");
            out.println("  bin/colossus job list                      # as the operator (reads colossus-data/)");
            out.println("  bin/colossus node list --state down");
            String first = keys.keySet().iterator().next();
            out.println("  COLOSSUS_TOKEN=" + keys.get(first) + " bin/colossus job watch   # as " + first);
            out.println("  COLOSSUS_TOKEN=" + keys.get(first) + " bin/colossus audit verify --log-key "
                    + dataDir.resolve("audit.vkey") + "   # the audit log, as " + first);
            String inv = period + "-" + first;
            out.println("  COLOSSUS_TOKEN=" + keys.get(first) + " bin/colossus invoice export " + inv + " -o " + inv
                    + ".json");
            out.println("  COLOSSUS_TOKEN=" + keys.get(first) + " bin/colossus invoice verify " + inv + ".json --log-key "
                    + dataDir.resolve("audit.vkey") + "   # the bill, recomputed from the entries the log proves");
            out.println("  bin/colossus invoice issue --period " + period + "   # as the operator, once the month is over");
            out.println("  curl -H \"Authorization: Bearer $(cat " + dataDir.resolve("operator.token") + ")\" "
                    + server.url() + "/api/v1/fleet");
            if (broker != null) {
                Path c = dataDir.resolve("confidential");
                out.println("  bin/colossus unseal --keyset " + c.resolve("aurora-labs.keyset") + " --passphrase-file "
                        + c.resolve("tenant.pass") + " --in " + c.resolve("sealed/step-100") + " --verify-only"
                        + "   # as aurora-labs");
                out.println("  bin/colossus broker fetch --broker " + broker.url() + " --resource aurora-labs/keyset-passphrase/"
                        + ConfidentialDemo.JOB + " --sample-ca " + c.resolve("operator-ca") + " --out /tmp/x"
                        + "   # as the operator: refused");
            }
            out.flush();
        } catch (RuntimeException | IOException e) {
            closeQuietly(broker);
            server.close();
            throw e;
        }
        if (once) {
            closeQuietly(broker);
            server.close();
            return 0;
        }
        out.println("Ctrl-C stops it.");
        out.flush();
        try {
            ServeCommand.runUntilTerminated(server);
        } finally {
            closeQuietly(broker);
        }
        return 0;
    }

    private static void closeQuietly(BrokerServer broker) {
        if (broker != null) {
            broker.close();
        }
    }

    /** Empties a previous demo's directory; refuses a directory that holds something else. */
    static void prepare(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
        }
        if (empty) {
            return;
        }
        if (!Files.exists(dir.resolve(MARKER))) {
            throw new CliException("--data-dir " + dir + " holds data that is not a previous demo's; the demo starts"
                    + " fresh, so choose another directory (--data-dir) or move it away");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static ApiClient client(String url, String token) {
        ApiClient c = new ApiClient();
        c.url = url;
        c.token = token;
        return c;
    }

    /** Three labs, their contracts and a first wave of jobs, through the API. */
    static Map<String, String> seed(String url, String operatorToken, String fleetName, PrintWriter out) {
        ApiClient op = client(url, operatorToken);
        String now = op.get("/api/v1/fleet").get("time").asText();
        String end = Instant.parse(now).plusSeconds(30L * 86400).toString();
        String gpu = op.get("/api/v1/fleet").get("gpuModels").get(0).asText();
        long fleetGpus = op.get("/api/v1/fleet").get("gpus").asLong();
        Map<String, String> keys = new LinkedHashMap<>();
        for (String t : new String[] {"aurora-labs", "basilisk-ai", "cobalt-research"}) {
            keys.put(t, op.post("/api/v1/tenants", ApiClient.MAPPER.createObjectNode().put("name", t)).get("apiKey").asText());
        }
        // Shares of the fleet, so that the demo fits any preset.
        contract(op, "aurora-labs", "reserved", gpu, share(fleetGpus, 1.0 / 3), now, end, "3.40");
        contract(op, "aurora-labs", "on-demand", gpu, share(fleetGpus, 1.0 / 6), now, end, "4.20");
        contract(op, "basilisk-ai", "reserved", gpu, share(fleetGpus, 1.0 / 6), now, end, "3.40");
        contract(op, "basilisk-ai", "preemptible", gpu, share(fleetGpus, 1.0 / 3), now, end, "1.90");
        contract(op, "cobalt-research", "on-demand", gpu, share(fleetGpus, 1.0 / 12), now, end, "4.20");
        contract(op, "cobalt-research", "preemptible", gpu, share(fleetGpus, 1.0 / 6), now, end, "1.90");
        ApiClient a = client(url, keys.get("aurora-labs"));
        ApiClient b = client(url, keys.get("basilisk-ai"));
        ApiClient c = client(url, keys.get("cobalt-research"));
        int big = (int) Math.min(16_384, share(fleetGpus, 1.0 / 8));
        job(a, planned("llama3-405b-pretrain", gpu, big, "reserved", "llama3-405b", "15T"));
        job(a, timed("llama3-70b-sft", gpu, share(fleetGpus, 1.0 / 24), "reserved", 8 * 3600));
        for (int i = 1; i <= 3; i++) {
            job(a, timed("evals-" + i, gpu, 72, "on-demand", 1800 * i));
        }
        job(b, planned("deepseek-v3-pretrain", gpu, (int) Math.min(8_192, share(fleetGpus, 1.0 / 12)), "reserved",
                "deepseek-v3", "14.8T"));
        job(b, timed("rl-rollouts", gpu, share(fleetGpus, 1.0 / 12), "preemptible", 12 * 3600));
        job(c, planned("mixtral-8x22b", gpu, share(fleetGpus, 1.0 / 24), "on-demand", "mixtral-8x22b", "2T"));
        for (int i = 1; i <= 4; i++) {
            job(c, timed("ablation-" + i, gpu, share(fleetGpus, 1.0 / 96), "preemptible", 2 * 3600));
        }
        out.println("demo: 3 tenants, 6 contracts, " + op.get("/api/v1/jobs").get("items").size() + " jobs created through the API");
        return keys;
    }

    /** A share of the fleet, rounded down to whole 72-GPU racks (or 8-GPU nodes on small fleets). */
    private static int share(long fleetGpus, double fraction) {
        long unit = fleetGpus >= 72 * 12 ? 72 : 8;
        return (int) Math.max(unit, Math.floor(fleetGpus * fraction / unit) * unit);
    }

    private static void contract(ApiClient op, String tenant, String cls, String gpu, int gpus, String start, String end,
                                 String price) {
        ObjectNode b = ApiClient.MAPPER.createObjectNode();
        b.put("tenant", tenant).put("class", cls).put("gpuModel", gpu).put("gpus", gpus).put("start", start)
                .put("end", end).put("pricePerGpuHour", price);
        op.post("/api/v1/contracts", b);
    }

    private static ObjectNode timed(String name, String gpu, int gpus, String cls, long seconds) {
        return ApiClient.MAPPER.createObjectNode().put("name", name).put("gpuModel", gpu).put("gpus", gpus)
                .put("class", cls).put("durationSeconds", seconds);
    }

    private static ObjectNode planned(String name, String gpu, int gpus, String cls, String model, String tokens) {
        return ApiClient.MAPPER.createObjectNode().put("name", name).put("gpuModel", gpu).put("gpus", gpus)
                .put("class", cls).put("model", model).put("tokens", tokens);
    }

    private static JsonNode job(ApiClient tenant, ObjectNode body) {
        return tenant.post("/api/v1/jobs", body);
    }
}
