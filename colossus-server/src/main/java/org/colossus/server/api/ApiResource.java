package org.colossus.server.api;

import static org.colossus.server.api.Requests.principal;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseHandler;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.server.audit.AuditLog;
import org.colossus.server.billing.Billing;
import org.colossus.server.engine.Engine;
import org.colossus.server.error.Problem;
import org.colossus.server.error.TooManyRequests;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Store;
import org.colossus.server.state.AdmissionPolicy;
import org.colossus.trust.TrustException;

/**
 * The REST API under {@code /api/v1/}: composes the route groups ({@link ServiceRoutes}, {@link TenantRoutes},
 * {@link ContractRoutes}, {@link NodeRoutes}, {@link JobRoutes}, {@link AuditRoutes}, {@link InvoiceRoutes}) and the event stream, and
 * registers every route once, wrapped in authentication ({@link Authenticator}), problem documents
 * ({@link Problems}) and metrics.
 */
public final class ApiResource implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiResource.class);
    private final Authenticator authenticator;
    private final AdmissionControl admission;
    private final Metrics metrics = new Metrics();
    private final EventHub events = new EventHub();
    private final List<Route> routes;
    static final int HISTORY_SECONDS = 5;
    private final FleetHistory history = new FleetHistory();
    private final java.util.concurrent.ScheduledExecutorService sampler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "colossus-fleet-history");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean ready;

    public ApiResource(Engine engine, ApiKeys keys, Catalog catalog, Fleet fleet, Supplier<AuditLog> audit, Store store,
                       Billing billing, AdmissionPolicy admission, InstantSource clock) {
        ApiContext api = new ApiContext(engine, catalog, audit);
        ConsoleSessions sessions = new ConsoleSessions(new java.security.SecureRandom(), clock);
        this.authenticator = new Authenticator(engine, sessions);
        this.admission = new AdmissionControl(admission, clock,
                tenant -> api.read(s -> s.limitsOf(tenant, admission.tenantDefaults())));
        List<Route> r = new ArrayList<>();
        r.addAll(new ServiceRoutes(api, metrics, events, () -> ready, this::declaredRoutes).routes());
        r.addAll(new TenantRoutes(api, keys, authenticator, this.admission).routes());
        r.addAll(new ContractRoutes(api).routes());
        r.addAll(new NodeRoutes(api).routes());
        r.addAll(new JobRoutes(api, new JobPlanning(fleet, catalog), this.admission).routes());
        r.addAll(new AuditRoutes(api, store).routes());
        r.addAll(new InvoiceRoutes(api, billing).routes());
        r.addAll(new ConsoleRoutes(authenticator, sessions).routes());
        r.add(new Route("GET", "/api/v1/fleet/history", Route.Role.OPERATOR, 200, "The fleet over the last "
                + FleetHistory.CAPACITY + " samples (one every " + HISTORY_SECONDS + " s): GPUs held by tenant and by"
                + " class, jobs and GPUs waiting, GPUs down (the console's plots; kept across restarts).",
                null, FleetHistory.Series.class, Route.Shape.ONE, ctx -> Requests.json(ctx, 200,
                history.series(api.read(s -> FleetHistory.sample(s, engine.now()))))));
        try {
            history.load(store.fleetSamples(FleetHistory.CAPACITY));
        } catch (RuntimeException e) {
            LOG.warn("the console's stored fleet samples cannot be read ({}); the plots start over", e.getMessage());
        }
        sampler.scheduleAtFixedRate(() -> {
            try {
                FleetHistory.Sample sample = api.read(s -> FleetHistory.sample(s, engine.now()));
                history.add(sample);
                if (!engine.role().equals("standby")) {
                    store.putFleetSample(FleetHistory.stored(sample), FleetHistory.CAPACITY);
                }
            } catch (RuntimeException e) {
                // a standby without state yet, the database away, or shutting down: the next sample comes
            }
        }, 0, HISTORY_SECONDS, TimeUnit.SECONDS);
        r.add(new Route("GET", "/api/v1/events", Route.Role.ANY, 200,
                "Live job, contract and node changes as server-sent events (a tenant receives only its own).",
                null, EventHub.Event.class, Route.Shape.EVENTS, null));
        this.routes = List.copyOf(r);
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    /** Called by the engine with every committed batch. */
    public void published(List<Entry> entries) {
        events.publish(entries);
    }

    /** How long a refusal for an admission limit is held before it is sent (without holding a thread). */
    static final long TARPIT_MILLIS = 200;
    private static final Executor TARPIT = CompletableFuture.delayedExecutor(
            TARPIT_MILLIS, TimeUnit.MILLISECONDS);

    /**
     * Answers a 429 after {@link #TARPIT_MILLIS}: a refusal sent at once brings the next request at once, so a flooder
     * over its limit would spend the server's cores on refusals (FloodLoad measured ~6,000 a second from 16 clients).
     * Held this way, each of its connections makes at most five requests a second, and only the flooder waits.
     */
    private static void tarpit(Context ctx, TooManyRequests t) {
        Problems.problem(ctx, t);
        String body = ctx.result();
        ctx.future(() -> CompletableFuture.supplyAsync(() -> body, TARPIT));
    }

    List<Route> declaredRoutes() {
        return routes;
    }

    /** Registers the routes, authentication, error handling and metrics on a Javalin configuration. */
    public void register(JavalinConfig config) {
        config.http.maxRequestSize = RequestJson.MAX_BODY_BYTES;
        ProblemErrorHandler errors = new ProblemErrorHandler();
        config.jetty.modifyServer(server -> server.setErrorHandler(errors));
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(errors));
        // Authentication, authorization, problems and metrics wrap each handler directly rather than through
        // before/after handlers: the router then matches each request once (measurably less CPU per request).
        for (Route r : routes) {
            if (r.shape() == Route.Shape.EVENTS) {
                // Authenticated before the stream starts: a bad token is a 401 problem, not a 200 stream with a
                // problem inside (a security review's finding).
                SseHandler stream = new SseHandler(client -> events.subscribe(client, principal(client.ctx())));
                String label = r.path();
                config.routes.get(r.path(), ctx -> {
                    long start = System.nanoTime();
                    try {
                        authenticator.authenticate(ctx);
                    } catch (Problem p) {
                        Problems.problem(ctx, p);
                        metrics.record(r.method(), label, ctx.statusCode(), (System.nanoTime() - start) / 1e9);
                        return;
                    }
                    stream.handle(ctx);
                });
                continue;
            }
            Handler h = r.handler();
            String label = r.path();
            boolean secured = r.role() != Route.Role.PUBLIC;
            Handler guarded = ctx -> {
                long start = System.nanoTime();
                ctx.attribute("colossus.route", label);
                try {
                    if (secured) {
                        authenticator.authenticate(ctx);
                    } else {
                        authenticator.identifyIfPresent(ctx);
                    }
                    Authenticator.authorize(ctx, r.role());
                    if (secured) {
                        Principal caller = principal(ctx);
                        if (!caller.operator()) {
                            admission.request(caller.tenant());
                        }
                        ApiContext.enterLane(caller);
                    }
                    h.handle(ctx);
                } catch (TooManyRequests t) {
                    metrics.refused(t.limit());
                    tarpit(ctx, t);
                } catch (Problem p) {
                    Problems.problem(ctx, p);
                } catch (TrustException t) {
                    Problems.problem(ctx, new Problem(422, "Invalid field value", t.getMessage(), null, null, null));
                } catch (HttpResponseException e) {
                    Problems.problem(ctx, Problems.httpProblem(e)); // here, not in the exception mapper, so the metric counts its status
                } catch (RuntimeException e) {
                    Problems.internalError(ctx, e);
                } finally {
                    ApiContext.leaveLane();
                    metrics.record(r.method(), label, ctx.statusCode(), (System.nanoTime() - start) / 1e9);
                }
            };
            switch (r.method()) {
                case "GET" -> config.routes.get(r.path(), guarded);
                case "POST" -> config.routes.post(r.path(), guarded);
                default -> throw new IllegalStateException(r.method());
            }
        }
        config.routes.exception(Problem.class, (e, ctx) -> Problems.problem(ctx, e));
        config.http.prefer405over404 = true;
        config.routes.exception(HttpResponseException.class, (e, ctx) -> Problems.problem(ctx, Problems.httpProblem(e)));
        config.routes.exception(Exception.class, (e, ctx) -> Problems.internalError(ctx, e));
        config.routes.error(404, ctx -> {
            if (!"application/problem+json".equals(ctx.res().getContentType())) {
                Problems.problem(ctx, new Problem(404, "Not found", "no endpoint " + ctx.method() + " " + ctx.path()
                        + "; see /openapi.json", null, null, null));
            }
        });
        config.routes.error(405, ctx -> Problems.problem(ctx, new Problem(405, "Method not allowed",
                ctx.method() + " is not allowed on " + ctx.path() + "; see /openapi.json", null, null, null)));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        events.close();
    }
}
