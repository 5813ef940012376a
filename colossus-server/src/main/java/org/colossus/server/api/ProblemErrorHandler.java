package org.colossus.server.api;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a garbage request line, a NUL in the path or a header, a header too large, anything
 * refused before a route sees it) as RFC 9457 problem documents like every other error, instead of Jetty's HTML page.
 * Nothing of the request is echoed beyond its path, which is clipped.
 */
final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (request.getAttribute(ERROR_STATUS) instanceof Integer s) {
            status = s;
        }
        if (status < 400) {
            status = 500;
        }
        String title = HttpStatus.getMessage(status);
        String detail = status == 431 ? "the request's headers are too large"
                : status == 500 ? "the server failed to answer; nothing was changed"
                : "the request could not be read as HTTP: " + title.toLowerCase(Locale.ROOT);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", "urn:colossus:problem:" + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", ""));
        doc.put("title", title);
        doc.put("status", status);
        doc.put("detail", detail);
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        if (path != null) {
            doc.put("instance", Bodies.clip(path.replace("\u0000", "")));
        }
        byte[] body = RequestJson.write(doc);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
