package org.colossus.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.colossus.trust.broker.KeyBroker;

/** The broker over HTTP: /kbs/v0/auth, /kbs/v0/attest, /kbs/v0/resource/{repo}/{type}/{tag}; RFC 7807 errors. */
final class BrokerServer implements AutoCloseable {
    private static final String COOKIE = "kbs-session-id";
    private final HttpServer http;
    private final KeyBroker broker;

    BrokerServer(KeyBroker broker, String host, int port) throws IOException {
        this.broker = broker;
        this.http = JdkHttp.start(host, port, "/kbs/v0/", this::handle, "colossus-broker");
    }

    String url() {
        return "http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                if (path.equals("/kbs/v0/auth") && method.equals("POST")) {
                    KeyBroker.Challenge c = broker.auth(body(ex));
                    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + c.sessionId() + "; Path=/kbs; HttpOnly");
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("nonce", c.nonce());
                    out.put("extra-params", "");
                    JdkHttp.reply(ex, 200, "application/json", JSONObjectUtils.toJSONString(out));
                } else if (path.equals("/kbs/v0/attest") && method.equals("POST")) {
                    String token = broker.attest(cookie(ex), body(ex));
                    JdkHttp.reply(ex, 200, "application/json", JSONObjectUtils.toJSONString(Map.of("token", token)));
                } else if (path.startsWith("/kbs/v0/resource/") && method.equals("GET")) {
                    String resource = path.substring("/kbs/v0/resource/".length());
                    JdkHttp.reply(ex, 200, "application/json", JSONObjectUtils.toJSONString(broker.resource(cookie(ex), resource)));
                } else {
                    throw new KeyBroker.Refused(404, "NotFound", method + " " + path + " is not a KBS endpoint");
                }
            } catch (KeyBroker.Refused r) {
                problem(ex, r.status(), r.type(), r.getMessage());
            } catch (RuntimeException e) {
                problem(ex, 500, "InternalError", "the broker failed: " + e.getClass().getSimpleName());
            }
        }
    }

    private static String body(HttpExchange ex) throws IOException {
        return new String(ex.getRequestBody().readNBytes(4 << 20), StandardCharsets.UTF_8);
    }

    private static String cookie(HttpExchange ex) {
        for (String h : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : h.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static void problem(HttpExchange ex, int status, String type, String detail) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "https://github.com/confidential-containers/kbs/errors/" + type);
        p.put("title", type);
        p.put("status", status);
        p.put("detail", detail);
        JdkHttp.reply(ex, status, "application/problem+json", JSONObjectUtils.toJSONString(p));
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
