package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.colossus.server.engine.Commands;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.AdmissionLimits;
import org.colossus.server.state.Views;

/** Tenants and their API keys (issue, list, revoke). */
final class TenantRoutes extends RouteGroup {
    private final ApiKeys keys;
    private final Authenticator authenticator;

    private final AdmissionControl admission;

    TenantRoutes(ApiContext api, ApiKeys keys, Authenticator authenticator, AdmissionControl admission) {
        super(api);
        this.keys = keys;
        this.authenticator = authenticator;
        this.admission = admission;
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
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
        r.add(new Route("GET", "/api/v1/tenants/{name}", Route.Role.ANY, 200,
                "One tenant with its admission limits and their use (the operator's, or a tenant's own).",
                null, TenantDetail.class, Route.Shape.ONE, this::showTenant));
        r.add(new Route("POST", "/api/v1/tenants/{name}/limits", Route.Role.OPERATOR, 200,
                "Set a tenant's own admission limits (fields left out keep their current value, null the server's"
                        + " default); journaled.", Bodies.SetLimits.class, AdmissionLimits.class, Route.Shape.ONE,
                this::setLimits));
        r.add(new Route("GET", "/api/v1/tenants", Route.Role.OPERATOR, 200, "List tenants.",
                null, Views.Tenant.class, Route.Shape.LIST, ctx -> json(ctx, 200, read(s -> s.tenants()))));
        return r;
    }

    private void createTenant(Context ctx) {
        Bodies.CreateTenant b = body(ctx, Bodies.CreateTenant.class);
        String name = Bodies.tenantName("name", b.name());
        ApiKeys.Issued key = keys.issue();
        Views.Tenant t = write(Commands.createTenant(name, key.keyId(), key.salt(), key.hash(), keys.idSeed()));
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
        authenticator.forget(keyId);
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


    /** A tenant, its effective admission limits and how much of them it uses. */
    record TenantDetail(Views.Tenant tenant, AdmissionLimits limits, int queuedJobs) {
    }

    private void showTenant(Context ctx) {
        String name = ctx.pathParam("name");
        AdmissionLimits defaults = admission.policy().tenantDefaults();
        json(ctx, 200, read(s -> {
            ownTenant(ctx, s);
            Views.Tenant t = s.tenants().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            return new TenantDetail(t, s.limitsOf(name, defaults), s.queuedJobs(name));
        }));
    }

    private void setLimits(Context ctx) {
        String name = ctx.pathParam("name");
        if (name.length() > 63) {
            throw Problem.notFound("tenant", Bodies.clip(name));
        }
        Bodies.SetLimits b = body(ctx, Bodies.SetLimits.class);
        AdmissionLimits current = read(s -> {
            if (!s.hasTenant(name)) {
                throw Problem.notFound("tenant", name);
            }
            return s.limitsOf(name, admission.policy().tenantDefaults());
        });
        Payload.TenantLimitsSet set = new Payload.TenantLimitsSet(name,
                Bodies.limit("maxQueuedJobs", b.maxQueuedJobs(), current.maxQueuedJobs(), 0),
                Bodies.limit("submitsPerSecond", b.submitsPerSecond(), current.submitsPerSecond(), 1),
                Bodies.limit("submitBurst", b.submitBurst(), current.submitBurst(), 1),
                Bodies.limit("requestsPerSecond", b.requestsPerSecond(), current.requestsPerSecond(), 1),
                Bodies.limit("requestBurst", b.requestBurst(), current.requestBurst(), 1));
        AdmissionLimits effective = write(Commands.setTenantLimits(set, admission.policy()));
        admission.update(name, effective);
        json(ctx, 200, effective);
    }
}
