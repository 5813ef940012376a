package org.colossus.server.api;

import io.javalin.http.Handler;

/**
 * One endpoint: what the router registers and what {@code /openapi.json} documents, from the same declaration.
 *
 * @param request the body's record type, or null
 * @param response the reply's record type (null for none or non-JSON)
 * @param shape how the reply wraps {@code response}
 */
record Route(String method, String path, Role role, int status, String summary, Class<?> request, Class<?> response,
             Shape shape, Handler handler) {
    enum Role { PUBLIC, OPERATOR, TENANT, ANY }

    enum Shape { ONE, LIST, PAGE, TEXT, BYTES, EVENTS }
}
