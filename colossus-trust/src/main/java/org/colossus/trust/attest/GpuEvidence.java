package org.colossus.trust.attest;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies NVIDIA GPU attestation evidence: an SPDM 1.1 GET_MEASUREMENTS request and signed response (what the GPU's
 * firmware returns to a confidential workload) and the certificate chain of the key that signed it. Checks, in
 * order, each failure with its own reason: the report parses exactly (no bytes after the signature); the requester
 * nonce is the verifier's challenge; the chain holds at least the signer and the root, the root is the pinned NVIDIA
 * Device Identity CA, and the chain validates at the given time; the leaf's FWID (TCG DICE extension
 * 2.23.133.5.4.1) equals the report's FWID; and the ECDSA P-384 signature over SHA-384 of request and response up to
 * the signature verifies with the leaf's key. Then it extracts the driver and VBIOS versions and the 64 measurements.
 */
public final class GpuEvidence {
    private static final int REQUEST = 37;
    private static final int SIGNATURE = 96;
    private static final String FWID_OID = "2.23.133.5.4.1";

    private GpuEvidence() {
    }

    /**
     * What a verified report says. Measurements by SPDM block index (1-64), lowercase hex; {@code deviceId} is the
     * SHA-256 (hex) of the signing certificate's public key, which is one GPU's own attestation key.
     */
    public record Claims(String driverVersion, String vbiosVersion, String fwid, Map<Integer, String> measurements,
                         Map<Integer, String> opaque, String deviceId) {
    }

    /** Evidence that does not verify; {@code reason} names the failed check. */
    public static final class Rejected extends org.colossus.trust.TrustException {
        public Rejected(String reason) {
            super(reason);
        }
    }

