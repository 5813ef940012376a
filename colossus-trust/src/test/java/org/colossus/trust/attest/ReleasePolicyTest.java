package org.colossus.trust.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.colossus.trust.TrustException;
import org.junit.jupiter.api.Test;

/** The release policy over sample and real NVIDIA evidence; every refusal names its rule. */
class ReleasePolicyTest {
    static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");
    static final String KEY = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"...\",\"y\":\"...\"}";
    static final String POLICY = "{\"minGpus\":1,\"ccMode\":\"on\",\"debug\":false,\"driverVersions\":[\"550.90.07\"],"
            + "\"vbiosVersions\":[\"96.00.9F.00.01\"],\"measurements\":{\"2\":\"ab12\"},\"maxEvidenceAgeSeconds\":300}";

    static AttestedGpu sample(SampleTee.Ca ca, String cc, boolean debug, String driver, Instant at) {
        SampleTee.Device d = ca.device(new SecureRandom(), cc, debug, driver, "96.00.9f.00.01", Map.of(2, "ab12", 3, "cd34"));
        byte[] nonce = new byte[32];
        nonce[0] = 7;
        return SampleTee.verify(d.evidence(nonce, KEY, at), ca.publicKey(), nonce, KEY);
    }

    @Test
    void evaluate_sampleGpuMeetingEveryRule_allowed() {
        SampleTee.Ca ca = SampleTee.Ca.generate(new SecureRandom());
        var v = ReleasePolicy.parse(POLICY).evaluate(List.of(sample(ca, "on", false, "550.90.07", NOW.minusSeconds(10))), NOW);
        assertThat(v.allowed()).as(v.detail()).isTrue();
    }

    @Test
    void evaluate_eachRuleBroken_deniedNamingTheRule() {
        SampleTee.Ca ca = SampleTee.Ca.generate(new SecureRandom());
        ReleasePolicy p = ReleasePolicy.parse(POLICY);
        assertThat(p.evaluate(List.of(sample(ca, "devtools", false, "550.90.07", NOW), sample(ca, "on", false, "550.90.07", NOW)), NOW))
                .extracting(ReleasePolicy.Verdict::rule, ReleasePolicy.Verdict::detail)
                .containsExactly("ccMode", "GPU 0 (sample) is in CC mode 'devtools', required 'on'");
        assertThat(p.evaluate(List.of(sample(ca, "on", true, "550.90.07", NOW)), NOW).rule()).isEqualTo("debug");
        assertThat(p.evaluate(List.of(sample(ca, "on", false, "535.1", NOW)), NOW).detail())
                .isEqualTo("GPU 0 (sample) runs driver 535.1, allowed [550.90.07]");
        assertThat(p.evaluate(List.of(sample(ca, "on", false, "550.90.07", NOW.minusSeconds(301))), NOW).rule())
                .isEqualTo("maxEvidenceAgeSeconds");
        assertThat(ReleasePolicy.parse("{\"minGpus\":8}").evaluate(List.of(sample(ca, "on", false, "x", NOW)), NOW).detail())
                .isEqualTo("1 GPU(s) attested, 8 required");
        assertThat(ReleasePolicy.parse("{\"measurements\":{\"3\":\"ffff\"}}")
                .evaluate(List.of(sample(ca, "on", false, "x", NOW)), NOW).detail()).contains("measurement 3 is cd34");
    }

    @Test
    void evaluate_realNvidiaEvidence_judgedOnItsVersionsAndMeasurements() throws Exception {
        var claims = GpuEvidence.verify(GpuEvidenceTest.report("hopperAttestationReport.txt"),
                GpuEvidenceTest.text("hopper_cert_chain_case1.txt"), GpuEvidenceTest.root(), GpuEvidenceTest.NONCE,
                GpuEvidenceTest.WHEN);
        AttestedGpu gpu = AttestedGpu.of(claims, NOW);
        String m2 = claims.measurements().get(2);
        assertThat(ReleasePolicy.parse("{\"driverVersions\":[\"550.90.07\"],\"vbiosVersions\":[\"96.00.9F.00.01\"],"
                + "\"measurements\":{\"2\":\"" + m2 + "\"}}").evaluate(List.of(gpu), NOW).allowed()).isTrue();
        // SPDM reports do not state CC mode: a policy that requires it says so rather than assuming.
        assertThat(ReleasePolicy.parse("{\"ccMode\":\"on\"}").evaluate(List.of(gpu), NOW).detail())
                .contains("(not stated by its evidence)");
    }

    @Test
    void sampleVerify_wrongCaReplayOrOtherKey_rejected() {
        SampleTee.Ca ca = SampleTee.Ca.generate(new SecureRandom());
        SampleTee.Device d = ca.device(new SecureRandom(), "on", false, "550.90.07", "96.00.9f.00.01", Map.of(1, "00"));
        byte[] nonce = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        var ev = d.evidence(nonce, KEY, NOW);
        assertThatThrownBy(() -> SampleTee.verify(ev, SampleTee.Ca.generate(new SecureRandom()).publicKey(), nonce, KEY))
                .hasMessageContaining("not endorsed by the pinned sample CA");
        byte[] other = nonce.clone();
        other[0] ^= 1;
        assertThatThrownBy(() -> SampleTee.verify(ev, ca.publicKey(), other, KEY)).hasMessageStartingWith("nonce:");
        assertThatThrownBy(() -> SampleTee.verify(ev, ca.publicKey(), nonce, KEY + " ")).hasMessageStartingWith("report-data:");
        var altered = new java.util.LinkedHashMap<>(ev);
        altered.put("report", ((String) ev.get("report")).replace("debug false", "debug true"));
        assertThatThrownBy(() -> SampleTee.verify(altered, ca.publicKey(), nonce, KEY)).hasMessageContaining("altered report");
    }

    @Test
    void parse_badPolicy_refusedNamingTheField() {
        assertThatThrownBy(() -> ReleasePolicy.parse("{\"ccmode\":\"on\"}")).isInstanceOf(TrustException.class)
                .hasMessageContaining("unknown field 'ccmode'");
        assertThatThrownBy(() -> ReleasePolicy.parse("{\"ccMode\":\"maybe\"}")).hasMessageContaining("ccMode 'maybe'");
        assertThatThrownBy(() -> ReleasePolicy.parse("{\"minGpus\":0}")).hasMessageContaining("minGpus 0");
        assertThatThrownBy(() -> ReleasePolicy.parse("[1]")).hasMessageContaining("not a JSON object");
    }
}
