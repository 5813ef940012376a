package org.colossus.trust.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** Every rule judged over duplicated, reordered and mixed evidence: a device counts once, whatever its position. */
    @Test
    void evaluate_duplicatedReorderedOrMixedEvidence_countsDevicesNotEntries() {
        SampleTee.Ca ca = SampleTee.Ca.generate(new SecureRandom());
        AttestedGpu good = sample(ca, "on", false, "550.90.07", NOW);
        AttestedGpu other = sample(ca, "on", false, "550.90.07", NOW);
        AttestedGpu bad = sample(ca, "devtools", false, "550.90.07", NOW);
        ReleasePolicy two = ReleasePolicy.parse(POLICY.replace("\"minGpus\":1", "\"minGpus\":2"));
        assertThat(two.evaluate(List.of(good, other), NOW).allowed()).isTrue();
        assertThat(two.evaluate(List.of(other, good), NOW).allowed()).isTrue();
        for (List<AttestedGpu> duplicated : List.of(List.of(good, good), List.of(good, other, good),
                List.of(other, good, good), List.of(bad, good, bad))) {
            assertThat(two.evaluate(duplicated, NOW)).as(duplicated.toString())
                    .extracting(ReleasePolicy.Verdict::allowed, ReleasePolicy.Verdict::rule).containsExactly(false, "distinctGpus");
        }
        assertThat(two.evaluate(List.of(good, good, good), NOW).detail())
                .startsWith("GPU 1 (sample) is the same device as GPU 0");
        // Mixed: a bad GPU anywhere in the set is found, whatever the order.
        assertThat(two.evaluate(List.of(good, bad), NOW).rule()).isEqualTo("ccMode");
        assertThat(two.evaluate(List.of(bad, good), NOW).detail()).startsWith("GPU 0");
        // Each rule still applies to every distinct GPU of a set of three.
        AttestedGpu third = sample(ca, "on", false, "550.90.07", NOW);
        ReleasePolicy p = ReleasePolicy.parse(POLICY);
        assertThat(p.evaluate(List.of(good, other, sample(ca, "on", true, "550.90.07", NOW)), NOW).rule()).isEqualTo("debug");
        assertThat(p.evaluate(List.of(third, sample(ca, "on", false, "535.1", NOW), good), NOW).rule())
                .isEqualTo("driverVersions");
        assertThat(p.evaluate(List.of(good, other, sample(ca, "on", false, "550.90.07", NOW.minusSeconds(400))), NOW).rule())
                .isEqualTo("maxEvidenceAgeSeconds");
        assertThat(ReleasePolicy.parse("{\"minGpus\":3}").evaluate(List.of(good, other, third), NOW).allowed()).isTrue();
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
        // The same report twice is one H100, not two.
        assertThat(ReleasePolicy.parse("{\"minGpus\":2}").evaluate(List.of(gpu, AttestedGpu.of(claims, NOW)), NOW).rule())
                .isEqualTo("distinctGpus");
        assertThat(gpu.deviceId()).hasSize(64);
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
