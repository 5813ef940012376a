package org.colossus.server.api;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Locale;
import org.colossus.server.error.Problem;

/** Problems as RFC 9457 documents: every error the API sends, from a route, Javalin or an unexpected failure. */
final class Problems {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    static Problem httpProblem(HttpResponseException e) {
        return new Problem(e.getStatus(), statusTitle(e.getStatus()), e.getStatus() == 413 ? "the body is larger than 1 MiB"
                : e.getStatus() == 404 || e.getStatus() == 405 ? e.getMessage() + "; see /openapi.json" : e.getMessage(),
                e.getStatus() == 413 ? "body" : null, null, e.getStatus() == 413 ? "at most 1 MiB" : null);
    }

    static void internalError(Context ctx, Exception e) {
        String path = pathOf(ctx);
        if (path == null) {
            return;
        }
        LOG.error("error serving {} {}", ctx.method(), path, e);
        problem(ctx, new Problem(500, "Internal server error", "the server failed to answer; nothing was changed"
                + " unless the reply said so (see the server log)", null, null, null));
    }

    private static String statusTitle(int status) {
        return switch (status) {
            case 400 -> "Malformed request";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported media type";
            default -> "HTTP " + status;
        };
    }

    record ProblemDocument(String type, String title, int status, String detail, String instance, String field,
                           Object value, String expected) {
    }

    private static String pathOf(Context ctx) {
        try {
            return ctx.path();
        } catch (RuntimeException e) {
            return null; // a request Jetty already recycled (a closed event stream)
        }
    }

    static void problem(Context ctx, Problem p) {
        if (p instanceof org.colossus.server.error.TooManyRequests t) {
            ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
        }
        if (p instanceof org.colossus.server.error.NotLeader n) {
            ctx.header("Retry-After", "1");
            if (n.leaderUrl() != null) {
                ctx.header("X-Colossus-Leader", n.leaderUrl());
            }
        }
        String path = pathOf(ctx);
        if (path == null) {
            return;
        }
        String slug = p.title().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        ProblemDocument doc = new ProblemDocument("urn:colossus:problem:" + slug, p.title(), p.status(),
                p.getMessage(), path, p.field(), p.value(), p.expected());
        ctx.status(p.status()).contentType("application/problem+json").result(RequestJson.write(doc));
    }
}