    /**
     * @param report       the raw report bytes
     * @param chainPem     the PEM certificates, leaf first
     * @param root         the pinned root (NVIDIA Device Identity CA)
     * @param nonce        the verifier's 32-byte challenge
     * @param validationTime when the chain must be valid (some published certificates have expired)
     */
    public static Claims verify(byte[] report, String chainPem, X509Certificate root, byte[] nonce, Instant validationTime) {
        Parsed p = parse(report);
        if (!MessageDigest.isEqual(p.requestNonce, nonce)) {
            throw new Rejected("nonce: the report answers challenge " + HexFormat.of().formatHex(p.requestNonce)
                    + ", not " + HexFormat.of().formatHex(nonce));
        }
        List<X509Certificate> chain = certificates(chainPem);
        if (chain.size() < 2) {
            throw new Rejected("certificate chain: " + chain.size() + " certificate(s); at least the signing certificate"
                    + " and the root are required");
        }
        X509Certificate last = chain.get(chain.size() - 1);
        if (!last.equals(root)) {
            throw new Rejected("certificate chain: it ends in '" + last.getSubjectX500Principal().getName()
                    + "', not the pinned NVIDIA Device Identity CA");
        }
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(validationTime));
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(chain.subList(0, chain.size() - 1)), params);
        } catch (GeneralSecurityException e) {
            throw new Rejected("certificate chain: does not validate to the pinned root at " + validationTime + ": "
                    + e.getMessage());
        }
        X509Certificate leaf = chain.get(0);
        byte[] ext = leaf.getExtensionValue(FWID_OID);
        if (ext == null) {
            throw new Rejected("certificate chain: the first certificate ('" + leaf.getSubjectX500Principal().getName()
                    + "') has no FWID extension (" + FWID_OID + "), so it is not the report's signer");
        }
        byte[] certFwid = Arrays.copyOfRange(ext, ext.length - 48, ext.length);
        byte[] reportFwid = p.opaque.get(20);
        if (reportFwid == null || !MessageDigest.isEqual(certFwid, reportFwid)) {
            throw new Rejected("FWID: the signing certificate's firmware id " + HexFormat.of().formatHex(certFwid)
                    + " differs from the report's " + (reportFwid == null ? "(none)" : HexFormat.of().formatHex(reportFwid)));
        }
        try {
            Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
            s.initVerify(leaf.getPublicKey());
            s.update(report, 0, p.signatureOffset);
            if (!s.verify(report, p.signatureOffset, SIGNATURE)) {
                throw new Rejected("signature: the report is not signed by the certificate's key (altered report)");
            }
        } catch (GeneralSecurityException e) {
            throw new Rejected("signature: " + e.getMessage());
        }
        Map<Integer, String> opaque = new TreeMap<>();
        p.opaque.forEach((k, v) -> opaque.put(k, HexFormat.of().formatHex(v)));
        return new Claims(driver(p.opaque.get(3)), vbios(p.opaque.get(6)), HexFormat.of().formatHex(certFwid),
                p.measurements, opaque, sha256Hex(leaf.getPublicKey().getEncoded()));
    }

    private record Parsed(byte[] requestNonce, Map<Integer, String> measurements, Map<Integer, byte[]> opaque,
                          int signatureOffset) {
    }

    private static Parsed parse(byte[] r) {
        Reader in = new Reader(r);
        if (r.length < REQUEST + 8) {
            throw new Rejected("report: " + r.length + " bytes, too short for an SPDM GET_MEASUREMENTS exchange");
        }
        int version = in.u8();
        int code = in.u8();
        if (version != 0x11 || code != 0xE0) {
            throw new Rejected(String.format("report: request header %02x %02x, expected SPDM 1.1 GET_MEASUREMENTS (11 e0)",
                    version, code));
        }
        int param1 = in.u8();
        in.u8();
        if ((param1 & 1) == 0) {
            throw new Rejected("report: the request did not ask for a signature");
        }
        byte[] nonce = in.bytes(32);
        in.u8(); // slot id
        int rv = in.u8();
        int rc = in.u8();
        if (rv != 0x11 || rc != 0x60) {
            throw new Rejected(String.format("report: response header %02x %02x, expected SPDM 1.1 MEASUREMENTS (11 60)", rv, rc));
        }
        in.u8();
        in.u8();
        int blocks = in.u8();
        int recordLength = in.u24();
        int recordEnd = in.pos + recordLength;
        Map<Integer, String> measurements = new TreeMap<>();
        for (int i = 0; i < blocks; i++) {
            int index = in.u8();
            int spec = in.u8();
            int size = in.u16();
            int end = in.pos + size;
            if (spec != 1) {
                throw new Rejected("report: measurement block " + index + " is not a DMTF measurement");
            }
            in.u8(); // value type
            int valueSize = in.u16();
            measurements.put(index, HexFormat.of().formatHex(in.bytes(valueSize)));
            if (in.pos != end) {
                throw new Rejected("report: measurement block " + index + " has inconsistent sizes");
            }
        }
        if (in.pos != recordEnd) {
            throw new Rejected("report: the measurement record is " + (in.pos - (recordEnd - recordLength))
                    + " bytes, its header says " + recordLength);
        }
        in.bytes(32); // responder nonce
        int opaqueLength = in.u16();
        int opaqueEnd = in.pos + opaqueLength;
        Map<Integer, byte[]> opaque = new TreeMap<>();
        while (in.pos < opaqueEnd) {
            int type = in.u16();
            int size = in.u16();
            opaque.put(type, in.bytes(size));
        }
        if (in.pos != opaqueEnd) {
            throw new Rejected("report: opaque data overruns its length " + opaqueLength);
        }
        int sigOffset = in.pos;
        in.bytes(SIGNATURE);
        if (in.pos != r.length) {
            throw new Rejected("report: " + (r.length - in.pos) + " byte(s) after the signature");
        }
        return new Parsed(nonce, measurements, opaque, sigOffset);
    }

    private static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        private void need(int n) {
            if (pos + n > b.length) {
                throw new Rejected("report: truncated at byte " + pos + " (needs " + n + " more)");
            }
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        int u16() {
            need(2);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
            pos += 2;
            return v;
        }

        int u24() {
            need(3);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16;
            pos += 3;
            return v;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }
    }

    private static String driver(byte[] v) {
        if (v == null) {
            return null;
        }
        int end = 0;
        while (end < v.length && v[end] != 0) {
            end++;
        }
        return new String(v, 0, end, StandardCharsets.US_ASCII);
    }

    /** "96.00.9f.00.01" from bytes 00 9f 00 96 01 00 00 00, as NVIDIA renders it. */
    private static String vbios(byte[] v) {
        if (v == null || v.length < 5) {
            return null;
        }
        return String.format("%02x.%02x.%02x.%02x.%02x", v[3], v[2], v[1], v[0], v[4]);
    }

    /** PEM certificates in order. */
    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<X509Certificate> certificates(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new Rejected("certificate chain: not PEM X.509 certificates: " + e.getMessage());
        }
    }
}
