package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.colossus.server.engine.Commands;
import org.colossus.server.error.Problem;
import org.colossus.server.state.Views;

/** The fleet and its nodes: views, drain and undrain. */
final class NodeRoutes extends RouteGroup {
    NodeRoutes(ApiContext api) {
        super(api);
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/api/v1/fleet", Route.Role.OPERATOR, 200, "The fleet: size, allocation, failures, queue.",
                null, Views.Fleet.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, read(s -> s.fleetView(engine.now())))));
        r.add(new Route("GET", "/api/v1/fleet/map", Route.Role.ANY, 200, "Every node's state and holder at once (the"
                + " console's fleet map): the operator sees tenants' names; a tenant sees its own nodes and, for every"
                + " other tenant's, only \"occupied\".",
                null, Views.FleetMap.class, Route.Shape.ONE, ctx -> {
                    Principal p = principal(ctx);
                    json(ctx, 200, read(s -> s.fleetMap(p.operator() ? null : p.tenant())));
                }));
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
        return r;
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

}
