package org.colossus.server.api;

import java.util.List;
import java.util.function.Function;
import org.colossus.fleet.GpuModel;
import org.colossus.server.audit.AuditLog;
import org.colossus.server.engine.Command;
import org.colossus.server.engine.Engine;
import org.colossus.server.state.ControlState;

/**
 * The routes of one resource (jobs, tenants, contracts, nodes, the audit log, the service endpoints) with their
 * handlers and reply types. {@link ApiResource} composes them; authentication, problems and metrics wrap every
 * handler there, once.
 */
abstract class RouteGroup {
    protected final ApiContext api;
    protected final Engine engine;

    RouteGroup(ApiContext api) {
        this.api = api;
        this.engine = api.engine();
    }

    /** This group's routes, in the order /openapi.json lists them. */
    abstract List<Route> routes();

    protected <R> R write(Command<R> command) {
        return api.write(command);
    }

    protected <R> R read(Function<ControlState, R> query) {
        return api.read(query);
    }

    protected AuditLog audit() {
        return api.audit();
    }

    protected GpuModel gpu(String field, String name) {
        return Requests.gpu(api.catalog(), field, name);
    }
}
