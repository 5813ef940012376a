package org.colossus.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP/1.1 requests for the command-line clients, over the JDK's {@link HttpURLConnection}. The JDK's
 * {@code java.net.http.HttpClient} costs a fresh CLI JVM 0.4-0.5 s before its first request (it sets up the default
 * TLS context, loading the CA store, and a selector thread, even for plain http); this costs about 50 ms. Connections
 * are kept alive and reused (one per thread at a time).
 */
public final class PlainHttp {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private PlainHttp() {
    }

    /** A reply: status, content type (or "") and body (the error body for a 4xx or 5xx). */
    public record Reply(int status, String contentType, Map<String, java.util.List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a header, or "" if absent (names compared ignoring case). */
        public String header(String name) {
            for (Map.Entry<String, java.util.List<String>> h : headers.entrySet()) {
                if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return h.getValue().get(0);
                }
            }
            return "";
        }
    }

    /**
     * Sends a request and reads the whole reply. {@code body} null sends none.
     *
     * @throws IllegalArgumentException if {@code url} is not an http or https URL
     * @throws IOException              if the server cannot be reached or the exchange fails
     *                                  ({@link java.net.ConnectException} when refused)
     */
    public static Reply send(String method, String url, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        HttpURLConnection c = open(method, url, headers, timeout);
        if (body != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] bytes;
        if (in == null) {
            bytes = new byte[0];
        } else {
            // Read to the end and close (not disconnect): the connection then goes back to the keep-alive cache.
            try (InputStream s = in) {
                int length = c.getContentLength();
                ByteArrayOutputStream buf = new ByteArrayOutputStream(length > 0 ? length : 8192);
                s.transferTo(buf);
                bytes = buf.toByteArray();
            }
        }
        return new Reply(status, c.getContentType() == null ? "" : c.getContentType(), c.getHeaderFields(), bytes);
    }

    /** Opens a request whose reply the caller streams (server-sent events): read its stream, then close it. */
    public static HttpURLConnection open(String method, String url, Map<String, String> headers, Duration timeout)
            throws IOException {
        URL u;
        try {
            URI uri = URI.create(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("expected an http:// or https:// URL");
            }
            u = uri.toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        HttpURLConnection c = (HttpURLConnection) u.openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        c.setReadTimeout(timeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        c.setUseCaches(false);
        c.setInstanceFollowRedirects(false);
        headers.forEach(c::setRequestProperty);
        return c;
    }
}
