package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.colossus.client.AuditClient;
import org.colossus.client.PlainHttp;
import org.colossus.ledger.Invoice;
import org.colossus.server.billing.InvoiceCheck;
import org.colossus.server.billing.InvoiceDocument;
import org.colossus.server.journal.Entry;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.Cosignature;
import org.colossus.trust.NoteKey;
import org.colossus.trust.SignedNote;
import org.colossus.trust.TenantVerifier;
import org.colossus.trust.TrustException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colossus audit}: the tenant's side of the transparency log (docs/audit-log.md). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify the operator's audit log as a tenant, or run a witness.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.WitnessCommand.class, AuditCommand.Key.class})
final class AuditCommand {
    /** Exit code when a check fails (1 is bad input or an unreachable server, 2 a usage error). */
    static final int EXIT_VERIFICATION_FAILED = 3;

    private AuditCommand() {
    }

    /** A key given inline or as a file holding it. */
    static String keyText(String arg, String option) {
        Path p = Path.of(arg);
        if (!arg.contains("+") || Files.isRegularFile(p)) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new CliException(option + " " + arg + ": neither a key (name+id+base64) nor a readable file");
            }
        }
        return arg.trim();
    }

    static NoteKey.Verifier verifierKey(String arg, String option) {
        String text = keyText(arg, option);
        try {
            return NoteKey.parseVerifier(text);
        } catch (TrustException e) {
            throw new CliException(option + " " + arg + ": not a signed-note verifier key: " + e.getMessage());
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true,
            description = "Print the log's verifier key as the server serves it (pin it only if you trust this channel;"
                    + " better, get audit.vkey from the operator out of band).")
    static final class Key implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(new AuditClient(api.leaderUrl(), api.token(), 1000).key());
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check, as a tenant, that the operator's log is signed by the pinned key, extends the log you",
                    "verified before, holds every one of your entries since then unaltered, and that nobody else held",
                    "any node while you did. Exit 0 if all holds, 3 naming what failed, 1 for bad input or an unreachable server."})
    static class Verify implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Mixin
        FormatOption output;

        @Spec
        CommandSpec spec;

        @Option(names = "--log-key", paramLabel = "VKEY|FILE",
                description = "The log's verifier key (name+id+base64, or a file with it, e.g. the operator's audit.vkey)."
                        + " Required on the first run; afterwards the state file pins it.")
        String logKey;

        @Option(names = "--state", paramLabel = "FILE",
                description = "Where the last verified checkpoint is kept (default: colossus-audit-TENANT.state).")
        Path state;

        @Option(names = "--witness", paramLabel = "VKEY@URL",
                description = "A witness to cosign the checkpoint (C2SP tlog-witness); repeatable.")
        List<String> witnesses = new ArrayList<>();

        @Option(names = "--require-witnesses", paramLabel = "K",
                description = "Cosignatures needed (default: every --witness).")
        Integer required;

        @Option(names = "--page", defaultValue = "10000", hidden = true)
        int page;

        @Option(names = "--invoice", paramLabel = "FILE",
                description = {"Also check an invoice (as 'invoice export' saved it): every own entry is proven again from"
                        + " the start, the bill is recomputed from them line by line, and its SHA-256 must be the one its"
                        + " invoice.issued entry carries."})
        Path invoice;

        @Override
        public Integer call() {
            JsonNode who = api.get("/api/v1/whoami");
            if (!"tenant".equals(who.path("role").asText())) {
                throw new CliException("audit verify checks a tenant's facts: use a tenant's token, not the operator's");
            }
            String tenant = who.get("tenant").asText();
            Path stateFile = state != null ? state : Path.of("colossus-audit-" + tenant + ".state");
            TenantVerifier.State previous = null;
            if (Files.exists(stateFile)) {
                try {
                    previous = TenantVerifier.State.parse(Files.readString(stateFile, StandardCharsets.UTF_8));
                } catch (IOException | TrustException e) {
                    throw new CliException("--state " + stateFile + ": " + e.getMessage());
                }
            }
            NoteKey.Verifier key;
            if (logKey != null) {
                key = verifierKey(logKey, "--log-key");
                if (previous != null && !previous.key().equals(key.encode())) {
                    throw new CliException("--log-key " + key.encode() + " differs from the key pinned in " + stateFile
                            + " (" + previous.key() + "); a log does not change keys: investigate, or start a new --state");
                }
            } else if (previous != null) {
                key = NoteKey.parseVerifier(previous.key());
            } else {
                throw new CliException("--log-key is required on the first run: the log's verifier key, obtained from the"
                        + " operator out of band (its data directory's audit.vkey); 'colossus audit key' prints what the"
                        + " server says");
            }
            Map<NoteKey.Verifier, String> wits = new LinkedHashMap<>();
            for (String w : witnesses) {
                int at = w.indexOf('@');
                if (at < 1 || at == w.length() - 1) {
                    throw new CliException("--witness " + w + ": expected VKEY@URL");
                }
                wits.put(verifierKey(w.substring(0, at), "--witness"), w.substring(at + 1));
            }
            int need = required == null ? wits.size() : required;
            if (need < 0 || need > wits.size()) {
                throw new CliException("--require-witnesses " + need + ": expected 0 to the " + wits.size() + " witnesses given");
            }
            Invoice claimed = invoice == null ? null : readInvoice(invoice);
            AuditClient client = new AuditClient(api.leaderUrl(), api.token(), page);
            long t0 = System.nanoTime();
            List<Entry> proven = new ArrayList<>();
            TenantVerifier verifier = new TenantVerifier(client, key, tenant);
            TenantVerifier.State from = previous;
            if (claimed != null) {
                verifier.onProvenEntry(c -> proven.add(InvoiceCheck.entry(c)));
                // An invoice rests on entries from the start: prove them all again, still checking that the log
                // extends the one verified before.
                from = previous == null ? null
                        : new TenantVerifier.State(previous.key(), previous.size(), previous.root(), 0, Map.of());
            }
            TenantVerifier.Report report = verifier.verify(from);
            List<String> evidence = new ArrayList<>(report.evidence());
            List<String> failures = new ArrayList<>(report.failures());
            if (claimed != null && failures.isEmpty()) {
                InvoiceCheck.Result r = InvoiceCheck.check(claimed, tenant, proven);
                evidence.addAll(r.evidence());
                failures.addAll(r.failures());
            }
            if (report.checkpoint() != null && !wits.isEmpty() && failures.isEmpty()) {
                witness(client, report, wits, need, evidence, failures);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failures.isEmpty() && report.next() != null) {
                save(stateFile, report.next().encode());
            }
            print(tenant, stateFile, evidence, failures, seconds);
            return failures.isEmpty() ? 0 : EXIT_VERIFICATION_FAILED;
        }

        private void witness(AuditClient client, TenantVerifier.Report report, Map<NoteKey.Verifier, String> wits, int need,
                             List<String> evidence, List<String> failures) {
            Checkpoint cp = report.checkpoint();
            int cosigned = 0;
            List<String> refusals = new ArrayList<>();
            for (var w : wits.entrySet()) {
                try {
                    String line = addCheckpoint(client, w.getValue(), cp, report.note());
                    SignedNote withCosig = SignedNote.parse(report.note() + line);
                    Cosignature.verify(withCosig, w.getKey());
                    cosigned++;
                } catch (TrustException e) {
                    refusals.add("witness " + w.getKey().name() + " (" + w.getValue() + "): " + e.getMessage());
                }
            }
            if (cosigned >= need) {
                evidence.add("witnesses: " + cosigned + " of " + wits.size() + " cosigned checkpoint " + cp.size()
                        + " (required " + need + ")");
                refusals.forEach(r -> evidence.add("  (" + r + ")"));
            } else {
                failures.add("witnesses: " + cosigned + " of " + wits.size() + " cosigned, " + need + " required");
                failures.addAll(refusals);
            }
        }

        /** tlog-witness add-checkpoint: learn the witness's size from a 409, then send the proof from it. */
        private static String addCheckpoint(AuditClient client, String url, Checkpoint cp, String note) {
            long old = 0;
            for (int attempt = 0; attempt < 2; attempt++) {
                StringBuilder body = new StringBuilder("old ").append(old).append('\n');
                if (old > 0 && old < cp.size()) {
                    for (byte[] h : client.consistencyProof(old, cp.size())) {
                        body.append(Base64.getEncoder().encodeToString(h)).append('\n');
                    }
                }
                body.append('\n').append(note);
                PlainHttp.Reply r;
                try {
                    r = PlainHttp.send("POST", url.replaceAll("/$", "") + "/add-checkpoint", Map.of(),
                            body.toString().getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new TrustException("unreachable: " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new TrustException("bad URL: " + e.getMessage());
                }
                if (r.status() == 200) {
                    return r.text();
                }
                boolean sizeHint = r.status() == 409 && r.contentType().startsWith("text/x.tlog.size");
                if (sizeHint && attempt == 0) {
                    long have = Long.parseLong(r.text().trim());
                    if (have > cp.size()) {
                        throw new TrustException("it has already cosigned a tree of " + have + " leaves, larger than the "
                                + cp.size() + " shown to you: the log showed you a rolled-back or stale view");
                    }
                    old = have;
                    continue;
                }
                throw new TrustException("refused (HTTP " + r.status() + "): " + r.text().trim());
            }
            throw new TrustException("refused twice");
        }

        private static Invoice readInvoice(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("--invoice " + file + ": cannot read it (" + e.getMessage() + ")");
            }
            try {
                return InvoiceDocument.parse(text);
            } catch (RuntimeException e) {
                throw new CliException("--invoice " + file + ": not an invoice as 'colossus invoice export --format json'"
                        + " writes it");
            }
        }

        private static void save(Path file, String text) {
            OwnerFiles.writeOrFail(file, text, true, "the verifier state");
        }

        private void print(String tenant, Path stateFile, List<String> evidence, List<String> failures, double seconds) {
            var out = spec.commandLine().getOut();
            if (output.json()) {
                ObjectNode j = ApiClient.MAPPER.createObjectNode();
                j.put("tenant", tenant);
                j.put("verdict", failures.isEmpty() ? "passed" : "failed");
                ArrayNode ev = j.putArray("evidence");
                evidence.forEach(ev::add);
                ArrayNode fl = j.putArray("failures");
                failures.forEach(fl::add);
                j.put("seconds", Math.round(seconds * 1000) / 1000.0);
                j.put("state", stateFile.toString());
                out.println(Json.write(j));
            } else {
                out.println("audit verify for " + tenant + ": " + (failures.isEmpty() ? "PASSED" : "FAILED")
                        + String.format(" (%.2f s)", seconds));
                evidence.forEach(e -> out.println("  ok      " + e));
                failures.forEach(f -> out.println("  FAILED  " + f));
                out.println(failures.isEmpty() ? "  state saved to " + stateFile
                        : "  state not updated (" + stateFile + " keeps the last good checkpoint)");
            }
            out.flush();
        }
    }

    @Command(name = "witness", mixinStandardHelpOptions = true,
            description = {"Run a C2SP tlog-witness for Colossus logs: cosigns a checkpoint only if it extends the last",
                    "one it cosigned (refusing rollbacks, forks and split views), until SIGTERM or Ctrl-C."})
    static final class WitnessCommand implements Callable<Integer> {
        @Option(names = "--key", paramLabel = "FILE", required = true,
                description = "The witness's private key file; created with --name if it does not exist.")
        Path keyFile;

        @Option(names = "--name", description = "The witness's name for a new key (e.g. witness.example.org).")
        String name;

        @Option(names = "--log", paramLabel = "VKEY|FILE", required = true,
                description = "The verifier key of a log to witness; repeatable.")
        List<String> logs;

        @Option(names = "--state", paramLabel = "FILE", required = true,
                description = "What it has cosigned (origin, size, root per log).")
        Path state;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "8090", description = "Port; 0 picks one (default: ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() throws Exception {
            WitnessServer server = start(keyFile, name, logs, state, host, port);
            System.out.println("witness " + server.verifier().encode() + " listening on " + server.url());
            ServeCommand.runUntilTerminated(server);
            return 0;
        }

        static WitnessServer start(Path keyFile, String name, List<String> logs, Path state, String host, int port)
                throws IOException {
            NoteKey.Signer key;
            if (Files.exists(keyFile)) {
                try {
                    key = NoteKey.parseSigner(Files.readString(keyFile, StandardCharsets.UTF_8).trim());
                } catch (TrustException e) {
                    throw new CliException("--key " + keyFile + ": not a signed-note private key: " + e.getMessage());
                }
            } else {
                if (name == null || name.isBlank()) {
                    throw new CliException("--key " + keyFile + " does not exist: pass --name to create a witness key");
                }
                key = NoteKey.generate(name, new SecureRandom()).asCosigner();
                OwnerFiles.writeOrFail(keyFile, key.encode() + "\n", false, "--key");
            }
            Map<String, NoteKey.Verifier> followed = new LinkedHashMap<>();
            for (String l : logs) {
                NoteKey.Verifier v = verifierKey(l, "--log");
                followed.put(v.name(), v);
            }
            return new WitnessServer(key, followed, state, host, port, InstantSource.system());
        }
    }
}
