package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a security review found below the routes: Jetty's HTML error pages, content types taken on trust, an event
 * stream that answered a bad token with 200, and a data directory any local user could read.
 */
class HttpLayerTest extends OneTenantServer {
    /** Raw bytes to the server; the reply's status line, headers and body. */
    private String raw(byte[] request) throws IOException {
        URI u = URI.create(server.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (java.net.SocketException e) {
            return "reset: " + e.getMessage();
        }
    }

    private static void assertProblem(String reply, int status) throws IOException {
        assertThat(reply).as(reply).startsWith(status == 0 ? "HTTP/1.1 " : "HTTP/1.1 " + status + " ");
        status = Integer.parseInt(reply.substring(9, 12));
        String head = reply.substring(0, reply.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertThat(head).contains("content-type: application/problem+json");
        JsonNode doc = new ObjectMapper().readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4));
        assertThat(doc.get("status").asInt()).isEqualTo(status);
        assertThat(doc.get("title").asText()).isNotBlank();
        assertThat(reply).doesNotContain("<html").doesNotContain("<body");
    }

    @Test
    void garbageRequestLine_isAProblemDocument() throws IOException {
        // Jetty answers 400 or 505 depending on where the line breaks; either is a problem document.
        assertProblem(raw("GARBAGE GARBAGE GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), 0);
        assertProblem(raw("\u0001\u0002 / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 0);
        assertProblem(raw("GET\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), 0);
    }

    @Test
    void nulInPathOrHeader_isAProblemDocument() throws IOException {
        assertProblem(raw("GET /api/v1/jobs/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)), 400);
        assertProblem(raw("GET /api/v1/jobs\u0000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)), 400);
        assertProblem(raw("GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nX-Probe: a\u0000b\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)), 400);
    }

    @Test
    void headerOf200Kilobytes_is431ProblemDocument() throws IOException {
        assertProblem(raw(("GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(200_000)
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)), 431);
    }

    private static final String JOB = "{\"name\":\"run\",\"gpuModel\":\"H100\",\"gpus\":8,\"class\":\"on-demand\","
            + "\"durationSeconds\":3600}";

    @ParameterizedTest(name = "Content-Type {0}")
    @ValueSource(strings = {"(none)", "application/jsonx-evil", "text/plain", "application/json-patch+json",
            "multipart/form-data", "application/x-www-form-urlencoded"})
    void submitJob_notJson_is415AndJournalUntouched(String contentType) {
        long seq = server.store().lastSeq();
        Api.Response r = api.send("POST", "/api/v1/jobs", tenant, JOB, contentType.equals("(none)") ? null : contentType);
        assertThat(r.status()).as(r.body()).isEqualTo(415);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("field").asText()).isEqualTo("Content-Type");
        assertThat(server.store().lastSeq()).isEqualTo(seq);
    }

    @ParameterizedTest(name = "Content-Type {0}")
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"})
    void submitJob_jsonWithOrWithoutParameters_isAccepted(String contentType) {
        Api.Response r = api.send("POST", "/api/v1/jobs", tenant, JOB, contentType);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @ParameterizedTest(name = "token {0}")
    @ValueSource(strings = {"(none)", "colossus_0000000000000000_notavalidsecretnotavalidsecretnotavalid", "garbage"})
    void events_withoutAValidToken_is401NotAStream(String token) {
        Api.Response r = api.get("/api/v1/events", token.equals("(none)") ? null : token);
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("field").asText()).isEqualTo("Authorization");
    }

    @Test
    void dataDirectory_ownerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("colossus.mv.db"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("operator.token"))))
                .isEqualTo("rw-------");
    }
}
