package org.colossus.trust.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Real H100 evidence from the test resources vectors/nvidia (Trustee and nvtrust test data), valid and corrupted. */
class GpuEvidenceTest {
    static final Path DIR = org.colossus.trust.Vectors.dir("nvidia/trustee");
    static final Instant WHEN = Instant.parse("2024-06-01T00:00:00Z");
    static final byte[] NONCE = HexFormat.of().parseHex("931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb");

    static byte[] report(String file) throws Exception {
        return HexFormat.of().parseHex(Files.readString(DIR.resolve(file)).strip());
    }

    static String text(String file) throws Exception {
        return Files.readString(DIR.resolve(file));
    }

    static X509Certificate root() throws Exception {
        return GpuEvidence.certificates(text("nvidia_device_root.pem")).get(0);
    }

    @Test
    void verify_realH100Report_matchesTrusteesClaims() throws Exception {
        GpuEvidence.Claims c = GpuEvidence.verify(report("hopperAttestationReport.txt"), text("hopper_cert_chain_case1.txt"),
                root(), NONCE, WHEN);
        JsonNode want = new ObjectMapper().readTree(text("hopperAttestationReport-claims.txt"));
        assertThat(c.driverVersion()).isEqualTo(want.at("/config/driver_version").asText()).isEqualTo("550.90.07");
        assertThat(c.vbiosVersion()).isEqualTo(want.at("/config/vbios_version").asText()).isEqualTo("96.00.9f.00.01");
        assertThat(c.fwid()).isEqualTo(want.at("/config/fwid").asText());
        assertThat(c.measurements()).hasSize(64);
        want.get("measurements").fields().forEachRemaining(e ->
                assertThat(c.measurements().get(Integer.parseInt(e.getKey()))).as("measurement " + e.getKey())
                        .isEqualTo(e.getValue().asText()));
    }

    @Test
    void verify_cocoReportWithATrailingByte_rejectedThenAcceptedTrimmed() throws Exception {
        byte[] r = report("hopper_coco_report1.txt");
        byte[] nonce = HexFormat.of().parseHex("87d8e24ab336adafe228d49e83d745f6dba4ae505372b6a5704820856b343fec");
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_coco_certs1.txt"), root(), nonce, WHEN))
                .isInstanceOf(GpuEvidence.Rejected.class).hasMessage("report: 1 byte(s) after the signature");
        GpuEvidence.Claims c = GpuEvidence.verify(Arrays.copyOf(r, r.length - 1), text("hopper_coco_certs1.txt"), root(),
                nonce, WHEN);
        assertThat(c.measurements()).hasSize(64);
    }

    @Test
    void verify_flippedBitInAMeasurement_rejectedBySignature() throws Exception {
        byte[] r = report("hopperAttestationReport.txt");
        r[200] ^= 1;
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_cert_chain_case1.txt"), root(), NONCE, WHEN))
                .hasMessageStartingWith("signature: the report is not signed by the certificate's key");
    }

    @Test
    void verify_wrongNonce_rejected() throws Exception {
        byte[] other = NONCE.clone();
        other[0] ^= 1;
        assertThatThrownBy(() -> GpuEvidence.verify(report("hopperAttestationReport.txt"), text("hopper_cert_chain_case1.txt"),
                root(), other, WHEN)).hasMessageStartingWith("nonce: the report answers challenge 931d8dd0");
    }

    @Test
    void verify_brokenChains_rejectedEachWithItsReason() throws Exception {
        byte[] r = report("hopperAttestationReport.txt");
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_cert_chain_case2.txt"), root(), NONCE, WHEN))
                .hasMessageContaining("at least the signing certificate and the root are required");
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_cert_chain_case3.txt"), root(), NONCE, WHEN))
                .hasMessageStartingWith("certificate chain: does not validate to the pinned root");
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_cert_chain_case4.txt"), root(), NONCE, WHEN))
                .hasMessageContaining("has no FWID extension");
    }

    @Test
    void verify_wrongRootOrValidationTime_rejected() throws Exception {
        byte[] r = report("hopperAttestationReport.txt");
        X509Certificate rimRoot = GpuEvidence.certificates(Files.readString(
                org.colossus.trust.Vectors.dir("nvidia/nvtrust/certs").resolve("verifier_RIM_root.pem"))).get(0);
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_cert_chain_case1.txt"), rimRoot, NONCE, WHEN))
                .hasMessageContaining("not the pinned NVIDIA Device Identity CA");
        assertThatThrownBy(() -> GpuEvidence.verify(r, text("hopper_cert_chain_case1.txt"), root(), NONCE,
                Instant.parse("2000-01-01T00:00:00Z"))).hasMessageContaining("does not validate to the pinned root at 2000-01-01");
    }

    @Test
    void verify_truncatedOrForeignBytes_rejected() throws Exception {
        byte[] r = report("hopperAttestationReport.txt");
        assertThatThrownBy(() -> GpuEvidence.verify(Arrays.copyOf(r, r.length - 10), text("hopper_cert_chain_case1.txt"),
                root(), NONCE, WHEN)).hasMessageContaining("report: truncated");
        byte[] bad = r.clone();
        bad[1] = 0x61;
        assertThatThrownBy(() -> GpuEvidence.verify(bad, text("hopper_cert_chain_case1.txt"), root(), NONCE, WHEN))
                .hasMessageContaining("expected SPDM 1.1 GET_MEASUREMENTS");
    }

    @Test
    void verify_eightGpuSdkEvidence_allVerifyAndReportTheirVersions() throws Exception {
        JsonNode list = new ObjectMapper().readTree(org.colossus.trust.Vectors.dir("nvidia/nvtrust/evidence")
                .resolve("gpu_evidence.json").toFile());
        assertThat(list).hasSize(8);
        java.util.Set<String> fwids = new java.util.HashSet<>();
        java.util.Set<String> devices = new java.util.HashSet<>();
        for (JsonNode gpu : list) {
            byte[] r = java.util.Base64.getDecoder().decode(gpu.get("evidence").asText());
            String chain = new String(java.util.Base64.getDecoder().decode(gpu.get("certificate").asText()),
                    java.nio.charset.StandardCharsets.US_ASCII);
            GpuEvidence.Claims c = GpuEvidence.verify(r, chain, root(), HexFormat.of().parseHex(gpu.get("nonce").asText()),
                    WHEN);
            assertThat(c.driverVersion()).isEqualTo(gpu.get("driver_version").asText());
            assertThat(c.vbiosVersion()).isEqualToIgnoringCase(gpu.get("vbios_version").asText());
            fwids.add(c.fwid());
            devices.add(GpuEvidence.certificates(chain).get(1).getSubjectX500Principal().getName());
        }
        assertThat(fwids).as("one firmware on all eight").hasSize(1);
        assertThat(devices).as("eight distinct devices (per-device BROM certificates)").hasSize(8);
    }
}
