package org.colossus.server.api;

import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.colossus.server.engine.Engine;
import org.colossus.server.error.Problem;
import org.colossus.server.state.Credential;

import static org.colossus.server.api.Requests.PRINCIPAL;
import static org.colossus.server.api.Requests.principal;

/**
 * Bearer tokens to principals, and roles to permissions. Verified tokens are cached (a regex and a SHA-256 saved per
 * request); a cached token whose key has since been revoked is refused at once.
 */
final class Authenticator {
    private final Engine engine;
    private final ConsoleSessions sessions;
    private final Map<String, Credential> verified = new ConcurrentHashMap<>();

    Authenticator(Engine engine, ConsoleSessions sessions) {
        this.engine = engine;
        this.sessions = sessions;
    }

    /** Forgets a revoked key's cached tokens and console sessions (the credential check would refuse them anyway). */
    void forget(String keyId) {
        verified.values().removeIf(c -> c.keyId().equals(keyId));
        sessions.forget(keyId);
    }

    /** The credential of a token, or null (the console's sign-in checks a token this way). */
    Credential verify(String token) {
        return ApiKeys.verify(token, engine::credential);
    }

    /**
     * A console session's cookie instead of a bearer token: the same principal and permissions. A request that can
     * change something must also carry the session's CSRF token in a header, which a page of another site cannot
     * read or send (the cookie is SameSite=Strict as well).
     */
    private boolean session(Context ctx) {
        String id = ctx.cookie(ConsoleSessions.COOKIE);
        ConsoleSessions.Session s = sessions.find(id);
        if (s == null) {
            return false;
        }
        Credential c = engine.credential(s.keyId());
        if (c == null) {
            sessions.close(id); // its key was revoked
            return false;
        }
        String method = ctx.method().name();
        if (!method.equals("GET") && !method.equals("HEAD")
                && !ConsoleSessions.csrfMatches(s, ctx.header(ConsoleSessions.CSRF_HEADER))) {
            throw new Problem(403, "Forbidden", "a console request that changes something must carry the session's CSRF"
                    + " token in the " + ConsoleSessions.CSRF_HEADER + " header", ConsoleSessions.CSRF_HEADER, null,
                    "the session's CSRF token");
        }
        ctx.attribute(PRINCIPAL, c.operator() ? Principal.OPERATOR : new Principal(c.tenant()));
        ctx.attribute(SESSION, s);
        return true;
    }

    static final String SESSION = "colossus.session";

    void authenticate(Context ctx) {
        if (ctx.method().name().equals("OPTIONS")) {
            return;
        }
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (header == null && session(ctx)) {
            return;
        }
        Credential c = token == null ? null : verified.get(token);
        if (c != null && engine.credential(c.keyId()) == null) {
            verified.remove(token); // revoked since it was cached: refused at once
            c = null;
        }
        if (c == null) {
            c = ApiKeys.verify(token, engine::credential);
            if (c != null) {
                if (verified.size() > 10_000) {
                    verified.clear();
                }
                verified.put(token, c);
            }
        }
        if (c == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"colossus\"");
            throw new Problem(401, "Unauthorized", token == null
                    ? "no bearer token; send 'Authorization: Bearer <token>' (the operator's is in operator.token in the"
                    + " data directory; tenants get theirs when the operator creates them)"
                    : "the bearer token is not valid", "Authorization", null, "a valid bearer token");
        }
        ctx.attribute(PRINCIPAL, c.operator() ? Principal.OPERATOR : new Principal(c.tenant()));
    }

    /**
     * On a public route: the caller's principal when it sent a valid token or console session, else none; never a
     * refusal (a probe without a token gets the public answer).
     */
    void identifyIfPresent(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            if (ctx.method().name().equals("GET")) {
                session(ctx);
            }
            return;
        }
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Credential c = token == null ? null : ApiKeys.verify(token, engine::credential);
        if (c != null) {
            ctx.attribute(PRINCIPAL, c.operator() ? Principal.OPERATOR : new Principal(c.tenant()));
        }
    }

    static void authorize(Context ctx, Route.Role role) {
        switch (role) {
            case PUBLIC, ANY -> {
            }
            case OPERATOR -> {
                if (!principal(ctx).operator()) {
                    throw Problem.forbidden(ctx.method() + " " + ctx.attribute("colossus.route") + " is for the operator; tenant '"
                            + principal(ctx).tenant() + "' may not use it");
                }
            }
            case TENANT -> {
                if (principal(ctx).operator()) {
                    throw Problem.forbidden(ctx.method() + " " + ctx.attribute("colossus.route") + " is for tenants: the operator"
                            + " cannot act as a tenant; use the tenant's own API key");
                }
            }
        }
    }
}
