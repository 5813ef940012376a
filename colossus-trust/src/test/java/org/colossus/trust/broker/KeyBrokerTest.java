package org.colossus.trust.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.colossus.trust.attest.ReleasePolicy;
import org.colossus.trust.attest.SampleTee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key broker's protocol flow with the sample attester and with real NVIDIA evidence. */
class KeyBrokerTest {
    @TempDir
    Path dir;

    static final byte[] SECRET = "the checkpoint key of lab-a run-7".getBytes(StandardCharsets.UTF_8);

    /** A clock the test moves. */
    static final class Clock implements InstantSource {
        Instant now = Instant.parse("2026-11-26T00:00:00Z");

        public Instant instant() {
            return now;
        }
    }

    /** A SecureRandom whose first 32-byte draw is a given nonce (to answer a recorded GPU report). */
    static final class FixedNonce extends SecureRandom {
        byte[] first;

        FixedNonce(byte[] first) {
            this.first = first;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (first != null && bytes.length == 32) {
                System.arraycopy(first, 0, bytes, 0, 32);
                first = null;
            } else {
                super.nextBytes(bytes);
            }
        }
    }

    final Clock clock = new Clock();
    final SampleTee.Ca ca = SampleTee.Ca.generate(new SecureRandom());

    KeyBroker broker(String policy, SecureRandom random) {
        return new KeyBroker(ReleasePolicy.parse(policy), Map.of("lab-a/checkpoint-key/run-7", SECRET), ca.publicKey(),
                null, null, clock, random, new BrokerLog(dir.resolve("broker.log"), clock), Duration.ofMinutes(5),
                Duration.ofMinutes(10));
    }

    static String attestation(KeyBroker.Challenge c, ECKey workload, Object evidence) {
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("nonce", c.nonce());
        runtime.put("tee-pubkey", workload.toPublicJWK().toJSONObject());
        Map<String, Object> att = new LinkedHashMap<>();
        att.put("runtime-data", runtime);
        att.put("tee-evidence", evidence);
        return JSONObjectUtils.toJSONString(att);
    }

    Map<String, Object> evidence(KeyBroker.Challenge c, ECKey workload, String ccMode) throws Exception {
        SampleTee.Device gpu = ca.device(new SecureRandom(), ccMode, false, "550.90.07", "96.00.9f.00.01", Map.of(2, "ab"));
        return gpu.evidence(Base64.getDecoder().decode(c.nonce()), workload.toPublicJWK().computeThumbprint().toString(),
                clock.now);
    }

