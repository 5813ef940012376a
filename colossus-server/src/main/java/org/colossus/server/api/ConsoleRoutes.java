package org.colossus.server.api;

import static org.colossus.server.api.Requests.body;
import static org.colossus.server.api.Requests.json;
import static org.colossus.server.api.Requests.principal;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.colossus.server.error.Problem;
import org.colossus.server.state.Credential;

/**
 * The web console (issue 19; docs/console.md): one page served by the control plane itself (every view is a path
 * under {@code /console/}), its scripts and styles under {@code /console-assets/}, and sign-in and sign-out. The page
 * then uses the same REST API as every other client, authenticated by the session cookie; nothing here is a back door.
 * Every answer carries a strict Content-Security-Policy: scripts and styles from this server only, nothing inline,
 * no request to another origin.
 */
final class ConsoleRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final String ASSETS = "/org/colossus/server/console/";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]{1,64}\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private final Authenticator authenticator;
    private final ConsoleSessions sessions;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    ConsoleRoutes(Authenticator authenticator, ConsoleSessions sessions) {
        this.authenticator = authenticator;
        this.sessions = sessions;
    }

    /** The sign-in request: the operator's or a tenant's API token. */
    record SignIn(String token) {
    }

    /** @param csrf the header value every state-changing request of this session carries (null for a bearer token) */
    record SessionInfo(String role, String tenant, String csrf) {
    }

    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/console", Route.Role.PUBLIC, 200, "The web console (docs/console.md).",
                null, null, Route.Shape.TEXT, this::page));
        r.add(new Route("GET", "/console/<view>", Route.Role.PUBLIC, 200, "A view of the web console: the same page,"
                + " which shows the view its path names.", null, null, Route.Shape.TEXT, this::page));
        r.add(new Route("GET", "/console-assets/{file}", Route.Role.PUBLIC, 200, "The console's scripts and styles.",
                null, null, Route.Shape.TEXT, this::asset));
        r.add(new Route("POST", "/api/v1/console/session", Route.Role.PUBLIC, 200, "Sign in to the console with an API token:"
                + " sets an HttpOnly, SameSite=Strict session cookie and returns the session's CSRF token.",
                SignIn.class, SessionInfo.class, Route.Shape.ONE, this::signIn));
        r.add(new Route("GET", "/api/v1/console/session", Route.Role.ANY, 200, "Who this console session is, with its CSRF"
                + " token.", null, SessionInfo.class, Route.Shape.ONE, this::me));
        r.add(new Route("POST", "/api/v1/console/session/end", Route.Role.ANY, 200, "Sign out: ends the session and clears"
                + " its cookie (needs the CSRF token).", null, SessionInfo.class, Route.Shape.ONE, this::signOut));
        return r;
    }

    private static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }

    private void page(Context ctx) {
        secure(ctx);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(resource("index.html"));
    }

    private void asset(Context ctx) {
        String file = ctx.pathParam("file");
        if (!ASSET.matcher(file).matches()) {
            throw Problem.notFound("console asset", file);
        }
        byte[] bytes = resource(file);
        if (bytes == null) {
            throw Problem.notFound("console asset", file);
        }
        secure(ctx);
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1))).result(bytes);
    }

    private byte[] resource(String name) {
        return cache.computeIfAbsent(name, n -> {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream(ASSETS + n)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private void signIn(Context ctx) {
        secure(ctx);
        SignIn in = body(ctx, SignIn.class);
        String token = in.token() == null ? "" : in.token().trim();
        Credential c = token.length() > 200 ? null : authenticator.verify(token);
        if (c == null) {
            // One answer for every wrong token: nothing says whether a tenant or key exists.
            throw new Problem(401, "Unauthorized", "that token is not valid", "token", null,
                    "the operator's token or a tenant's API key");
        }
        ConsoleSessions.Session s = sessions.open(c);
        Cookie cookie = new Cookie(ConsoleSessions.COOKIE, s.id(), "/", (int) (ConsoleSessions.MAX_AGE_MILLIS / 1000),
                "https".equals(ctx.scheme()), true, null, SameSite.STRICT);
        ctx.cookie(cookie);
        json(ctx, 200, new SessionInfo(c.operator() ? "operator" : "tenant", c.operator() ? null : c.tenant(), s.csrf()));
    }

    private void me(Context ctx) {
        secure(ctx);
        Principal p = principal(ctx);
        ConsoleSessions.Session s = ctx.attribute(Authenticator.SESSION);
        json(ctx, 200, new SessionInfo(p.operator() ? "operator" : "tenant", p.tenant(), s == null ? null : s.csrf()));
    }

    private void signOut(Context ctx) {
        secure(ctx);
        Principal p = principal(ctx);
        sessions.close(ctx.cookie(ConsoleSessions.COOKIE));
        ctx.cookie(new Cookie(ConsoleSessions.COOKIE, "", "/", 0, "https".equals(ctx.scheme()), true, null,
                SameSite.STRICT));
        json(ctx, 200, new SessionInfo(p.operator() ? "operator" : "tenant", p.tenant(), null));
    }
}
