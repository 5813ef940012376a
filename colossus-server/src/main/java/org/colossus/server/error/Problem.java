package org.colossus.server.error;

/**
 * A request the server refuses, with what an RFC 9457 problem document needs: the HTTP status, a short title, and
 * for bad input the field, the value given and what was expected. Nothing has changed when one is thrown.
 */
public class Problem extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final Object value;
    private final String expected;

    public Problem(int status, String title, String detail, String field, Object value, String expected) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.value = value;
        this.expected = expected;
    }

    /** 422: a well-formed request whose field has a value that cannot be accepted. */
    public static Problem invalid(String field, Object value, String expected) {
        return new Problem(422, "Invalid field value", field + " = " + render(value) + ": expected " + expected,
                field, value, expected);
    }

    /** 400: the body is not the JSON the endpoint takes. */
    public static Problem badRequest(String detail, String field, Object value, String expected) {
        return new Problem(400, "Malformed request", detail, field, value, expected);
    }

    public static Problem notFound(String what, Object id) {
        return new Problem(404, "Not found", what + " " + render(id) + " does not exist", null, null, null);
    }

    /** 409: the request is valid but the current state does not allow it. */
    public static Problem conflict(String detail) {
        return new Problem(409, "Conflict", detail, null, null, null);
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "Forbidden", detail, null, null, null);
    }

    public static Problem unavailable(String detail) {
        return new Problem(503, "Service unavailable", detail, null, null, null);
    }

    /** A write sent to a standby (high availability): 503 with the leader's URL, if one leads. */
    public static Problem standby(String leaderUrl) {
        return new NotLeader(leaderUrl);
    }

    private static String render(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public Object value() {
        return value;
    }

    public String expected() {
        return expected;
    }
}
