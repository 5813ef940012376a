package org.colossus.server.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseHandler;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FleetException;
import org.colossus.fleet.GpuModel;
import org.colossus.perf.PerfException;
import org.colossus.perf.Tokens;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobState;
import org.colossus.scheduler.SchedulerException;
import org.colossus.server.Problem;
import org.colossus.server.engine.Commands;
import org.colossus.server.engine.Engine;
import org.colossus.server.state.Credential;
import org.colossus.server.state.Views;

/**
 * The REST API under {@code /api/v1/}: one class that declares every route (with its role and schema) and registers
 * them, plus authentication, problem documents, metrics and live events.
 */
public final class ApiResource implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiResource.class);
    static final String PRINCIPAL = "colossus.principal";
    private static final long TIMEOUT_SECONDS = 30;

    private final Engine engine;
    private final ApiKeys keys;
    private final Catalog catalog;
    private final JobPlanning planning;
    private final InstantSource realClock;
    private final Metrics metrics = new Metrics();
    private final EventHub events = new EventHub();
    private final List<Route> routes;
    private volatile boolean ready;
    /** Tokens already checked (keys are never revoked yet): saves a regex and a SHA-256 per request. */
    private final java.util.Map<String, Credential> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private final org.colossus.server.audit.AuditLog audit;
    private final org.colossus.server.journal.Store store;

    public ApiResource(Engine engine, ApiKeys keys, Catalog catalog, org.colossus.fleet.Fleet fleet, InstantSource realClock,
                       org.colossus.server.audit.AuditLog audit, org.colossus.server.journal.Store store) {
        this.engine = engine;
        this.audit = audit;
        this.store = store;
        this.keys = keys;
        this.catalog = catalog;
        this.planning = new JobPlanning(fleet, catalog);
        this.realClock = realClock;
        this.routes = routes();
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    /** Called by the engine with every committed batch. */
    public void published(List<org.colossus.server.journal.Entry> entries) {
        events.publish(entries);
    }

    List<Route> declaredRoutes() {
        return routes;
    }

    private List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/healthz", Route.Role.PUBLIC, 200, "Liveness: the process and its engine run.",
                null, Health.class, Route.Shape.ONE, ctx -> health(ctx, engine.healthy())));
        r.add(new Route("GET", "/readyz", Route.Role.PUBLIC, 200, "Readiness: the journal is replayed and requests are served.",
                null, Health.class, Route.Shape.ONE, ctx -> health(ctx, ready && engine.healthy())));
        r.add(new Route("GET", "/metrics", Route.Role.OPERATOR, 200, "Prometheus metrics (text format 0.0.4), for the"
                + " operator's token only: tenant counts, submission rates and queue depth are no business of a rival.",
                null, null, Route.Shape.TEXT, this::metrics));
        r.add(new Route("GET", "/openapi.json", Route.Role.PUBLIC, 200, "This API as an OpenAPI 3.1 document.",
                null, null, Route.Shape.TEXT, ctx -> ctx.contentType("application/json").result(OpenApi.document(routes))));
        r.add(new Route("GET", "/api/v1/whoami", Route.Role.ANY, 200, "Who the bearer token belongs to.",
                null, WhoAmI.class, Route.Shape.ONE, ctx -> {
                    Principal p = principal(ctx);
                    json(ctx, 200, new WhoAmI(p.operator() ? "operator" : "tenant", p.tenant()));
                }));
        r.add(new Route("POST", "/api/v1/tenants", Route.Role.OPERATOR, 201,
                "Create a tenant; the reply holds its API key, shown only this once.",
                Bodies.CreateTenant.class, Bodies.TenantCreated.class, Route.Shape.ONE, this::createTenant));
        r.add(new Route("POST", "/api/v1/tenants/{name}/keys", Route.Role.OPERATOR, 201,
                "Issue another API key for a tenant (shown only this once; its earlier keys stay valid).",
                null, Bodies.TenantCreated.class, Route.Shape.ONE, this::issueKey));
        r.add(new Route("GET", "/api/v1/tenants/{name}/keys", Route.Role.ANY, 200,
                "The ids of a tenant's valid API keys (the operator's, or a tenant's own; never a secret).",
                null, KeyIds.class, Route.Shape.ONE, ctx -> json(ctx, 200,
                        new KeyIds(read(s -> ownTenant(ctx, s) ? s.tenantKeyIds(ctx.pathParam("name")) : null)))));
        r.add(new Route("POST", "/api/v1/tenants/{name}/keys/{keyId}/revoke", Route.Role.ANY, 200,
                "Revoke one of a tenant's API keys at once (the operator, or the tenant for its own keys); journaled.",
                null, KeyIds.class, Route.Shape.ONE, this::revokeKey));
        r.add(new Route("GET", "/api/v1/tenants", Route.Role.OPERATOR, 200, "List tenants.",
                null, Views.Tenant.class, Route.Shape.LIST, ctx -> json(ctx, 200, read(s -> s.tenants()))));
        r.add(new Route("POST", "/api/v1/contracts", Route.Role.OPERATOR, 201,
                "Sign a contract: a tenant's GPUs of one class and model for a period at a price.",
                Bodies.CreateContract.class, Views.Contract.class, Route.Shape.ONE, this::createContract));
        r.add(new Route("GET", "/api/v1/contracts", Route.Role.ANY, 200,
                "List contracts (a tenant sees its own).", null, Views.Contract.class, Route.Shape.LIST,
                ctx -> json(ctx, 200, read(s -> s.contracts(principal(ctx).tenant())))));
        r.add(new Route("POST", "/api/v1/contracts/{id}/end", Route.Role.OPERATOR, 200, "End a contract now.",
                null, Views.Contract.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, write(Commands.endContract(pathId(ctx, "contract"))))));
        r.add(new Route("GET", "/api/v1/fleet", Route.Role.OPERATOR, 200, "The fleet: size, allocation, failures, queue.",
                null, Views.Fleet.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, read(s -> s.fleetView(engine.now())))));
        r.add(new Route("GET", "/api/v1/nodes", Route.Role.OPERATOR, 200,
                "List nodes, optionally in one state (free, partial, full, down, drained); paged by ?after=ID&limit=N.",
                null, Views.Node.class, Route.Shape.PAGE, this::listNodes));
        r.add(new Route("GET", "/api/v1/nodes/{id}", Route.Role.OPERATOR, 200, "One node and the jobs on it.",
                null, Views.Node.class, Route.Shape.ONE, ctx -> {
                    int id = nodeId(ctx);
                    json(ctx, 200, read(s -> {
                        if (id >= s.fleet().nodeCount()) {
                            throw Problem.notFound("node", id);
                        }
                        return s.node(id);
                    }));
                }));
        r.add(new Route("POST", "/api/v1/nodes/{id}/drain", Route.Role.OPERATOR, 200,
                "Drain a node: running jobs finish, no new job starts there.", null, Views.Node.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, write(Commands.drainNode(nodeId(ctx), true)))));
        r.add(new Route("POST", "/api/v1/nodes/{id}/undrain", Route.Role.OPERATOR, 200,
                "Return a drained node to service.", null, Views.Node.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, write(Commands.drainNode(nodeId(ctx), false)))));
        r.add(new Route("POST", "/api/v1/jobs", Route.Role.TENANT, 201,
                "Submit a job: a duration, or a model and token budget that the planner turns into one.",
                Bodies.SubmitJob.class, Views.Job.class, Route.Shape.ONE, this::submitJob));
        r.add(new Route("GET", "/api/v1/jobs", Route.Role.ANY, 200,
                "List jobs (a tenant sees its own), optionally in one state; paged by ?after=ID&limit=N.",
                null, Views.Job.class, Route.Shape.PAGE, this::listJobs));
        r.add(new Route("GET", "/api/v1/jobs/{id}", Route.Role.ANY, 200,
                "One job with its state, placement and pending reason. Another tenant's job is not found.",
                null, Views.Job.class, Route.Shape.ONE, ctx -> {
                    long id = pathId(ctx, "job");
                    Principal p = principal(ctx);
                    json(ctx, 200, read(s -> {
                        String owner = s.jobTenant(id);
                        if (owner == null || (!p.operator() && !owner.equals(p.tenant()))) {
                            throw Problem.notFound("job", id);
                        }
                        return s.job(id);
                    }));
                }));
        r.add(new Route("POST", "/api/v1/jobs/{id}/cancel", Route.Role.TENANT, 200, "Cancel one of your jobs.",
                null, Views.Job.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, write(Commands.cancelJob(principal(ctx).tenant(), pathId(ctx, "job"))))));
        r.add(new Route("GET", "/api/v1/usage", Route.Role.ANY, 200,
                "GPU-hours and cost so far by job class (a tenant sees its own; the operator every tenant's).",
                null, Views.Usage.class, Route.Shape.LIST, ctx -> {
                    Principal p = principal(ctx);
                    json(ctx, 200, read(s -> {
                        long now = engine.now();
                        if (!p.operator()) {
                            return List.of(s.usage(p.tenant(), now));
                        }
                        return s.tenants().stream().map(t -> s.usage(t.name(), now)).toList();
                    }));
                }));
        r.add(new Route("POST", "/api/v1/checkpoints", Route.Role.TENANT, 201,
                "Record a sealed checkpoint: its context (your-tenant/run/step) and the SHA-256 of its manifest go into"
                        + " the journal and the audit log, so a later rollback to an older checkpoint is provable.",
                Bodies.RecordSeal.class, SealRecorded.class, Route.Shape.ONE, this::recordSeal));
        r.add(new Route("GET", "/api/v1/audit/checkpoint", Route.Role.ANY, 200,
                "The latest signed checkpoint of the journal's transparency log (C2SP tlog-checkpoint in a signed"
                        + " note); ?fresh=true first integrates and signs everything committed so far.",
                null, null, Route.Shape.TEXT, ctx -> {
                    boolean fresh = "true".equals(ctx.queryParam("fresh"));
                    if (ctx.queryParam("fresh") != null && !fresh && !"false".equals(ctx.queryParam("fresh"))) {
                        throw Problem.invalid("fresh", Bodies.clip(ctx.queryParam("fresh")), "true or false");
                    }
                    try {
                        ctx.contentType("text/plain; charset=utf-8").result(audit().checkpoint(fresh).encode());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw Problem.unavailable("interrupted while waiting for a fresh checkpoint");
                    }
                }));
        r.add(new Route("GET", "/api/v1/audit/key", Route.Role.ANY, 200,
                "The log's verifier key (C2SP signed-note vkey): pin it once, verify every checkpoint with it.",
                null, null, Route.Shape.TEXT, ctx -> ctx.contentType("text/plain; charset=utf-8")
                        .result(audit().verifier().encode() + "\n")));
        r.add(new Route("GET", "/api/v1/audit/proof/inclusion", Route.Role.ANY, 200,
                "RFC 9162 inclusion proof of leaf ?index=I in the tree of ?size=N (default: the latest checkpoint).",
                null, InclusionProof.class, Route.Shape.ONE, ctx -> {
                    long size = queryLong(ctx, "size", 1, audit().checkpointSize(), audit().checkpointSize());
                    long index = queryLong(ctx, "index", 0, size - 1, -1);
                    if (index < 0) {
                        throw Problem.invalid("index", null, "a leaf index below the tree size (required)");
                    }
                    json(ctx, 200, new InclusionProof(index, size, b64(audit().inclusionProof(index, size))));
                }));
        r.add(new Route("GET", "/api/v1/audit/proof/consistency", Route.Role.ANY, 200,
                "RFC 9162 consistency proof from the tree of ?from=M to the tree of ?to=N.",
                null, ConsistencyProof.class, Route.Shape.ONE, ctx -> {
                    long to = queryLong(ctx, "to", 1, audit().checkpointSize(), audit().checkpointSize());
                    long from = queryLong(ctx, "from", 1, to, -1);
                    if (from < 0) {
                        throw Problem.invalid("from", null, "a tree size from 1 to " + to + " (required)");
                    }
                    json(ctx, 200, new ConsistencyProof(from, to, b64(audit().consistencyProof(from, to))));
                }));
        r.add(new Route("GET", "/api/v1/audit/entries", Route.Role.ANY, 200,
                "The caller's own journal entries (the operator: all) in canonical form, each with its opening secret,"
                        + " leaf index and node leaves, after ?after=SEQ, at most ?limit=N, and one multi-leaf proof of"
                        + " the page in the tree of ?size=N (a recent checkpoint's; default the latest).",
                null, AuditEntryPage.class, Route.Shape.ONE, this::auditEntries));
        r.add(new Route("GET", "/api/v1/audit/nodes/{id}", Route.Role.ANY, 200,
                "A node's assignment history: its node leaves (node, time, place or release, previous event, holders,"
                        + " holder commitment) with leaf index in [?from, ?to] and time in [?since, ?until] (epoch ms),"
                        + " with one multi-leaf proof in the tree of ?size=N (a recent checkpoint's; default the latest).",
                null, NodeHistory.class, Route.Shape.ONE, this::auditNode));
        r.add(new Route("POST", "/api/v1/audit/node-leaves", Route.Role.ANY, 200,
                "Node leaves by index, and each given node's next event after a given leaf, in one reply with one"
                        + " multi-leaf proof in the tree of size (a recent checkpoint's): what audit verify needs to check"
                        + " exclusivity without one request per node. At most 20,000 of each.",
                Bodies.NodeLeavesQuery.class, NodeLeaves.class, Route.Shape.ONE, this::auditNodeLeaves));
        r.add(new Route("GET", "/api/v1/audit/tile/{level}/<index>", Route.Role.ANY, 200,
                "A hash tile of the log (C2SP tlog-tiles): tile/L/N for the 256 hashes of tree level 8L from index 256N,"
                        + " tile/L/N.p/W for the first W of them; N in 3-digit groups (1234067: x001/x234/067). Only"
                        + " what the latest checkpoint covers; full tiles never change.",
                null, null, Route.Shape.BYTES, this::auditTile));
        r.add(new Route("GET", "/api/v1/events", Route.Role.ANY, 200,
                "Live job, contract and node changes as server-sent events (a tenant receives only its own).",
                null, EventHub.Event.class, Route.Shape.EVENTS, null));
        return List.copyOf(r);
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
                        authenticate(ctx);
                    } catch (Problem p) {
                        problem(ctx, p);
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
                        authenticate(ctx);
                    }
                    authorize(ctx, r.role());
                    h.handle(ctx);
                } catch (Problem p) {
                    problem(ctx, p);
                } catch (org.colossus.trust.TrustException t) {
                    problem(ctx, new Problem(422, "Invalid field value", t.getMessage(), null, null, null));
                } catch (HttpResponseException e) {
                    problem(ctx, httpProblem(e)); // here, not in the exception mapper, so the metric counts its status
                } catch (RuntimeException e) {
                    internalError(ctx, e);
                } finally {
                    metrics.record(r.method(), label, ctx.statusCode(), (System.nanoTime() - start) / 1e9);
                }
            };
            switch (r.method()) {
                case "GET" -> config.routes.get(r.path(), guarded);
                case "POST" -> config.routes.post(r.path(), guarded);
                default -> throw new IllegalStateException(r.method());
            }
        }
        config.routes.exception(Problem.class, (e, ctx) -> problem(ctx, e));
        config.http.prefer405over404 = true;
        config.routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, httpProblem(e)));
        config.routes.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
        config.routes.error(404, ctx -> {
            if (!"application/problem+json".equals(ctx.res().getContentType())) {
                problem(ctx, new Problem(404, "Not found", "no endpoint " + ctx.method() + " " + ctx.path()
                        + "; see /openapi.json", null, null, null));
            }
        });
        config.routes.error(405, ctx -> problem(ctx, new Problem(405, "Method not allowed",
                ctx.method() + " is not allowed on " + ctx.path() + "; see /openapi.json", null, null, null)));
    }

    private static Problem httpProblem(HttpResponseException e) {
        return new Problem(e.getStatus(), statusTitle(e.getStatus()), e.getStatus() == 413 ? "the body is larger than 1 MiB"
                : e.getStatus() == 404 || e.getStatus() == 405 ? e.getMessage() + "; see /openapi.json" : e.getMessage(),
                e.getStatus() == 413 ? "body" : null, null, e.getStatus() == 413 ? "at most 1 MiB" : null);
    }

    private static void internalError(Context ctx, Exception e) {
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

    // ---------------------------------------------------------------------------------------------------------------
    // Auth

    private void authenticate(Context ctx) {
        if (ctx.method().name().equals("OPTIONS")) {
            return;
        }
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
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

    private static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new Problem(401, "Unauthorized", "no bearer token", "Authorization", null, "a valid bearer token");
        }
        return p;
    }

    private static void authorize(Context ctx, Route.Role role) {
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

    // ---------------------------------------------------------------------------------------------------------------
    // Handlers

    record Health(String status) {
    }

    /** RFC 9162 inclusion proof: base64 hashes of the audit path. */
    record InclusionProof(long index, long treeSize, List<String> proof) {
    }

    /** RFC 9162 consistency proof between two tree sizes. */
    record ConsistencyProof(long from, long to, List<String> proof) {
    }

    /**
     * A node leaf: its index in the log and its text (docs/audit-log.md), as text or, with ?encoding=base64, as the
     * base64 of its bytes (no JSON escaping to write or read: faster for verifiers).
     */
    record AuditNodeLeaf(long index, String data, String dataBase64) {
        static AuditNodeLeaf of(long index, byte[] data, boolean base64) {
            return base64 ? new AuditNodeLeaf(index, null, Base64.getEncoder().encodeToString(data))
                    : new AuditNodeLeaf(index, new String(data, java.nio.charset.StandardCharsets.UTF_8), null);
        }
    }

    /**
     * A journal entry as the log holds it: entry leaf {@code index} = SHA-256(0x00 || "colossus-audit/v1 entry\n"
     * "opening " {@code opening} "\n" || {@code canonical}), followed by its node leaves.
     */
    record AuditEntry(long seq, long index, String canonical, String canonicalBase64, String opening,
                      List<AuditNodeLeaf> nodeLeaves) {
    }

    /** ?encoding=text (the default) or base64: how entry and node-leaf texts are sent. */
    private static boolean base64Encoding(Context ctx) {
        String e = ctx.queryParam("encoding");
        if (e == null || e.equals("text")) {
            return false;
        }
        if (e.equals("base64")) {
            return true;
        }
        throw Problem.invalid("encoding", Bodies.clip(e), "text or base64");
    }

    /** @param proof a multi-leaf proof of every entry and node leaf of the page in the tree of {@code treeSize} */
    record AuditEntryPage(long treeSize, List<AuditEntry> items, Long next, List<String> proof) {
    }

    record NodeHistory(int node, long treeSize, List<AuditNodeLeaf> items, Long next, List<String> proof) {
    }

    record NodeLeaves(long treeSize, List<AuditNodeLeaf> items, List<String> proof) {
    }

    record SealRecorded(long seq, String context, String manifestSha256) {
    }

    private org.colossus.server.audit.AuditLog audit() {
        if (audit == null) {
            throw Problem.unavailable("the audit log is not running");
        }
        return audit;
    }

    private static final java.util.regex.Pattern TILE_INDEX =
            java.util.regex.Pattern.compile("((?:x[0-9]{3}/)*[0-9]{3})(?:\\.p/([0-9]{1,3}))?");

    private void auditTile(Context ctx) {
        String levelText = ctx.pathParam("level");
        if (!levelText.matches("[0-9]{1,2}")) {
            throw Problem.invalid("level", Bodies.clip(levelText), "a tile level from 0 to 63");
        }
        int level = Integer.parseInt(levelText);
        if (level > 63) {
            throw Problem.invalid("level", level, "a tile level from 0 to 63");
        }
        String path = ctx.pathParam("index");
        java.util.regex.Matcher m = TILE_INDEX.matcher(path);
        if (!m.matches()) {
            throw Problem.invalid("index", Bodies.clip(path), "a tile index in 3-digit groups, all but the last"
                    + " prefixed with x (e.g. x001/x234/067), optionally followed by .p/W for a partial tile");
        }
        String digits = m.group(1).replace("x", "").replace("/", "");
        if (digits.length() > 18) {
            throw Problem.invalid("index", Bodies.clip(path), "a tile index below 10^18");
        }
        long index = Long.parseLong(digits);
        int width = org.colossus.trust.MerkleTiles.WIDTH;
        if (m.group(2) != null) {
            width = Integer.parseInt(m.group(2));
            if (width < 1 || width >= org.colossus.trust.MerkleTiles.WIDTH || m.group(2).startsWith("0")) {
                throw Problem.invalid("width", m.group(2), "a partial tile width from 1 to 255");
            }
        }
        byte[] tile = audit().tile(level, index, width);
        if (tile == null) {
            throw Problem.notFound("tile", level + "/" + path + " (beyond the latest checkpoint, size "
                    + audit().checkpointSize() + ")");
        }
        ctx.header("Cache-Control", width == org.colossus.trust.MerkleTiles.WIDTH ? "public, max-age=31536000, immutable"
                : "public, max-age=60");
        ctx.contentType("application/octet-stream").result(tile);
    }

    private static List<String> b64(List<byte[]> hashes) {
        return hashes.stream().map(h -> java.util.Base64.getEncoder().encodeToString(h)).toList();
    }

    private void auditEntries(Context ctx) {
        Principal p = principal(ctx);
        boolean base64 = base64Encoding(ctx);
        long after = queryLong(ctx, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) queryLong(ctx, "limit", 1, 10_000, 1000);
        var log = audit();
        long treeSize = checkpointSize(ctx, log);
        long end = log.seqAt(treeSize);
        List<org.colossus.server.journal.Entry> mine = new ArrayList<>();
        Long more = null;
        if (p.operator()) {
            long next = after;
            while (next < end && mine.size() <= limit) {
                var page = store.range(next + 1, (int) Math.min(10_000, end - next));
                if (page.isEmpty()) {
                    break;
                }
                for (var e : page) {
                    if (e.seq() > end || mine.size() > limit) {
                        break;
                    }
                    next = e.seq();
                    mine.add(e);
                }
            }
        } else {
            // The database filters by tenant while it reads in key order (no per-tenant index: it would cost every
            // append a second write).
            mine.addAll(store.rangeOf(p.tenant(), after + 1, end, limit + 1));
        }
        if (mine.size() > limit) {
            mine = new ArrayList<>(mine.subList(0, limit));
            more = mine.get(limit - 1).seq();
        }
        long[] seqs = mine.stream().mapToLong(org.colossus.server.journal.Entry::seq).toArray();
        var placed = log.leavesOf(seqs);
        List<AuditEntry> out = new ArrayList<>(mine.size());
        List<Long> indices = new ArrayList<>();
        var b64 = java.util.Base64.getEncoder();
        for (int i = 0; i < mine.size(); i++) {
            var e = mine.get(i);
            var pl = placed.get(i);
            indices.add(pl.leaf());
            List<AuditNodeLeaf> nodes = new ArrayList<>(pl.nodeLeaves().size());
            for (var n : pl.nodeLeaves()) {
                indices.add(n.leaf());
                nodes.add(AuditNodeLeaf.of(n.leaf(), n.data(), base64));
            }
            String canonical = e.canonicalJson();
            out.add(new AuditEntry(e.seq(), pl.leaf(), base64 ? null : canonical,
                    base64 ? b64.encodeToString(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)) : null,
                    b64.encodeToString(log.opening(e.seq())), nodes));
        }
        List<String> proof = indices.isEmpty() ? List.of()
                : b64(log.multiProof(indices.stream().mapToLong(Long::longValue).toArray(), treeSize));
        json(ctx, 200, new AuditEntryPage(treeSize, out, more, proof));
    }

    /** ?size=N: a recent checkpoint's tree size (default: the latest), so pages fetched in turn prove one tree. */
    private static long checkpointSize(Context ctx, org.colossus.server.audit.AuditLog log) {
        long latest = log.checkpointSize();
        long size = queryLong(ctx, "size", 1, latest, latest);
        if (log.seqAt(size) < 0) {
            throw Problem.invalid("size", size, "the tree size of a recent checkpoint; fetch the latest checkpoint again");
        }
        return size;
    }

    private static final java.util.regex.Pattern SEAL_CONTEXT =
            java.util.regex.Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");
    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private void recordSeal(Context ctx) {
        Principal p = principal(ctx);
        Bodies.RecordSeal b = body(ctx, Bodies.RecordSeal.class);
        if (b.context() == null || !SEAL_CONTEXT.matcher(b.context()).matches() || b.context().length() > 256) {
            throw Problem.invalid("context", b.context() == null ? null : Bodies.clip(b.context()), "tenant/run/step");
        }
        if (!b.context().startsWith(p.tenant() + "/")) {
            throw Problem.invalid("context", Bodies.clip(b.context()), "a context of your own tenant, " + p.tenant() + "/run/step");
        }
        if (b.manifestSha256() == null || !SHA256_HEX.matcher(b.manifestSha256()).matches()) {
            throw Problem.invalid("manifestSha256", b.manifestSha256() == null ? null : Bodies.clip(b.manifestSha256()),
                    "64 lowercase hex digits");
        }
        if (b.shards() == null || b.shards() < 1 || b.shards() > 1_000_000) {
            throw Problem.invalid("shards", b.shards(), "an integer from 1 to 1000000");
        }
        if (b.bytes() == null || b.bytes() < 0 || b.bytes() > Bodies.MAX_CHECKPOINT_BYTES) {
            throw Problem.invalid("bytes", b.bytes(), "an integer from 0 to " + Bodies.MAX_CHECKPOINT_BYTES + " (1 PiB)");
        }
        long seq = write(org.colossus.server.engine.Commands.recordSeal(p.tenant(),
                new org.colossus.server.journal.Payload.CheckpointSealed(b.context(), b.manifestSha256(), b.shards(), b.bytes())));
        json(ctx, 201, new SealRecorded(seq, b.context(), b.manifestSha256()));
    }

    private void auditNodeLeaves(Context ctx) {
        boolean base64 = base64Encoding(ctx);
        Bodies.NodeLeavesQuery q = body(ctx, Bodies.NodeLeavesQuery.class);
        var log = audit();
        long latest = log.checkpointSize();
        long size = q.size() == null ? latest : q.size();
        if (size < 1 || size > latest || log.seqAt(size) < 0) {
            throw Problem.invalid("size", q.size(), "the tree size of a recent checkpoint (latest " + latest + ")");
        }
        List<Long> indices = q.indices() == null ? List.of() : q.indices();
        List<Bodies.NodeAfter> after = q.after() == null ? List.of() : q.after();
        if (indices.size() > 20_000) {
            throw Problem.invalid("indices", indices.size() + " indices", "at most 20,000");
        }
        if (after.size() > 20_000) {
            throw Problem.invalid("after", after.size() + " nodes", "at most 20,000");
        }
        int nodes = read(s -> s.fleet().nodeCount());
        java.util.TreeMap<Long, AuditNodeLeaf> items = new java.util.TreeMap<>();
        for (int i = 0; i < indices.size(); i++) {
            Long idx = indices.get(i);
            if (idx == null || idx < 0 || idx >= size) {
                throw Problem.invalid("indices[" + i + "]", idx, "a leaf index below the tree size " + size);
            }
        }
        var found = log.nodeLeavesAt(new java.util.TreeSet<>(indices));
        if (found.size() != new java.util.HashSet<>(indices).size()) {
            java.util.Set<Long> have = new java.util.HashSet<>();
            found.forEach(n -> have.add(n.leaf()));
            Long missing = indices.stream().filter(i -> !have.contains(i)).findFirst().orElse(null);
            throw Problem.invalid("indices", missing, "the index of a node leaf");
        }
        for (var n : found) {
            items.put(n.leaf(), AuditNodeLeaf.of(n.leaf(), n.data(), base64));
        }
        List<long[]> pairs = new ArrayList<>(after.size());
        for (int i = 0; i < after.size(); i++) {
            Bodies.NodeAfter a = after.get(i);
            if (a == null || a.node() == null || a.node() < 0 || a.node() >= nodes) {
                throw Problem.invalid("after[" + i + "].node", a == null ? null : a.node(), "a node from 0 to " + (nodes - 1));
            }
            if (a.leaf() == null || a.leaf() < -1 || a.leaf() >= size) {
                throw Problem.invalid("after[" + i + "].leaf", a.leaf(), "a leaf index from -1 to " + (size - 1));
            }
            pairs.add(new long[] {a.node(), a.leaf()});
        }
        for (var n : log.nextNodeLeaves(pairs, size)) {
            items.put(n.leaf(), AuditNodeLeaf.of(n.leaf(), n.data(), base64));
        }
        List<String> proof = items.isEmpty() ? List.of()
                : b64(log.multiProof(items.keySet().stream().mapToLong(Long::longValue).toArray(), size));
        json(ctx, 200, new NodeLeaves(size, List.copyOf(items.values()), proof));
    }

    private void auditNode(Context ctx) {
        boolean base64 = base64Encoding(ctx);
        int node = nodeId(ctx);
        int nodes = read(s -> s.fleet().nodeCount());
        if (node >= nodes) {
            throw Problem.notFound("node", node);
        }
        var log = audit();
        long treeSize = checkpointSize(ctx, log);
        long from = queryLong(ctx, "from", 0, Long.MAX_VALUE, 0);
        long to = queryLong(ctx, "to", 0, Long.MAX_VALUE, Long.MAX_VALUE);
        long since = queryLong(ctx, "since", Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);
        long until = queryLong(ctx, "until", Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        int limit = (int) queryLong(ctx, "limit", 1, 10_000, 10_000);
        List<AuditNodeLeaf> items = new ArrayList<>();
        Long more = null;
        long cursor = from;
        while (more == null && cursor < treeSize && cursor <= to) {
            var page = log.nodeHistory(node, cursor, Math.min(to, treeSize - 1), limit + 1);
            for (var n : page) {
                cursor = n.leaf() + 1;
                if (n.timeMillis() < since || n.timeMillis() > until) {
                    continue;
                }
                if (items.size() == limit) {
                    more = items.get(items.size() - 1).index();
                    break;
                }
                items.add(AuditNodeLeaf.of(n.leaf(), n.data(), base64));
            }
            if (page.size() <= limit) {
                break;
            }
        }
        List<String> proof = items.isEmpty() ? List.of()
                : b64(log.multiProof(items.stream().mapToLong(AuditNodeLeaf::index).toArray(), treeSize));
        json(ctx, 200, new NodeHistory(node, treeSize, items, more, proof));
    }

    record WhoAmI(String role, String tenant) {
    }

    private static void health(Context ctx, boolean ok) {
        json(ctx, ok ? 200 : 503, new Health(ok ? "ok" : "unavailable"));
    }

    private void metrics(Context ctx) {
        Metrics.Gauges g = read(s -> {
            var f = s.fleetView(engine.now());
            return new Metrics.Gauges(f.gpus(), f.allocatedGpus(), f.downGpus(), f.queuedJobs(), f.runningJobs(),
                    s.tenants().size(), s.lastSeq(), engine.commits(), engine.backlog(), engine.secondsSinceLastCommit(),
                    events.size());
        });
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render(g));
    }

    private void createTenant(Context ctx) {
        Bodies.CreateTenant b = body(ctx, Bodies.CreateTenant.class);
        String name = Bodies.tenantName("name", b.name());
        ApiKeys.Issued key = keys.issue();
        Views.Tenant t = write(Commands.createTenant(name, key.keyId(), key.salt(), key.hash()));
        ctx.header("Location", "/api/v1/tenants/" + name);
        json(ctx, 201, new Bodies.TenantCreated(t.name(), key.token(), t.created()));
    }

    /** A tenant's valid key ids. */
    record KeyIds(List<String> keyIds) {
    }

    /**
     * Whether the caller may see the tenant of the path: the operator any existing one, a tenant only itself. Any
     * other answer is the 404 of a tenant that does not exist, so a tenant learns nothing of its rivals' names.
     */
    private static boolean ownTenant(Context ctx, org.colossus.server.state.ControlState s) {
        String name = ctx.pathParam("name");
        Principal p = principal(ctx);
        if (!s.hasTenant(name) || !(p.operator() || name.equals(p.tenant()))) {
            throw Problem.notFound("tenant", Bodies.clip(name));
        }
        return true;
    }

    private void revokeKey(Context ctx) {
        String name = ctx.pathParam("name");
        String keyId = ctx.pathParam("keyId");
        Principal p = principal(ctx);
        if (!(p.operator() || name.equals(p.tenant()))) {
            throw Problem.notFound("tenant", Bodies.clip(name));
        }
        List<String> left = write(Commands.revokeTenantKey(name, Bodies.clip(keyId), p.operator()));
        verified.values().removeIf(c -> c.keyId().equals(keyId));
        json(ctx, 200, new KeyIds(left));
    }

    private void issueKey(Context ctx) {
        String name = ctx.pathParam("name");
        if (name.length() > 63) {
            throw Problem.notFound("tenant", Bodies.clip(name));
        }
        ApiKeys.Issued key = keys.issue();
        Views.Tenant t = write(Commands.issueTenantKey(name, key.keyId(), key.salt(), key.hash()));
        json(ctx, 201, new Bodies.TenantCreated(t.name(), key.token(), t.created()));
    }

    private GpuModel gpu(String field, String name) {
        Bodies.required(field, name, "a GPU model such as GB200 or H100");
        try {
            return catalog.requireGpu(name);
        } catch (FleetException e) {
            throw Problem.invalid(field, Bodies.clip(name), "a GPU model of the catalog: " + e.getMessage()
                    .replaceFirst(".*expected one of: ", ""));
        }
    }

    private static JobClass jobClass(String value) {
        Bodies.required("class", value, "reserved, on-demand or preemptible");
        try {
            return JobClass.parse(value);
        } catch (SchedulerException e) {
            throw Problem.invalid("class", Bodies.clip(value), "reserved, on-demand or preemptible");
        }
    }

    private void createContract(Context ctx) {
        Bodies.CreateContract b = body(ctx, Bodies.CreateContract.class);
        String tenant = Bodies.tenantName("tenant", b.tenant());
        JobClass jc = jobClass(b.jobClass());
        GpuModel g = gpu("gpuModel", b.gpuModel());
        int gpus = Bodies.range("gpus", b.gpus(), 1, Bodies.MAX_GPUS, null);
        long start = Bodies.instant("start", b.start());
        long end = Bodies.instant("end", b.end());
        if (end <= start) {
            throw Problem.invalid("end", b.end(), "a time after start (" + b.start() + ")");
        }
        BigDecimal price = Bodies.decimal("pricePerGpuHour", b.pricePerGpuHour(), BigDecimal.ZERO,
                BigDecimal.valueOf(1000), 6, "a price from 0 to 1000 USD per GPU-hour with at most 6 decimals");
        Views.Contract c = write(Commands.signContract(new Commands.ContractRequest(tenant, jc, g.id(), gpus, start, end,
                price)));
        ctx.header("Location", "/api/v1/contracts/" + c.id());
        json(ctx, 201, c);
    }

    private void submitJob(Context ctx) {
        String tenant = principal(ctx).tenant();
        Bodies.SubmitJob b = body(ctx, Bodies.SubmitJob.class);
        String name = Bodies.text("name", b.name(), Bodies.MAX_NAME);
        GpuModel g = gpu("gpuModel", b.gpuModel());
        int gpus = Bodies.range("gpus", b.gpus(), 1, Bodies.MAX_GPUS, null);
        JobClass jc = jobClass(b.jobClass());
        int priority = Bodies.range("priority", b.priority(), -1000, 1000, 0);
        Bodies.JobConstraints c = b.constraints() == null ? new Bodies.JobConstraints(null, null, null) : b.constraints();
        int maxRacks = Bodies.range("constraints.maxRacks", c.maxRacks(), 0, 100_000, 0);
        long durationMillis;
        String model = null;
        String tokens = null;
        String parallelism = null;
        if (b.durationSeconds() != null) {
            if (b.model() != null || b.tokens() != null || b.parallelism() != null) {
                throw Problem.invalid("durationSeconds", b.durationSeconds(),
                        "either durationSeconds or model + tokens (+ parallelism), not both");
            }
            if (b.durationSeconds() < 1 || b.durationSeconds() > 10L * 365 * 86400) {
                throw Problem.invalid("durationSeconds", b.durationSeconds(), "from 1 to 315360000 (10 years)");
            }
            durationMillis = b.durationSeconds() * 1000;
        } else {
            if (b.model() == null) {
                throw Problem.invalid("durationSeconds", null, "a duration in seconds, or model + tokens for the planner");
            }
            model = Bodies.text("model", b.model(), 64);
            String tokenText = Bodies.text("tokens", b.tokens(), 32);
            double t;
            try {
                t = Tokens.parse(tokenText, "tokens");
            } catch (PerfException e) {
                throw Problem.invalid("tokens", tokenText, "a token budget such as 300B or 15T");
            }
            if (!(t >= 1) || t > 1e16) {
                throw Problem.invalid("tokens", tokenText, "from 1 to 10P tokens");
            }
            JobPlanning.Planned plan = planning.plan(model, t, g, gpus, b.parallelism());
            durationMillis = plan.durationMillis();
            tokens = tokenText;
            parallelism = plan.parallelism();
        }
        boolean confidential = Boolean.TRUE.equals(b.confidential());
        if (confidential) {
            confidentialCapable(g);
        }
        Views.Job job = write(Commands.submitJob(tenant, new Commands.JobRequest(name, g.id(), gpus, jc, priority,
                Boolean.TRUE.equals(c.withinPod()), maxRacks, Boolean.TRUE.equals(c.wholeRacks()), durationMillis,
                model, tokens, parallelism, confidential)));
        ctx.header("Location", "/api/v1/jobs/" + job.id());
        json(ctx, 201, job);
    }

    /**
     * A confidential job needs GPUs with confidential computing: NVIDIA Hopper and Blackwell have it, Ampere does not
     * (NVIDIA, "Confidential Computing on NVIDIA H100 GPUs for Secure and Trustworthy AI", 2023; Blackwell
     * architecture technical brief, 2024). The isolation half is checked against the journal's state
     * ({@code Commands.submitJob}).
     */
    private static void confidentialCapable(GpuModel g) {
        String arch = g.architecture() == null ? "" : g.architecture().toLowerCase(Locale.ROOT);
        if (!arch.equals("hopper") && !arch.startsWith("blackwell")) {
            throw Problem.invalid("confidential", true, "a GPU model with confidential computing (Hopper or Blackwell);"
                    + " " + g.id() + " is " + g.architecture());
        }
    }

    private void listJobs(Context ctx) {
        Principal p = principal(ctx);
        JobState state = null;
        String s = ctx.queryParam("state");
        if (s != null) {
            try {
                state = JobState.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Problem.invalid("state", Bodies.clip(s), "one of queued, running, preempting, completed, cancelled, failed");
            }
        }
        long after = queryLong(ctx, "after", -1, Long.MAX_VALUE, 0);
        int limit = (int) queryLong(ctx, "limit", 1, 10_000, 100);
        JobState st = state;
        json(ctx, 200, read(x -> x.jobs(p.tenant(), st, after, limit)));
    }

    private void listNodes(Context ctx) {
        String s = ctx.queryParam("state");
        if (s != null && !List.of("free", "partial", "full", "down", "drained").contains(s)) {
            throw Problem.invalid("state", Bodies.clip(s), "one of free, partial, full, down, drained");
        }
        int after = (int) queryLong(ctx, "after", -1, Integer.MAX_VALUE - 1, -1);
        int limit = (int) queryLong(ctx, "limit", 1, 10_000, 1000);
        json(ctx, 200, read(x -> x.nodes(s, after, limit)));
    }

    private static long queryLong(Context ctx, String name, long min, long max, long dflt) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw Problem.invalid(name, v, "an integer from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw Problem.invalid(name, Bodies.clip(v), "an integer from " + min + " to " + max);
        }
    }

    private static long pathId(Context ctx, String what) {
        String v = ctx.pathParam("id");
        try {
            long id = Long.parseLong(v);
            if (id < 1) {
                throw Problem.notFound(what, id);
            }
            return id;
        } catch (NumberFormatException e) {
            throw Problem.notFound(what, Bodies.clip(v));
        }
    }

    private static int nodeId(Context ctx) {
        String v = ctx.pathParam("id");
        try {
            int id = Integer.parseInt(v);
            if (id < 0) {
                throw Problem.notFound("node", id);
            }
            return id;
        } catch (NumberFormatException e) {
            throw Problem.notFound("node", Bodies.clip(v));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Plumbing

    private static <T> T body(Context ctx, Class<T> type) {
        String ct = ctx.contentType();
        if (!isJson(ct)) {
            throw new Problem(415, "Unsupported media type", (ct == null ? "no Content-Type"
                    : "Content-Type is '" + Bodies.clip(ct) + "'") + "; expected application/json",
                    "Content-Type", ct == null ? null : Bodies.clip(ct), "application/json");
        }
        return RequestJson.read(ctx.bodyAsBytes(), type);
    }

    /** application/json, with parameters (charset=utf-8) or none; nothing that merely starts with it. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return media.equalsIgnoreCase("application/json");
    }

    private <R> R write(org.colossus.server.engine.Command<R> command) {
        return await(engine.submit(command));
    }

    private <R> R read(java.util.function.Function<org.colossus.server.state.ControlState, R> query) {
        return await(engine.read(query));
    }

    private static <R> R await(CompletableFuture<R> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw Problem.unavailable("the control plane did not answer within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted");
        }
    }

    static void json(Context ctx, int status, Object value) {
        ctx.status(status).contentType("application/json").result(RequestJson.write(value));
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
        String path = pathOf(ctx);
        if (path == null) {
            return;
        }
        String slug = p.title().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        ProblemDocument doc = new ProblemDocument("urn:colossus:problem:" + slug, p.title(), p.status(),
                p.getMessage(), path, p.field(), p.value(), p.expected());
        ctx.status(p.status()).contentType("application/problem+json").result(RequestJson.write(doc));
    }

    @Override
    public void close() {
        events.close();
    }
}
