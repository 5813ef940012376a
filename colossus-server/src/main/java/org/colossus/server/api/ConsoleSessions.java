package org.colossus.server.api;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.colossus.server.state.Credential;

/**
 * The web console's sign-in sessions (issue 19). Signing in with a token creates a session: a random id in an
 * {@code HttpOnly}, {@code SameSite=Strict} cookie (so the token is never in a URL or readable by a script) and a
 * random CSRF token the page sends back in a header on every state-changing request. A session ends when its key is
 * revoked, at sign-out, after 12 hours without a request, or 7 days after sign-in; at most {@link #MAX_SESSIONS} live
 * at once (the oldest goes first). Sessions live in memory: a restart signs everyone out.
 */
final class ConsoleSessions {
    static final String COOKIE = "colossus_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final int MAX_SESSIONS = 10_000;
    static final long IDLE_MILLIS = 12 * 3_600_000L;
    static final long MAX_AGE_MILLIS = 7 * 86_400_000L;

    record Session(String id, String keyId, String csrf, long createdMillis, long lastSeenMillis) {
    }

    private final SecureRandom random;
    private final InstantSource clock;
    /** In sign-in order, so that the oldest is evicted first. */
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    ConsoleSessions(SecureRandom random, InstantSource clock) {
        this.random = random;
        this.clock = clock;
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    synchronized Session open(Credential c) {
        long now = clock.millis();
        if (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Session s = new Session(token(), c.keyId(), token(), now, now);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session of this cookie value, or null; a lookup counts as use. */
    synchronized Session find(String id) {
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        long now = clock.millis();
        if (now - s.lastSeenMillis() > IDLE_MILLIS || now - s.createdMillis() > MAX_AGE_MILLIS) {
            sessions.remove(id);
            return null;
        }
        Session seen = new Session(s.id(), s.keyId(), s.csrf(), s.createdMillis(), now);
        sessions.put(id, seen);
        return seen;
    }

    synchronized void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Ends every session of a revoked key. */
    synchronized void forget(String keyId) {
        sessions.values().removeIf(s -> s.keyId().equals(keyId));
    }

    static boolean csrfMatches(Session s, String header) {
        return header != null && MessageDigest.isEqual(s.csrf().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                header.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