    @Test
    void sampleFlow_attestedWorkloadGetsTheSecretAsAJweOnlyItCanOpen() throws Exception {
        KeyBroker b = broker("{\"ccMode\":\"on\",\"debug\":false,\"maxEvidenceAgeSeconds\":60}", new SecureRandom());
        ECKey workload = new ECKeyGenerator(Curve.P_256).generate();
        KeyBroker.Challenge c = b.auth("{\"version\":\"0.4.0\",\"tee\":\"sample\",\"extra-params\":\"\"}");
        String token = b.attest(c.sessionId(), attestation(c, workload, evidence(c, workload, "on")));
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new ECDSAVerifier(b.tokenKey().toECKey()))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getClaim("tee")).isEqualTo("sample");

        Map<String, Object> jwe = b.resource(c.sessionId(), "lab-a/checkpoint-key/run-7");
        assertThat(jwe).containsOnlyKeys("protected", "encrypted_key", "iv", "ciphertext", "tag");
        JWEObject o = JWEObject.parse(jwe.get("protected") + "." + jwe.get("encrypted_key") + "." + jwe.get("iv") + "."
                + jwe.get("ciphertext") + "." + jwe.get("tag"));
        o.decrypt(new ECDHDecrypter(workload));
        assertThat(o.getPayload().toBytes()).isEqualTo(SECRET);
        assertThatThrownBy(() -> {
            JWEObject again = JWEObject.parse(o.serialize());
            again.decrypt(new ECDHDecrypter(new ECKeyGenerator(Curve.P_256).generate()));
        }).isNotNull();

        assertThatThrownBy(() -> b.resource(c.sessionId(), "lab-a/checkpoint-key/run-8"))
                .hasMessageContaining("no resource").extracting(e -> ((KeyBroker.Refused) e).status()).isEqualTo(404);
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThatThrownBy(() -> b.resource(c.sessionId(), "lab-a/checkpoint-key/run-7"))
                .extracting(e -> ((KeyBroker.Refused) e).type()).isEqualTo("ExpiredToken");

        // The log holds every step, chains, and never the secret.
        String log = Files.readString(dir.resolve("broker.log"));
        assertThat(log).contains("\"verdict\":\"attested\"", "\"verdict\":\"released\"", "\"verdict\":\"refused\"")
                .doesNotContain("checkpoint key of").doesNotContain(Base64.getEncoder().encodeToString(SECRET));
        assertThat(BrokerLog.verify(dir.resolve("broker.log"))).isEqualTo(4);
        Files.writeString(dir.resolve("broker.log"), log.replace("\"verdict\":\"refused\"", "\"verdict\":\"released\""));
        assertThatThrownBy(() -> BrokerLog.verify(dir.resolve("broker.log"))).hasMessageContaining("does not follow");
    }

    /** Security review: a relay rewrote "tee-evidence": E into [E, E] and met minGpus 2 with one GPU. */
    @Test
    void attest_duplicatedEvidenceToMeetMinGpus_refusedAndNothingReleased() throws Exception {
        KeyBroker b = broker("{\"minGpus\":2,\"ccMode\":\"on\"}", new SecureRandom());
        ECKey workload = new ECKeyGenerator(Curve.P_256).generate();
        KeyBroker.Challenge c = b.auth("{\"version\":\"0.4.0\",\"tee\":\"sample\",\"extra-params\":\"\"}");
        Map<String, Object> one = evidence(c, workload, "on");
        assertThatThrownBy(() -> b.attest(c.sessionId(), attestation(c, workload, List.of(one, one))))
                .isInstanceOf(KeyBroker.Refused.class).hasMessageContaining("policy rule distinctGpus")
                .extracting(e -> ((KeyBroker.Refused) e).status()).isEqualTo(403);
        assertThatThrownBy(() -> b.resource(c.sessionId(), "lab-a/checkpoint-key/run-7"))
                .isInstanceOf(KeyBroker.Refused.class);
        assertThat(Files.readString(dir.resolve("broker.log"))).doesNotContain("\"verdict\":\"attested\"");

        // Two distinct GPUs answering the same challenge meet the same policy.
        KeyBroker.Challenge c2 = b.auth("{\"version\":\"0.4.0\",\"tee\":\"sample\",\"extra-params\":\"\"}");
        assertThat(b.attest(c2.sessionId(), attestation(c2, workload,
                List.of(evidence(c2, workload, "on"), evidence(c2, workload, "on"))))).isNotBlank();
    }

    @Test
    void attest_operatorWithoutValidEvidence_refusedAndNothingReleased() throws Exception {
        KeyBroker b = broker("{\"ccMode\":\"on\"}", new SecureRandom());
        ECKey workload = new ECKeyGenerator(Curve.P_256).generate();
        // No session at all.
        assertThatThrownBy(() -> b.resource(null, "lab-a/checkpoint-key/run-7"))
                .extracting(e -> ((KeyBroker.Refused) e).status()).isEqualTo(401);
        // Evidence from a device of another CA (the operator's own "GPU").
        KeyBroker.Challenge c = b.auth("{\"version\":\"0.4.0\",\"tee\":\"sample\"}");
        SampleTee.Device forged = SampleTee.Ca.generate(new SecureRandom()).device(new SecureRandom(), "on", false, "x", "y",
                Map.of());
        var ev = forged.evidence(Base64.getDecoder().decode(c.nonce()), workload.toPublicJWK().computeThumbprint().toString(),
                clock.now);
        assertThatThrownBy(() -> b.attest(c.sessionId(), attestation(c, workload, ev)))
                .hasMessageContaining("not endorsed by the pinned sample CA");
        assertThatThrownBy(() -> b.resource(c.sessionId(), "lab-a/checkpoint-key/run-7"))
                .extracting(e -> ((KeyBroker.Refused) e).status()).isEqualTo(401);
        // Nonce reuse: the same session cannot be answered twice, even with good evidence.
        assertThatThrownBy(() -> b.attest(c.sessionId(), attestation(c, workload, evidence(c, workload, "on"))))
                .extracting(e -> ((KeyBroker.Refused) e).type()).isEqualTo("NonceReused");
        // Devtools mode: the policy rule is named.
        KeyBroker.Challenge d = b.auth("{\"version\":\"0.4.0\",\"tee\":\"sample\"}");
        assertThatThrownBy(() -> b.attest(d.sessionId(), attestation(d, workload, evidence(d, workload, "devtools"))))
                .hasMessage("policy rule ccMode failed: GPU 0 (sample) is in CC mode 'devtools', required 'on'");
        // Evidence bound to another key than the one the secret would be sealed to.
        KeyBroker.Challenge e = b.auth("{\"version\":\"0.4.0\",\"tee\":\"sample\"}");
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        assertThatThrownBy(() -> b.attest(e.sessionId(), attestation(e, other, evidence(e, workload, "on"))))
                .hasMessageContaining("not bound to this workload's public key");
        assertThatThrownBy(() -> b.auth("{\"version\":\"0.1.0\",\"tee\":\"sample\"}")).hasMessageContaining("speaks 0.4.0");
    }

    @Test
    void nvidiaFlow_realH100EvidenceAnsweringTheChallenge_attested() throws Exception {
        Path vectors = org.colossus.trust.Vectors.dir("nvidia/trustee");
        byte[] nonce = HexFormat.of().parseHex("931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb");
        var root = org.colossus.trust.attest.GpuEvidence.certificates(Files.readString(vectors.resolve("nvidia_device_root.pem"))).get(0);
        KeyBroker b = new KeyBroker(ReleasePolicy.parse("{\"driverVersions\":[\"550.90.07\"]}"),
                Map.of("lab-a/checkpoint-key/run-7", SECRET), null, root, Instant.parse("2024-06-01T00:00:00Z"), clock,
                new FixedNonce(nonce), new BrokerLog(dir.resolve("nv.log"), clock), Duration.ofMinutes(5), Duration.ofMinutes(10));
        ECKey workload = new ECKeyGenerator(Curve.P_256).generate();
        KeyBroker.Challenge c = b.auth("{\"version\":\"0.4.0\",\"tee\":\"nvidia\"}");
        Map<String, Object> gpu = new LinkedHashMap<>();
        gpu.put("arch", "HOPPER");
        gpu.put("evidence", Base64.getEncoder().encodeToString(HexFormat.of().parseHex(
                Files.readString(vectors.resolve("hopperAttestationReport.txt")).strip())));
        gpu.put("certificate", Base64.getEncoder().encodeToString(
                Files.readAllBytes(vectors.resolve("hopper_cert_chain_case1.txt"))));
        String token = b.attest(c.sessionId(), attestation(c, workload, List.of(gpu)));
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getClaim("tee")).isEqualTo("nvidia");
        assertThat(b.resource(c.sessionId(), "lab-a/checkpoint-key/run-7")).containsKey("ciphertext");
        // Another challenge: the recorded report answers the old nonce, not this one.
        KeyBroker.Challenge d = b.auth("{\"version\":\"0.4.0\",\"tee\":\"nvidia\"}");
        assertThatThrownBy(() -> b.attest(d.sessionId(), attestation(d, workload, gpu)))
                .hasMessageContaining("nonce: the report answers challenge 931d8dd0");
    }
}
