package org.colossus.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.colossus.trust.TenantVerifier;
import org.colossus.trust.TrustException;

/**
 * The audit endpoints of a Colossus server as a {@link TenantVerifier.Log}: what {@code colossus audit verify} reads.
 * Transport errors and problem documents become {@link TrustException}s naming the request.
 */
public final class AuditClient implements TenantVerifier.Log {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    // HTTP/1.1: the default (HTTP/2) makes the JDK client offer an h2c upgrade on cleartext connections.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String token;
    private final int pageSize;

    public AuditClient(String baseUrl, String token, int pageSize) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.pageSize = pageSize;
    }

    public String get(String path) {
        return send("GET", path, HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    private String post(String path, String json) {
        return send("POST", path, HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private String send(String method, String path, HttpRequest.Builder b) {
        HttpRequest req = b.timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token).build();
        HttpResponse<String> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TrustException(method + " " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustException(method + " " + path + ": interrupted");
        }
        if (res.statusCode() != 200) {
            String detail = res.body();
            try {
                JsonNode p = MAPPER.readTree(res.body());
                if (p.hasNonNull("detail")) {
                    detail = p.get("detail").asText();
                }
            } catch (IOException ignored) {
                // not a problem document
            }
            throw new TrustException(method + " " + path + ": HTTP " + res.statusCode() + ": " + detail);
        }
        return res.body();
    }

    private JsonNode json(String path) {
        try {
            return MAPPER.readTree(get(path));
        } catch (IOException e) {
            throw new TrustException("GET " + path + ": not JSON: " + e.getMessage());
        }
    }

    private static List<byte[]> hashes(JsonNode arr) {
        List<byte[]> out = new ArrayList<>();
        if (arr != null) {
            arr.forEach(n -> out.add(Base64.getDecoder().decode(n.asText())));
        }
        return out;
    }

    private static Long next(JsonNode page) {
        JsonNode n = page.get("next");
        return n == null || n.isNull() ? null : n.asLong();
    }

    private static List<TenantVerifier.IndexedText> leaves(JsonNode arr) {
        List<TenantVerifier.IndexedText> out = new ArrayList<>();
        if (arr != null) {
            arr.forEach(n -> out.add(new TenantVerifier.IndexedText(n.get("index").asLong(), text(n, "data"))));
        }
        return out;
    }

    /** A text field sent as {@code name}, or as {@code nameBase64} (?encoding=base64). */
    private static String text(JsonNode n, String name) {
        JsonNode b = n.get(name + "Base64");
        if (b != null && !b.isNull()) {
            try {
                return new String(Base64.getDecoder().decode(b.asText()), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new TrustException("the log's reply has a " + name + "Base64 that is not base64");
            }
        }
        JsonNode t = n.get(name);
        if (t == null || !t.isTextual()) {
            throw new TrustException("the log's reply has no " + name);
        }
        return t.asText();
    }

    @Override
    public String checkpoint() {
        return get("/api/v1/audit/checkpoint?fresh=true");
    }

    public String key() {
        return get("/api/v1/audit/key").trim();
    }

    @Override
    public List<byte[]> consistencyProof(long from, long to) {
        return hashes(json("/api/v1/audit/proof/consistency?from=" + from + "&to=" + to).get("proof"));
    }

    @Override
    public List<byte[]> inclusionProof(long index, long size) {
        return hashes(json("/api/v1/audit/proof/inclusion?index=" + index + "&size=" + size).get("proof"));
    }

    @Override
    public TenantVerifier.EntryPage entries(long afterSeq, long treeSize) {
        JsonNode page = json("/api/v1/audit/entries?after=" + afterSeq + "&size=" + treeSize + "&limit=" + pageSize
                + "&encoding=base64");
        List<TenantVerifier.OwnEntry> items = new ArrayList<>();
        for (JsonNode e : page.get("items")) {
            items.add(new TenantVerifier.OwnEntry(e.get("seq").asLong(), e.get("index").asLong(), text(e, "canonical"),
                    Base64.getDecoder().decode(e.get("opening").asText()), leaves(e.get("nodeLeaves"))));
        }
        return new TenantVerifier.EntryPage(page.get("treeSize").asLong(), items, next(page), hashes(page.get("proof")));
    }

    @Override
    public TenantVerifier.NodePage nodeLeaves(List<Long> indices, List<long[]> after, long treeSize) {
        var body = MAPPER.createObjectNode();
        body.put("size", treeSize);
        var idx = body.putArray("indices");
        indices.forEach(idx::add);
        var aft = body.putArray("after");
        for (long[] a : after) {
            aft.addObject().put("node", (int) a[0]).put("leaf", a[1]);
        }
        JsonNode page;
        try {
            page = MAPPER.readTree(post("/api/v1/audit/node-leaves?encoding=base64", MAPPER.writeValueAsString(body)));
        } catch (IOException e) {
            throw new TrustException("POST /api/v1/audit/node-leaves: not JSON: " + e.getMessage());
        }
        return new TenantVerifier.NodePage(page.get("treeSize").asLong(), leaves(page.get("items")), null,
                hashes(page.get("proof")));
    }
}
