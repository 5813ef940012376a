package org.colossus.trust.attest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.colossus.trust.TrustException;

/**
 * The {@code sample} attester and verifier, for development and the simulated fleet: a simulated confidential GPU
 * whose device key (Ed25519) is endorsed by a test CA the tenant pins, and which signs a report binding the
 * verifier's nonce and the workload's public key. It exercises the whole key-release flow without GPUs; it proves
 * nothing about real hardware, and a policy can refuse it by requiring {@code nvidia} evidence.
 *
 * <pre>colossus-sample-report/v1
 * nonce &lt;base64&gt;
 * report-data &lt;base64 SHA-256(nonce || workload public key)&gt;
 * cc-mode on
 * debug false
 * driver 550.90.07
 * vbios 96.00.9f.00.01
 * measurement 1 &lt;hex&gt;  (one line per measurement)
 * time &lt;epoch ms&gt;</pre>
 */
public final class SampleTee {
    private SampleTee() {
    }

    /** A test CA: endorses device keys. The tenant pins its public key. */
    public record Ca(KeyPair keys) {
        public static Ca generate(SecureRandom random) {
            return new Ca(ed25519(random));
        }

        public String publicKey() {
            return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        }

        /** The CA as a file: "colossus-sample-ca/v1", the private key (PKCS#8) and the public key, base64. */
        public String encode() {
            return "colossus-sample-ca/v1\n" + Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n"
                    + publicKey() + "\n";
        }

        public static Ca decode(String text) {
            String[] l = text.split("\n");
            if (l.length != 3 || !l[0].equals("colossus-sample-ca/v1")) {
                throw new TrustException("not a colossus-sample-ca/v1 file");
            }
            try {
                KeyFactory f = KeyFactory.getInstance("Ed25519");
                return new Ca(new KeyPair(f.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(l[2]))),
                        f.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(l[1])))));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new TrustException("sample CA file: " + e.getMessage());
            }
        }

        /** A simulated GPU whose device key this CA endorses. */
        public Device device(SecureRandom random, String ccMode, boolean debug, String driver, String vbios,
                             Map<Integer, String> measurements) {
            KeyPair dk = ed25519(random);
            String devicePub = Base64.getEncoder().encodeToString(dk.getPublic().getEncoded());
            byte[] endorsement = sign(keys.getPrivate(), ("colossus-sample-endorsement/v1\n" + devicePub + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new Device(dk.getPrivate(), devicePub, Base64.getEncoder().encodeToString(endorsement), ccMode, debug,
                    driver, vbios, new TreeMap<>(measurements));
        }
    }

    /** A simulated GPU: produces evidence. */
    public record Device(PrivateKey key, String publicKey, String endorsement, String ccMode, boolean debug,
                         String driver, String vbios, Map<Integer, String> measurements) {
        /** Evidence for a challenge, bound to the workload's public key (its JWK JSON text). */
        public Map<String, Object> evidence(byte[] nonce, String workloadKey, Instant now) {
            StringBuilder b = new StringBuilder("colossus-sample-report/v1\n");
            b.append("nonce ").append(Base64.getEncoder().encodeToString(nonce)).append('\n');
            b.append("report-data ").append(Base64.getEncoder().encodeToString(reportData(nonce, workloadKey))).append('\n');
            b.append("cc-mode ").append(ccMode).append('\n');
            b.append("debug ").append(debug).append('\n');
            b.append("driver ").append(driver).append('\n');
            b.append("vbios ").append(vbios).append('\n');
            measurements.forEach((i, v) -> b.append("measurement ").append(i).append(' ').append(v).append('\n'));
            b.append("time ").append(now.toEpochMilli()).append('\n');
            String report = b.toString();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("report", report);
            out.put("signature", Base64.getEncoder().encodeToString(sign(key, report.getBytes(StandardCharsets.UTF_8))));
            out.put("device-key", publicKey);
            out.put("endorsement", endorsement);
            return out;
        }
    }

    /** SHA-256(nonce || workload key): how evidence binds the session's challenge and the key a secret is sealed to. */
    public static byte[] reportData(byte[] nonce, String workloadKey) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(nonce);
            return md.digest(workloadKey.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verifies sample evidence against the pinned CA, the challenge and the workload key. */
    public static AttestedGpu verify(Map<String, Object> evidence, String caPublicKey, byte[] nonce, String workloadKey) {
        String report = string(evidence, "report");
        String devicePub = string(evidence, "device-key");
        PublicKey ca = publicKey(caPublicKey, "the pinned sample CA");
        if (!verify(ca, ("colossus-sample-endorsement/v1\n" + devicePub + "\n").getBytes(StandardCharsets.UTF_8),
                b64(string(evidence, "endorsement"), "endorsement"))) {
            throw new GpuEvidence.Rejected("sample evidence: the device key is not endorsed by the pinned sample CA");
        }
        if (!verify(publicKey(devicePub, "device-key"), report.getBytes(StandardCharsets.UTF_8),
                b64(string(evidence, "signature"), "signature"))) {
            throw new GpuEvidence.Rejected("sample evidence: the report is not signed by the device key (altered report)");
        }
        Map<String, String> f = new LinkedHashMap<>();
        Map<Integer, String> measurements = new TreeMap<>();
        String[] lines = report.split("\n");
        if (!lines[0].equals("colossus-sample-report/v1")) {
            throw new GpuEvidence.Rejected("sample evidence: not a colossus-sample-report/v1");
        }
        for (int i = 1; i < lines.length; i++) {
            String[] kv = lines[i].split(" ", 2);
            if (kv[0].equals("measurement")) {
                String[] m = kv[1].split(" ");
                measurements.put(Integer.parseInt(m[0]), m[1]);
            } else {
                f.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (!MessageDigest.isEqual(b64(f.get("nonce"), "nonce"), nonce)) {
            throw new GpuEvidence.Rejected("nonce: the evidence answers another challenge (replayed or stale)");
        }
        if (!MessageDigest.isEqual(b64(f.get("report-data"), "report-data"), reportData(nonce, workloadKey))) {
            throw new GpuEvidence.Rejected("report-data: the evidence is not bound to this workload's public key");
        }
        return new AttestedGpu("sample", GpuEvidence.sha256Hex(devicePub.getBytes(StandardCharsets.US_ASCII)),
                f.get("cc-mode"), Boolean.parseBoolean(f.get("debug")), f.get("driver"),
                f.get("vbios"), measurements, Instant.ofEpochMilli(Long.parseLong(f.getOrDefault("time", "0"))));
    }

    private static String string(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof String s)) {
            throw new GpuEvidence.Rejected("sample evidence: '" + k + "' is missing");
        }
        return s;
    }

    private static byte[] b64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s == null ? "" : s);
        } catch (IllegalArgumentException e) {
            throw new GpuEvidence.Rejected("sample evidence: " + what + " is not base64");
        }
    }

    private static KeyPair ed25519(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(255, random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sign(PrivateKey k, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(k);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean verify(PublicKey k, byte[] data, byte[] sig) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(k);
            s.update(data);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static PublicKey publicKey(String b64, String what) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TrustException(what + ": not an Ed25519 public key");
        }
    }
}
