package org.colossus.server.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.colossus.fleet.Catalog;
import org.colossus.server.audit.AuditLog;
import org.colossus.server.engine.Command;
import org.colossus.server.engine.Engine;
import org.colossus.server.error.Problem;
import org.colossus.server.state.ControlState;

/** What every route group reaches: the engine (commands and reads on its thread), the catalog and the audit log. */
final class ApiContext {
    private static final long TIMEOUT_SECONDS = 30;
    /**
     * The engine lane of the request this thread is serving ({@link Principal#actor()}), set around each handler by
     * {@link ApiResource}. A thread-local rather than a parameter so that route handlers stay free of plumbing; it is
     * always cleared in the same handler's {@code finally}.
     */
    private static final ThreadLocal<String> LANE = new ThreadLocal<>();
    private final Engine engine;
    private final Catalog catalog;
    private final Supplier<AuditLog> audit;

    ApiContext(Engine engine, Catalog catalog, Supplier<AuditLog> audit) {
        this.engine = engine;
        this.catalog = catalog;
        this.audit = audit;
    }

    Engine engine() {
        return engine;
    }

    Catalog catalog() {
        return catalog;
    }

    AuditLog audit() {
        AuditLog a = audit == null ? null : audit.get();
        if (a == null) {
            throw engine.leader() ? Problem.unavailable("the audit log is not running")
                    : Problem.standby(engine.leaderUrl()); // the leader writes and serves the audit log
        }
        return a;
    }

    static void enterLane(Principal caller) {
        LANE.set(caller.actor());
    }

    static void leaveLane() {
        LANE.remove();
    }

    private static String lane() {
        String lane = LANE.get();
        return lane == null ? Engine.SYSTEM_LANE : lane;
    }

    <R> R write(Command<R> command) {
        return await(engine.submit(lane(), command));
    }

    <R> R read(Function<ControlState, R> query) {
        return await(engine.read(lane(), query));
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

}
