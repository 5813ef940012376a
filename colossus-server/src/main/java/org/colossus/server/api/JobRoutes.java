package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.colossus.fleet.GpuModel;
import org.colossus.perf.PerfException;
import org.colossus.perf.Tokens;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobState;
import org.colossus.server.engine.Commands;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.Views;

/** Jobs (submit, list, show, cancel) and usage. */
final class JobRoutes extends RouteGroup {
    private final JobPlanning planning;

    private final AdmissionControl admission;

    JobRoutes(ApiContext api, JobPlanning planning, AdmissionControl admission) {
        super(api);
        this.planning = planning;
        this.admission = admission;
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
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
                            return List.of(s.usage(p.tenant(), now, admission.policy().tenantDefaults()));
                        }
                        return s.tenants().stream()
                                .map(t -> s.usage(t.name(), now, admission.policy().tenantDefaults())).toList();
                    }));
                }));
        return r;
    }

    private void submitJob(Context ctx) {
        String tenant = principal(ctx).tenant();
        admission.submission(tenant);
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
        Long limit = null;
        if (b.timeLimitSeconds() != null) {
            if (b.timeLimitSeconds() < 1 || b.timeLimitSeconds() > 10L * 365 * 86400) {
                throw Problem.invalid("timeLimitSeconds", b.timeLimitSeconds(), "from 1 to 315360000 (10 years)");
            }
            limit = b.timeLimitSeconds() * 1000;
        } else if (model != null) {
            limit = JobPlanning.defaultLimitMillis(durationMillis);
        }
        Payload.JobRun run = JobRunBody.check(b.command(), b.script(), b.env(), b.workdir());
        Views.Job job = write(Commands.submitJob(tenant, new Commands.JobRequest(name, g.id(), gpus, jc, priority,
                Boolean.TRUE.equals(c.withinPod()), maxRacks, Boolean.TRUE.equals(c.wholeRacks()), durationMillis,
                model, tokens, parallelism, confidential, limit, run), admission.policy()));
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

}
