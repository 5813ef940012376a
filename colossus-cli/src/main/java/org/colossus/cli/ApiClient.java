package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.colossus.client.PlainHttp;
import picocli.CommandLine.Option;

/**
 * The client side of the control-plane API, shared by the tenant, contract, job and node commands (a picocli
 * mixin): where the server is, who we are, and requests that turn problem documents into one-line errors.
 */
final class ApiClient {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path DEFAULT_DATA = Path.of("colossus-data");

    @Option(names = "--url", paramLabel = "URL[,URL...]",
            description = "Server URL, or several servers' URLs comma-separated (high availability: requests go to the"
                    + " leader, found by trying them in turn) (default: $COLOSSUS_URL, else ./colossus-data/server.url,"
                    + " else http://127.0.0.1:8080).")
    String url;

    /** Of several URLs, the one that answered last (the leader, as far as this client knows). */
    private String current;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token (default: $COLOSSUS_TOKEN, else ./colossus-data/operator.token).")
    String token;

    String baseUrl() {
        if (current != null) {
            return current;
        }
        return urls().get(0);
    }

    /** The configured servers, in order. */
    java.util.List<String> urls() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String u : configured().split(",")) {
            if (!u.isBlank()) {
                out.add(strip(u.trim()));
            }
        }
        return out.isEmpty() ? java.util.List.of("http://127.0.0.1:8080") : out;
    }

    private String configured() {
        if (url != null) {
            return url;
        }
        String env = System.getenv("COLOSSUS_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path file = DEFAULT_DATA.resolve("server.url");
        if (Files.isReadable(file)) {
            try {
                return Files.readString(file).trim();
            } catch (IOException ignored) {
                // fall through to the default
            }
        }
        return "http://127.0.0.1:8080";
    }

    private static String strip(String u) {
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    String token() {
        if (token != null) {
            return token;
        }
        String env = System.getenv("COLOSSUS_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = DEFAULT_DATA.resolve("operator.token");
        if (Files.isReadable(file)) {
            try {
                return Files.readString(file).trim();
            } catch (IOException ignored) {
                // no token
            }
        }
        throw new CliException("no token: pass --token or set COLOSSUS_TOKEN (the operator's is in operator.token in"
                + " the server's data directory; a tenant's is printed when the operator creates the tenant)");
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> h = new HashMap<>();
        h.put("Authorization", "Bearer " + token());
        h.put("Accept", accept);
        return h;
    }

    private CliException badUrl(IllegalArgumentException e) {
        return new CliException("--url '" + baseUrl() + "': not a valid URL (" + e.getMessage() + ")");
    }

    /** A GET whose body is kept as text (an invoice's canonical JSON, or its CSV). */
    String getText(String path, String accept) {
        PlainHttp.Reply r = call("GET", path, headers(accept), null);
        if (r.status() >= 400) {
            throw problem(r.status(), parse(r.body()));
        }
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** {@link #exchange}, with what can go wrong on the way as one-line errors. */
    private PlainHttp.Reply call(String method, String path, Map<String, String> h, byte[] bytes) {
        try {
            return exchange(method, path, h, bytes);
        } catch (IllegalArgumentException e) {
            throw badUrl(e);
        } catch (ConnectException e) {
            throw unreachable();
        } catch (IOException e) {
            throw new CliException("request to " + baseUrl() + path + " failed: " + e.getMessage());
        }
    }

    /**
     * One request to the leader: with several URLs, a server that refuses the connection or answers as a standby
     * (503 with {@code X-Colossus-Leader}) passes the request on to the leader it names, else to the next URL; each is
     * tried at most twice, with a pause between rounds while a standby takes over.
     */
    private PlainHttp.Reply exchange(String method, String path, Map<String, String> h, byte[] bytes)
            throws IOException {
        java.util.List<String> all = urls();
        if (all.size() == 1) {
            return PlainHttp.send(method, all.get(0) + path, h, bytes, Duration.ofSeconds(60));
        }
        String next = baseUrl();
        IOException failure = null;
        PlainHttp.Reply standby = null;
        for (int attempt = 0; attempt < all.size() * 4; attempt++) {
            try {
                PlainHttp.Reply r = PlainHttp.send(method, next + path, h, bytes, Duration.ofSeconds(60));
                String leader = r.status() == 503 ? r.header("X-Colossus-Leader") : null;
                boolean isStandby = r.status() == 503 && new String(r.body(), StandardCharsets.UTF_8)
                        .contains("urn:colossus:problem:standby");
                if (!isStandby) {
                    current = next;
                    return r;
                }
                standby = r;
                next = leader != null && all.contains(strip(leader)) ? strip(leader) : after(all, next);
            } catch (ConnectException e) {
                failure = e;
                next = after(all, next);
            }
            if (attempt % all.size() == all.size() - 1) {
                sleepQuietly(1000); // a round without a leader: a standby is taking over
            }
        }
        if (standby != null) {
            return standby;
        }
        throw failure;
    }

    /**
     * The URL of the server that leads (it alone serves the audit log): with one URL, that one; with several, the
     * one whose {@code /readyz} says so, else the first that answers.
     */
    String leaderUrl() {
        java.util.List<String> all = urls();
        if (all.size() == 1) {
            return all.get(0);
        }
        String answered = null;
        for (String u : all) {
            try {
                PlainHttp.Reply r = PlainHttp.send("GET", u + "/readyz", Map.of("Accept", "application/json"), null,
                        Duration.ofSeconds(10));
                JsonNode j = parse(r.body());
                if ("leader".equals(j.path("role").asText()) || "single".equals(j.path("role").asText())) {
                    return u;
                }
                answered = answered == null ? u : answered;
            } catch (IOException | IllegalArgumentException e) {
                // down: try the next
            }
        }
        return answered != null ? answered : all.get(0);
    }

    private static String after(java.util.List<String> all, String u) {
        int i = all.indexOf(u);
        return all.get((i + 1) % all.size());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    JsonNode send(String method, String path, Object body) {
        Map<String, String> h = headers("application/json");
        byte[] bytes = null;
        if (body != null) {
            h.put("Content-Type", "application/json");
            try {
                bytes = MAPPER.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new CliException("request body: " + e.getMessage());
            }
        }
        PlainHttp.Reply r = call(method, path, h, bytes);
        JsonNode json = r.body().length == 0 ? MAPPER.nullNode() : parse(r.body());
        if (r.status() == 429) {
            throw new TooManyRequests(problem(r.status(), json).getMessage(), retryAfter(r.header("Retry-After")));
        }
        if (r.status() >= 400) {
            throw problem(r.status(), json);
        }
        return json;
    }

    private CliException unreachable() {
        return new CliException("cannot reach the server at " + baseUrl() + " (connection refused); is 'colossus serve'"
                + " running? Set COLOSSUS_URL or --url");
    }

    private static JsonNode parse(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    /** A 429: over an admission limit; {@code retryAfterSeconds} is when the server says to try again. */
    static final class TooManyRequests extends CliException {
        private static final long serialVersionUID = 1L;
        final long retryAfterSeconds;

        TooManyRequests(String message, long retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private static long retryAfter(String header) {
        try {
            return Math.max(1, Math.min(3600, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** A problem document as a one-line error: its detail, and the HTTP status. */
    static CliException problem(int status, JsonNode json) {
        String detail = json.path("detail").asText("");
        String title = json.path("title").asText("HTTP " + status);
        return new CliException((detail.isEmpty() ? title : detail) + " (HTTP " + status + ")");
    }

    /** Streams server-sent events: calls {@code sink} with (event type, data) until the stream ends. */
    void events(Consumer<String[]> sink) {
        try {
            HttpURLConnection c = PlainHttp.open("GET", baseUrl() + "/api/v1/events", headers("text/event-stream"), null);
            if (c.getResponseCode() >= 400) {
                InputStream err = c.getErrorStream();
                throw problem(c.getResponseCode(), parse(err == null ? new byte[0] : err.readAllBytes()));
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                String event = "message";
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            sink.accept(new String[] {event, data.toString()});
                        }
                        event = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw badUrl(e);
        } catch (ConnectException e) {
            throw unreachable();
        } catch (IOException e) {
            throw new CliException("event stream from " + baseUrl() + " failed: " + e.getMessage());
        }
    }
}
