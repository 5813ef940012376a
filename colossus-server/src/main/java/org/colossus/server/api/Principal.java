package org.colossus.server.api;

/** Who is calling: the operator ({@code tenant} null) or one tenant. */
public record Principal(String tenant) {
    public static final Principal OPERATOR = new Principal(null);

    public boolean operator() {
        return tenant == null;
    }

    public String actor() {
        return operator() ? "operator" : "tenant:" + tenant;
    }
}
