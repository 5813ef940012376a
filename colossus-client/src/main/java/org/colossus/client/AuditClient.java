package org.colossus.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.colossus.trust.TenantVerifier;
import org.colossus.trust.TrustException;

/**
 * The audit endpoints of a Colossus server as a {@link TenantVerifier.Log}: what {@code colossus audit verify} reads.
 * Transport errors and problem documents become {@link TrustException}s naming the request.
 */
public final class AuditClient implements TenantVerifier.Log {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    // HTTP/1.1: the default (HTTP/2) makes the JDK client offer an h2c upgrade on cleartext connections.
    private final String baseUrl;
    private final String token;
    private final int pageSize;

    public AuditClient(String baseUrl, String token, int pageSize) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.pageSize = pageSize;
    }

    public String get(String path) {
        return new String(send("GET", path, null), StandardCharsets.UTF_8);
    }

    private byte[] getBytes(String path) {
        return send("GET", path, null);
    }

    private byte[] post(String path, String json) {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The body of a 200 reply, as bytes: Jackson reads UTF-8 bytes faster than a decoded string. */
    private byte[] send(String method, String path, byte[] body) {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Authorization", "Bearer " + token);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        PlainHttp.Reply res;
        try {
            res = PlainHttp.send(method, baseUrl + path, headers, body, Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new TrustException(method + " " + path + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TrustException(method + " " + path + ": bad URL " + baseUrl + ": " + e.getMessage());
        }
        if (res.status() != 200) {
            String detail = res.text();
            try {
                JsonNode p = MAPPER.readTree(res.body());
                if (p.hasNonNull("detail")) {
                    detail = p.get("detail").asText();
                }
            } catch (IOException ignored) {
                // not a problem document
            }
            throw new TrustException(method + " " + path + ": HTTP " + res.status() + ": " + detail);
        }
        return res.body();
    }

    /** The "proof" array of a proof reply. */
    private List<byte[]> proof(String path) {
        return read("GET " + path, getBytes(path), p -> {
            List<byte[]> proof = new ArrayList<>();
            fields(p, name -> {
                if (name.equals("proof")) {
                    proof.addAll(hashes(p));
                } else {
                    p.skipChildren();
                }
            });
            return proof;
        });
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
        return proof("/api/v1/audit/proof/consistency?from=" + from + "&to=" + to);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long size) {
        return proof("/api/v1/audit/proof/inclusion?index=" + index + "&size=" + size);
    }

    @Override
    public TenantVerifier.EntryPage entries(long afterSeq, long treeSize) {
        String path = "/api/v1/audit/entries?after=" + afterSeq + "&size=" + treeSize + "&limit=" + pageSize
                + "&encoding=base64";
        return read("GET " + path, getBytes(path), p -> {
            Page page = new Page();
            page.items = new ArrayList<TenantVerifier.OwnEntry>();
            fields(p, name -> {
                switch (name) {
                    case "treeSize" -> page.treeSize = p.getLongValue();
                    case "next" -> page.next = p.currentToken() == JsonToken.VALUE_NULL ? null : p.getLongValue();
                    case "proof" -> page.proof = hashes(p);
                    case "items" -> array(p, () -> page.items.add(entry(p)));
                    default -> p.skipChildren();
                }
            });
            return new TenantVerifier.EntryPage(page.treeSize, page.items, page.next, page.proof);
        });
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
        String path = "/api/v1/audit/node-leaves?encoding=base64";
        byte[] reply;
        try {
            reply = post(path, MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            throw new TrustException("POST " + path + ": " + e.getMessage());
        }
        return read("POST " + path, reply, p -> {
            Page page = new Page();
            fields(p, name -> {
                switch (name) {
                    case "treeSize" -> page.treeSize = p.getLongValue();
                    case "proof" -> page.proof = hashes(p);
                    case "items" -> page.leaves = leaves(p);
                    default -> p.skipChildren();
                }
            });
            return new TenantVerifier.NodePage(page.treeSize, page.leaves, null, page.proof);
        });
    }

    /** What a page reply holds, filled in the order its fields come. */
    private static final class Page {
        long treeSize = -1;
        Long next;
        List<byte[]> proof = List.of();
        List<TenantVerifier.OwnEntry> items = List.of();
        List<TenantVerifier.IndexedText> leaves = List.of();
    }

    private interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    private interface Step {
        void run() throws IOException;
    }

    private interface FieldStep {
        void field(String name) throws IOException;
    }

    /**
     * Reads a reply with a streaming parser: a page of 10,000 entries is about 7 MB of JSON, and building a tree of
     * it first cost the verifier as much as checking it.
     */
    private static <T> T read(String request, byte[] body, Reader<T> reader) {
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TrustException(request + ": the reply is not a JSON object");
            }
            return reader.read(p);
        } catch (IOException | IllegalArgumentException e) {
            throw new TrustException(request + ": not the expected JSON: " + e.getMessage());
        }
    }

    /** Calls {@code step} with each field name of the object the parser is in, positioned on the field's value. */
    private static void fields(JsonParser p, FieldStep step) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            step.field(name);
        }
    }

    /** Calls {@code step} for each element of the array the parser is on (null counts as empty). */
    private static void array(JsonParser p, Step step) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new TrustException("expected an array at " + p.currentName());
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            step.run();
        }
    }

    private static List<byte[]> hashes(JsonParser p) throws IOException {
        List<byte[]> out = new ArrayList<>();
        array(p, () -> out.add(p.getBinaryValue()));
        return out;
    }

    private static List<TenantVerifier.IndexedText> leaves(JsonParser p) throws IOException {
        List<TenantVerifier.IndexedText> out = new ArrayList<>();
        array(p, () -> {
            long[] index = {-1};
            String[] data = {null};
            fields(p, name -> {
                switch (name) {
                    case "index" -> index[0] = p.getLongValue();
                    case "data", "dataBase64" -> data[0] = text(p, name);
                    default -> p.skipChildren();
                }
            });
            out.add(new TenantVerifier.IndexedText(index[0], required(data[0], "data")));
        });
        return out;
    }

    private static TenantVerifier.OwnEntry entry(JsonParser p) throws IOException {
        long seq = -1;
        long index = -1;
        String canonical = null;
        byte[] opening = null;
        List<TenantVerifier.IndexedText> nodeLeaves = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "seq" -> seq = p.getLongValue();
                case "index" -> index = p.getLongValue();
                case "canonical", "canonicalBase64" -> canonical = text(p, name);
                case "opening" -> opening = p.getBinaryValue();
                case "nodeLeaves" -> nodeLeaves = leaves(p);
                default -> p.skipChildren();
            }
        }
        return new TenantVerifier.OwnEntry(seq, index, required(canonical, "canonical"), required(opening, "opening"),
                nodeLeaves);
    }

    /** A text field sent as {@code name}, or as {@code nameBase64} (?encoding=base64). */
    private static String text(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new TrustException("the log's reply has a " + name + " that is not a string");
        }
        if (name.endsWith("Base64")) {
            return new String(p.getBinaryValue(), StandardCharsets.UTF_8);
        }
        return p.getText();
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw new TrustException("the log's reply has no " + name);
        }
        return value;
    }
}
