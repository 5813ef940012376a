package org.colossus.cli;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.colossus.trust.TrustException;
import org.colossus.trust.attest.GpuEvidence;
import org.colossus.trust.attest.ReleasePolicy;
import org.colossus.trust.attest.SampleTee;
import org.colossus.trust.broker.BrokerLog;
import org.colossus.trust.broker.KeyBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colossus broker}: the tenant's key broker (KBS protocol 0.4.0) and the sample attester's client side. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "The tenant's attestation-gated key broker, and the sample attester of the simulated fleet.",
        subcommands = {BrokerCommand.Serve.class, BrokerCommand.SampleCa.class, BrokerCommand.Fetch.class})
final class BrokerCommand {
    private BrokerCommand() {
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Run the tenant's key broker: releases a resource only to a workload whose evidence satisfies",
                    "the policy, as a JWE to the workload's key; every release and refusal goes to --log."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "Release policy (JSON, docs/trust.md).")
        Path policy;

        @Option(names = "--resources", required = true, paramLabel = "DIR",
                description = "Secrets as files DIR/REPOSITORY/TYPE/TAG.")
        Path resources;

        @Option(names = "--sample-ca", paramLabel = "FILE", description = "Accept sample evidence endorsed by this CA.")
        Path sampleCa;

        @Option(names = "--nvidia-root", paramLabel = "PEM", description = "Accept NVIDIA evidence chaining to this root.")
        Path nvidiaRoot;

        @Option(names = "--log", required = true, paramLabel = "FILE", description = "The broker's append-only log.")
        Path log;

        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;

        @Option(names = "--port", defaultValue = "8091")
        int port;

        @Override
        public Integer call() throws Exception {
            try (BrokerServer s = start(this)) {
                System.out.println("key broker listening on " + s.url() + " (KBS protocol " + KeyBroker.PROTOCOL + ")");
                ServeCommand.runUntilTerminated(s);
            }
            return 0;
        }

        static BrokerServer start(Serve o) throws IOException {
            ReleasePolicy p;
            try {
                p = ReleasePolicy.parse(Files.readString(o.policy));
            } catch (TrustException e) {
                throw new CliException("--policy " + o.policy + ": " + e.getMessage());
            }
            Map<String, byte[]> secrets = new HashMap<>();
            if (!Files.isDirectory(o.resources)) {
                throw new CliException("--resources " + o.resources + ": not a directory");
            }
            try (var walk = Files.walk(o.resources)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    String name = o.resources.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                    if (name.split("/").length == 3) {
                        secrets.put(name, Files.readAllBytes(f));
                    }
                }
            }
            String ca = null;
            if (o.sampleCa != null) {
                String text = Files.readString(o.sampleCa).strip();
                ca = text.startsWith("colossus-sample-ca/v1") ? SampleTee.Ca.decode(text + "\n").publicKey() : text;
            }
            java.security.cert.X509Certificate root = o.nvidiaRoot == null ? null
                    : GpuEvidence.certificates(Files.readString(o.nvidiaRoot)).get(0);
            KeyBroker broker = new KeyBroker(p, secrets, ca, root, null, InstantSource.system(), new SecureRandom(),
                    new BrokerLog(o.log, InstantSource.system()), Duration.ofMinutes(5), Duration.ofMinutes(30));
            return new BrokerServer(broker, o.host, o.port);
        }
    }

    @Command(name = "sample-ca", mixinStandardHelpOptions = true,
            description = "Create the sample attester's test CA (the simulated fleet's GPU vendor); the broker pins it.")
    static final class SampleCa implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            SampleTee.Ca ca = SampleTee.Ca.generate(new SecureRandom());
            OwnerFiles.writeOrFail(out, ca.encode(), false, "--out");
            spec.commandLine().getOut().println("sample CA " + out + " created; public key " + ca.publicKey());
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Act as a confidential workload of the simulated fleet: make an ephemeral key, answer the",
                    "broker's challenge with sample evidence from a GPU endorsed by --sample-ca, and write the released",
                    "resource to --out. Without a CA the broker pins, the broker refuses."})
    static final class Fetch implements Callable<Integer> {
        @Option(names = "--broker", required = true, paramLabel = "URL")
        String broker;

        @Option(names = "--resource", required = true, paramLabel = "REPO/TYPE/TAG")
        String resource;

        @Option(names = "--sample-ca", required = true, paramLabel = "FILE")
        Path sampleCa;

        @Option(names = "--cc-mode", defaultValue = "on", description = "The simulated GPU's CC mode (on, devtools, off).")
        String ccMode;

        @Option(names = "--driver", defaultValue = "550.90.07")
        String driver;

        @Option(names = "--vbios", defaultValue = "96.00.9f.00.01")
        String vbios;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SampleTee.Ca ca = SampleTee.Ca.decode(Files.readString(sampleCa));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = broker.replaceAll("/$", "");
            HttpResponse<String> auth = http.send(HttpRequest.newBuilder(URI.create(base + "/kbs/v0/auth"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"version\":\"0.4.0\",\"tee\":\"sample\",\"extra-params\":\"\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            check(auth);
            String cookie = auth.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            String nonce = (String) JSONObjectUtils.parse(auth.body()).get("nonce");
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            SampleTee.Device gpu = ca.device(new SecureRandom(), ccMode, false, driver, vbios, Map.of(1, "00"));
            Map<String, Object> runtime = new LinkedHashMap<>();
            runtime.put("nonce", nonce);
            runtime.put("tee-pubkey", key.toPublicJWK().toJSONObject());
            Map<String, Object> att = new LinkedHashMap<>();
            att.put("runtime-data", runtime);
            att.put("tee-evidence", gpu.evidence(Base64.getDecoder().decode(nonce), key.toPublicJWK().computeThumbprint()
                    .toString(), Instant.now()));
            HttpResponse<String> attest = http.send(HttpRequest.newBuilder(URI.create(base + "/kbs/v0/attest"))
                    .header("Cookie", cookie).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(att))).build(),
                    HttpResponse.BodyHandlers.ofString());
            check(attest);
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/kbs/v0/resource/" + resource))
                    .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
            check(res);
            Map<String, Object> jwe = JSONObjectUtils.parse(res.body());
            JWEObject o = JWEObject.parse(jwe.get("protected") + "." + jwe.get("encrypted_key") + "." + jwe.get("iv") + "."
                    + jwe.get("ciphertext") + "." + jwe.get("tag"));
            o.decrypt(new ECDHDecrypter(key));
            byte[] secret = o.getPayload().toBytes();
            OwnerFiles.write(out, secret, true);
            spec.commandLine().getOut().println("attested (sample GPU, CC mode " + ccMode + "); " + resource + " released as"
                    + " a JWE to this workload's ephemeral key; " + secret.length + " bytes written to " + out);
            return 0;
        }

        private static void check(HttpResponse<String> r) {
            if (r.statusCode() != 200) {
                String detail = r.body();
                try {
                    detail = (String) JSONObjectUtils.parse(r.body()).getOrDefault("detail", detail);
                } catch (java.text.ParseException ignored) {
                    // not a problem document
                }
                throw new CliException("broker refused (HTTP " + r.statusCode() + "): " + detail);
            }
        }
    }
}
