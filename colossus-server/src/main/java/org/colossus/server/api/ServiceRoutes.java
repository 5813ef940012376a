package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** Health, readiness, metrics, the OpenAPI document and who-am-I. */
final class ServiceRoutes extends RouteGroup {
    private final Metrics metrics;
    private final EventHub events;
    private final java.util.function.BooleanSupplier ready;
    private final java.util.function.Supplier<List<Route>> allRoutes;

    ServiceRoutes(ApiContext api, Metrics metrics, EventHub events, java.util.function.BooleanSupplier ready,
                  java.util.function.Supplier<List<Route>> allRoutes) {
        super(api);
        this.metrics = metrics;
        this.events = events;
        this.ready = ready;
        this.allRoutes = allRoutes;
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/healthz", Route.Role.PUBLIC, 200, "Liveness: the process and its engine run.",
                null, Health.class, Route.Shape.ONE, ctx -> health(ctx, engine.healthy())));
        r.add(new Route("GET", "/readyz", Route.Role.PUBLIC, 200, "Readiness: the journal is replayed and requests are"
                        + " served; with high availability, the role (leader or standby), the epoch and the journal entry"
                        + " the state reflects.",
                null, Health.class, Route.Shape.ONE, ctx -> health(ctx, ready.getAsBoolean() && engine.healthy())));
        r.add(new Route("GET", "/metrics", Route.Role.OPERATOR, 200, "Prometheus metrics (text format 0.0.4), for the"
                + " operator's token only: tenant counts, submission rates and queue depth are no business of a rival.",
                null, null, Route.Shape.TEXT, this::metrics));
        r.add(new Route("GET", "/api/v1/state", Route.Role.OPERATOR, 200, "The control plane's state hash (SHA-256 of a"
                + " canonical dump) and the journal entry it reflects, with this server's role: equal on every server"
                + " that has applied the same entries, and equal to a cold replay of the journal.",
                null, StateHash.class, Route.Shape.ONE, ctx -> json(ctx, 200, read(s -> new StateHash(s.lastSeq(),
                s.stateHash(), engine.role(), engine.epoch())))));
        r.add(new Route("GET", "/openapi.json", Route.Role.PUBLIC, 200, "This API as an OpenAPI 3.1 document.",
                null, null, Route.Shape.TEXT, ctx -> ctx.contentType("application/json").result(OpenApi.document(allRoutes.get()))));
        r.add(new Route("GET", "/api/v1/whoami", Route.Role.ANY, 200, "Who the bearer token belongs to.",
                null, WhoAmI.class, Route.Shape.ONE, ctx -> {
                    Principal p = principal(ctx);
                    json(ctx, 200, new WhoAmI(p.operator() ? "operator" : "tenant", p.tenant()));
                }));
        return r;
    }

    /**
     * @param status ok, degraded (serving, but the data plane cannot act: launches wait) or unavailable
     * @param role {@code single}, {@code leader} or {@code standby}
     * @param seq the last journal entry the served state reflects; only with the operator's token (the journal's
     *            length tells whoever polls it how busy the fleet is)
     * @param dataPlane null when the data plane can act; else why not
     */
    record Health(String status, String role, long epoch,
                  @com.fasterxml.jackson.annotation.JsonInclude(
                          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long seq,
                  @com.fasterxml.jackson.annotation.JsonInclude(
                          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String dataPlane) {
    }

    /** @param seq the last journal entry applied */
    record StateHash(long seq, String hash, String role, long epoch) {
    }

    record WhoAmI(String role, String tenant) {
    }

    private void health(Context ctx, boolean ok) {
        String plane = engine.dataPlaneUnavailable();
        // The journal's length tells anyone who polls it how busy the fleet is: the operator's token shows it.
        Principal caller = ctx.attribute(Requests.PRINCIPAL);
        Long seq = caller != null && caller.operator() ? engine.committedSeq() : null;
        json(ctx, ok ? 200 : 503, new Health(!ok ? "unavailable" : plane != null ? "degraded" : "ok", engine.role(),
                engine.epoch(), seq, plane));
    }

    private void metrics(Context ctx) {
        Metrics.Gauges g = read(s -> {
            var f = s.fleetView(engine.now());
            return new Metrics.Gauges(f.gpus(), f.allocatedGpus(), f.downGpus(), f.queuedJobs(), f.runningJobs(),
                    s.tenants().size(), s.lastSeq(), engine.commits(), engine.backlog(), engine.secondsSinceLastCommit(),
                    events.size(), engine.role(), engine.epoch(), engine.followLag(),
                    engine.dataPlaneUnavailable() == null);
        });
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render(g));
    }

}
