package org.colossus.trust.broker;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.colossus.trust.attest.AttestedGpu;
import org.colossus.trust.attest.GpuEvidence;
import org.colossus.trust.attest.ReleasePolicy;
import org.colossus.trust.attest.SampleTee;

/**
 * The tenant's key broker, in the shape of the Confidential Containers KBS protocol 0.4.0 (docs/trust.md):
 * {@link #auth} gives a fresh single-use nonce and a session; {@link #attest} takes evidence bound to that nonce and
 * to the workload's ephemeral public key (a JWK), verifies it (NVIDIA SPDM evidence, or the {@code sample} attester),
 * judges it by the release policy and returns an attestation-result token (ES256 JWT); {@link #resource} returns a
 * secret as a JWE encrypted to the workload's key. Every release and refusal goes to the {@link BrokerLog}; secrets
 * never do. Time and randomness are parameters.
 */
public final class KeyBroker {
    public static final String PROTOCOL = "0.4.0";

    /** A refusal with the HTTP status the KBS protocol gives it and a problem type name. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String type;

        public Refused(int status, String type, String detail) {
            super(detail);
            this.status = status;
            this.type = type;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }
    }

    public record Challenge(String sessionId, String nonce) {
    }

    private static final class Session {
        final String id;
        final byte[] nonce;
        final String tee;
        final Instant created;
        volatile boolean attestTried;
        volatile JWK workloadKey;
        volatile Instant attestedUntil;

        Session(String id, byte[] nonce, String tee, Instant created) {
            this.id = id;
            this.nonce = nonce;
            this.tee = tee;
            this.created = created;
        }
    }

    private final ReleasePolicy policy;
    private final Map<String, byte[]> resources;
    private final String sampleCa;
    private final X509Certificate nvidiaRoot;
    private final Instant nvidiaValidationTime;
    private final InstantSource clock;
    private final SecureRandom random;
    private final BrokerLog log;
    private final Duration challengeTtl;
    private final Duration tokenTtl;
    private final ECKey signingKey;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /**
     * @param resources secrets by {@code repository/type/tag}
     * @param sampleCa  the pinned sample CA's public key (base64), or null to refuse sample evidence
     * @param nvidiaRoot the pinned NVIDIA Device Identity CA, or null to refuse NVIDIA evidence
     * @param nvidiaValidationTime when NVIDIA chains must be valid; null for the clock's now
     */
    public KeyBroker(ReleasePolicy policy, Map<String, byte[]> resources, String sampleCa, X509Certificate nvidiaRoot,
                     Instant nvidiaValidationTime, InstantSource clock, SecureRandom random, BrokerLog log,
                     Duration challengeTtl, Duration tokenTtl) {
        this.policy = policy;
        this.resources = Map.copyOf(resources);
        this.sampleCa = sampleCa;
        this.nvidiaRoot = nvidiaRoot;
        this.nvidiaValidationTime = nvidiaValidationTime;
        this.clock = clock;
        this.random = random;
        this.log = log;
        this.challengeTtl = challengeTtl;
        this.tokenTtl = tokenTtl;
        try {
            this.signingKey = new ECKeyGenerator(Curve.P_256).keyID("colossus-broker").secureRandom(random).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key that verifies this broker's attestation-result tokens. */
    public JWK tokenKey() {
        return signingKey.toPublicJWK();
    }

    /** POST /kbs/v0/auth with {"version":"0.4.0","tee":"sample"|"nvidia","extra-params":...}. */
    public Challenge auth(String requestJson) {
        Map<String, Object> req = parse(requestJson, "Request");
        String version = str(req, "version");
        if (!PROTOCOL.equals(version)) {
            throw new Refused(400, "ProtocolVersion", "protocol version '" + version + "': this broker speaks " + PROTOCOL);
        }
        String tee = str(req, "tee");
        if (!"sample".equals(tee) && !"nvidia".equals(tee)) {
            throw new Refused(400, "UnsupportedTee", "tee '" + tee + "': expected sample or nvidia");
        }
        expire();
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        byte[] id = new byte[16];
        random.nextBytes(id);
        Session s = new Session(HexFormat.of().formatHex(id), nonce, tee, clock.instant());
        sessions.put(s.id, s);
        return new Challenge(s.id, Base64.getEncoder().encodeToString(nonce));
    }

    /**
     * POST /kbs/v0/attest with {"runtime-data":{"nonce":N,"tee-pubkey":JWK},"tee-evidence":E} under the session's
     * cookie. Returns the attestation-result token.
     */
    public String attest(String sessionId, String payloadJson) {
        Session s = session(sessionId);
        if (s.attestTried) {
            log.append("attest", s.id, null, null, "refused", "nonce reuse: the session's challenge was already answered");
            throw new Refused(401, "NonceReused", "this session's challenge was already answered; start again at /auth");
        }
        s.attestTried = true; // single use, whatever the outcome
        if (Duration.between(s.created, clock.instant()).compareTo(challengeTtl) > 0) {
            throw new Refused(401, "ExpiredSession", "the challenge expired (older than " + challengeTtl.toSeconds() + " s)");
        }
        Map<String, Object> att = parse(payloadJson, "Attestation");
        String evidenceDigest = sha256(payloadJson);
        Map<String, Object> runtime = object(att, "runtime-data");
        String nonce = str(runtime, "nonce");
        if (!MessageDigest.isEqual(b64(nonce, "runtime-data.nonce"), s.nonce)) {
            log.append("attest", s.id, null, evidenceDigest, "refused", "runtime-data.nonce is not this session's challenge");
            throw new Refused(401, "InvalidNonce", "runtime-data.nonce is not this session's challenge");
        }
        JWK key;
        try {
            key = JWK.parse(object(runtime, "tee-pubkey"));
        } catch (ParseException e) {
            throw new Refused(400, "InvalidRequest", "runtime-data.tee-pubkey is not a JWK: " + e.getMessage());
        }
        if (key.isPrivate()) {
            throw new Refused(400, "InvalidRequest", "runtime-data.tee-pubkey holds a private key; send the public key only");
        }
        String thumbprint;
        try {
            thumbprint = key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new Refused(400, "InvalidRequest", "tee-pubkey: " + e.getMessage());
        }
        List<AttestedGpu> gpus = new ArrayList<>();
        try {
            Object ev = att.get("tee-evidence");
            if (s.tee.equals("sample")) {
                if (sampleCa == null) {
                    throw new Refused(403, "PolicyDeny", "this broker accepts no sample evidence");
                }
                for (Object one : ev instanceof List<?> l ? l : List.of(ev)) {
                    gpus.add(SampleTee.verify(map(one, "tee-evidence"), sampleCa, s.nonce, thumbprint));
                }
            } else {
                if (nvidiaRoot == null) {
                    throw new Refused(403, "PolicyDeny", "this broker has no pinned NVIDIA root");
                }
                Instant at = nvidiaValidationTime == null ? clock.instant() : nvidiaValidationTime;
                for (Object one : ev instanceof List<?> l ? l : List.of(ev)) {
                    Map<String, Object> g = map(one, "tee-evidence");
                    byte[] report = b64(str(g, "evidence"), "evidence");
                    String chain = new String(b64(str(g, "certificate"), "certificate"), StandardCharsets.US_ASCII);
                    gpus.add(AttestedGpu.of(GpuEvidence.verify(report, chain, nvidiaRoot, s.nonce, at), s.created));
                }
            }
        } catch (GpuEvidence.Rejected e) {
            log.append("attest", s.id, null, evidenceDigest, "refused", e.getMessage());
            throw new Refused(401, "EvidenceRejected", e.getMessage());
        }
        ReleasePolicy.Verdict v = policy.evaluate(gpus, clock.instant());
        if (!v.allowed()) {
            log.append("attest", s.id, null, evidenceDigest, "refused", "policy rule " + v.rule() + ": " + v.detail());
            throw new Refused(403, "PolicyDeny", "policy rule " + v.rule() + " failed: " + v.detail());
        }
        Instant now = clock.instant();
        s.workloadKey = key;
        s.attestedUntil = now.plus(tokenTtl);
        log.append("attest", s.id, null, evidenceDigest, "attested", gpus.size() + " " + s.tee + " GPU(s); policy holds");
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("colossus-broker").issueTime(Date.from(now))
                    .expirationTime(Date.from(s.attestedUntil)).claim("tee", s.tee).claim("gpus", gpus.size())
                    .claim("tee-pubkey", key.toJSONObject()).claim("evidence-sha256", evidenceDigest).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET /kbs/v0/resource/{repository}/{type}/{tag}: the secret as a flattened JWE to the workload's key. */
    public Map<String, Object> resource(String sessionId, String path) {
        Session s = sessions.get(sessionId == null ? "" : sessionId);
        if (s == null || s.attestedUntil == null) {
            log.append("resource", sessionId, path, null, "refused", "no attested session");
            throw new Refused(401, "UnAuthenticated", "no attested session: attest first (/kbs/v0/auth, /kbs/v0/attest)");
        }
        if (clock.instant().isAfter(s.attestedUntil)) {
            log.append("resource", s.id, path, null, "refused", "attestation expired");
            throw new Refused(401, "ExpiredToken", "the attestation expired; attest again");
        }
        byte[] secret = resources.get(path);
        if (secret == null) {
            log.append("resource", s.id, path, null, "refused", "no such resource");
            throw new Refused(404, "ResourceNotFound", "no resource " + path);
        }
        try {
            JWEObject jwe;
            if (s.workloadKey instanceof RSAKey rsa) {
                jwe = new JWEObject(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM), new Payload(secret));
                jwe.encrypt(new RSAEncrypter(rsa));
            } else if (s.workloadKey instanceof ECKey ec) {
                jwe = new JWEObject(new JWEHeader(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM), new Payload(secret));
                jwe.encrypt(new ECDHEncrypter(ec));
            } else {
                throw new Refused(400, "InvalidRequest", "tee-pubkey type " + s.workloadKey.getKeyType() + ": expected RSA or EC");
            }
            log.append("resource", s.id, path, null, "released", "JWE " + jwe.getHeader().getAlgorithm() + " to the attested key");
            String[] parts = jwe.serialize().split("\\.", -1);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("protected", parts[0]);
            out.put("encrypted_key", parts[1]);
            out.put("iv", parts[2]);
            out.put("ciphertext", parts[3]);
            out.put("tag", parts[4]);
            return out;
        } catch (JOSEException e) {
            throw new Refused(500, "InternalError", "cannot encrypt to the workload's key: " + e.getMessage());
        }
    }

    private Session session(String id) {
        Session s = id == null ? null : sessions.get(id);
        if (s == null) {
            throw new Refused(401, "UnAuthenticated", "no session: send the kbs-session-id cookie from /kbs/v0/auth");
        }
        return s;
    }

    private void expire() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> s.attestedUntil != null ? now.isAfter(s.attestedUntil)
                : Duration.between(s.created, now).compareTo(challengeTtl.multipliedBy(2)) > 0);
    }

    private static Map<String, Object> parse(String json, String what) {
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new Refused(400, "InvalidRequest", what + ": not a JSON object: " + e.getMessage());
        }
    }

    private static String str(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof String s)) {
            throw new Refused(400, "InvalidRequest", "'" + k + "' is missing or not a string");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String k) {
        return map(m.get(k), k);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String k) {
        if (!(o instanceof Map<?, ?> map)) {
            throw new Refused(400, "InvalidRequest", "'" + k + "' is missing or not an object");
        }
        return (Map<String, Object>) map;
    }

    private static byte[] b64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(s);
            } catch (IllegalArgumentException e2) {
                throw new Refused(400, "InvalidRequest", what + " is not base64");
            }
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
