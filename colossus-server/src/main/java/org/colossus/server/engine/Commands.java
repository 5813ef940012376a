package org.colossus.server.engine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobState;
import org.colossus.server.error.Problem;
import org.colossus.server.error.TooManyRequests;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.AdmissionLimits;
import org.colossus.server.state.AdmissionPolicy;
import org.colossus.server.state.ControlState;
import org.colossus.server.state.Views;

/**
 * The control plane's commands: what each checks against the current state, what it journals, and what it answers.
 * Field-level checks of the request (types, ranges, lengths) happen before, in the API layer.
 */
public final class Commands {
    private Commands() {
    }

    public static final String OPERATOR = "operator";

    public static String tenantActor(String tenant) {
        return "tenant:" + tenant;
    }

    private static Command.Draft draft(Payload p, String actor, String tenant) {
        return new Command.Draft(p, actor, tenant);
    }

    private interface Decide {
        List<Command.Draft> decide(ControlState s, long now);
    }

    private interface Result<R> {
        R result(ControlState s, List<Entry> committed);
    }

    private static <R> Command<R> command(Decide decide, Result<R> result) {
        return new Command<>() {
            @Override
            public List<Command.Draft> decide(ControlState state, long nowMillis) {
                return decide.decide(state, nowMillis);
            }

            @Override
            public R result(ControlState state, List<Entry> committed) {
                return result.result(state, committed);
            }
        };
    }

    /** The operator key made at first start; refused if one exists. */
    public static Command<Boolean> issueOperatorKey(String keyId, String salt, String hash) {
        return command((s, now) -> {
            if (s.hasOperatorKey()) {
                throw Problem.conflict("an operator key exists already");
            }
            return List.of(draft(new Payload.OperatorKeyIssued(keyId, salt, hash), "system", null));
        }, (s, c) -> true);
    }

    /** {@code idSeed}: a random number from which the tenant's id prefix is drawn (see Payload.TenantCreated). */
    public static Command<Views.Tenant> createTenant(String name, String keyId, String salt, String hash, long idSeed) {
        return command((s, now) -> {
            if (s.hasTenant(name)) {
                throw Problem.conflict("tenant '" + name + "' exists already");
            }
            return List.of(draft(new Payload.TenantCreated(name, keyId, salt, hash, s.freeIdPrefix(idSeed)), OPERATOR, name));
        }, (s, c) -> s.tenants().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow());
    }

    public static Command<Views.Tenant> issueTenantKey(String name, String keyId, String salt, String hash) {
        return command((s, now) -> {
            if (!s.hasTenant(name)) {
                throw Problem.notFound("tenant", name);
            }
            return List.of(draft(new Payload.TenantKeyIssued(name, keyId, salt, hash), OPERATOR, name));
        }, (s, c) -> s.tenants().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow());
    }

    /** How long a tenant at a queue limit is told to wait before trying again. */
    static final long QUEUE_RETRY_SECONDS = 30;

    /** Sets a tenant's own admission limits (-1: the server's default); the reply is the tenant's effective limits. */
    public static Command<AdmissionLimits> setTenantLimits(Payload.TenantLimitsSet limits, AdmissionPolicy admission) {
        return command((s, now) -> {
            if (!s.hasTenant(limits.name())) {
                throw Problem.notFound("tenant", limits.name());
            }
            return List.of(draft(limits, OPERATOR, limits.name()));
        }, (s, c) -> s.limitsOf(limits.name(), admission.tenantDefaults()));
    }

    /** Revokes one of a tenant's keys; a key of another tenant, or none, is "not found" alike. */
    public static Command<List<String>> revokeTenantKey(String name, String keyId, boolean byOperator) {
        String actor = byOperator ? OPERATOR : tenantActor(name);
        return command((s, now) -> {
            if (!s.hasTenant(name) || !s.tenantKeyIds(name).contains(keyId)) {
                throw Problem.notFound("key", keyId);
            }
            return List.of(draft(new Payload.TenantKeyRevoked(name, keyId), actor, name));
        }, (s, c) -> s.tenantKeyIds(name));
    }

    /** A contract request after field checks; {@code gpuModel} is a catalog id. */
    /** @param sla the service level, or null */
    public record ContractRequest(String tenant, JobClass jobClass, String gpuModel, int gpus, long startMillis,
                                  long endMillis, BigDecimal pricePerGpuHour, Payload.SlaTerms sla) {
        public ContractRequest(String tenant, JobClass jobClass, String gpuModel, int gpus, long startMillis,
                               long endMillis, BigDecimal pricePerGpuHour) {
            this(tenant, jobClass, gpuModel, gpus, startMillis, endMillis, pricePerGpuHour, null);
        }
    }

    public static Command<Views.Contract> signContract(ContractRequest r) {
        long[] signed = new long[1];
        return command((s, now) -> {
            if (!s.hasTenant(r.tenant())) {
                throw Problem.invalid("tenant", r.tenant(), "an existing tenant");
            }
            if (!s.gpuModels().contains(r.gpuModel())) {
                throw Problem.invalid("gpuModel", r.gpuModel(), "a GPU model of this fleet: " + s.gpuModels());
            }
            long capacity = s.fleet().gpuCount();
            if (r.gpus() > capacity) {
                throw Problem.invalid("gpus", r.gpus(), "at most the fleet's " + capacity + " GPUs");
            }
            if (r.endMillis() <= now) {
                throw Problem.invalid("end", java.time.Instant.ofEpochMilli(r.endMillis()).toString(),
                        "a time after now (" + java.time.Instant.ofEpochMilli(now) + ")");
            }
            if (r.jobClass() == JobClass.RESERVED) {
                long committed = 0;
                for (Views.Contract c : s.contracts(null)) {
                    if (c.jobClass().equals("reserved") && !c.status().equals("ended")
                            && java.time.Instant.parse(c.start()).toEpochMilli() < r.endMillis()
                            && java.time.Instant.parse(c.end()).toEpochMilli() > r.startMillis()) {
                        committed += c.gpus();
                    }
                }
                if (committed + r.gpus() > capacity) {
                    throw Problem.conflict("reserved capacity over-committed: " + committed + " of " + capacity
                            + " GPUs are already reserved in that period; " + r.gpus() + " more do not fit");
                }
            }
            long id = s.nextContractId(r.tenant());
            signed[0] = id;
            List<Command.Draft> out = new ArrayList<>();
            out.add(draft(new Payload.ContractSigned(id, r.tenant(), r.jobClass().key(), r.gpuModel(), r.gpus(),
                    r.startMillis(), r.endMillis(), r.pricePerGpuHour().toPlainString(), r.sla()), OPERATOR,
                    r.tenant()));
            if (r.startMillis() <= now) {
                out.add(draft(new Payload.ContractStarted(id), OPERATOR, r.tenant()));
            }
            return out;
        }, (s, c) -> s.contract(signed[0]));
    }

    public static Command<Views.Contract> endContract(long id) {
        return command((s, now) -> {
            if (!s.contractExists(id)) {
                throw Problem.notFound("contract", id);
            }
            if (s.contractStatus(id) == ControlState.ContractStatus.ENDED) {
                throw Problem.conflict("contract " + id + " has ended already");
            }
            String tenant = s.contracts(null).stream().filter(c -> c.id() == id).findFirst().orElseThrow().tenant();
            return List.of(draft(new Payload.ContractEnded(id, "ended-by-operator"), OPERATOR, tenant));
        }, (s, c) -> s.contract(id));
    }

    /** A job request after field checks and planning; {@code gpuModel} is a catalog id. */
    /**
     * @param timeLimitMillis the time limit asked for, or null for none (the job runs its duration)
     * @param run what the job runs on a real data plane, or null
     */
    public record JobRequest(String name, String gpuModel, int gpus, JobClass jobClass, int priority,
                             boolean withinPod, int maxRacks, boolean wholeRacks, long durationMillis, String model,
                             String tokens, String parallelism, boolean confidential, Long timeLimitMillis,
                             Payload.JobRun run) {
        public JobRequest(String name, String gpuModel, int gpus, JobClass jobClass, int priority,
                          boolean withinPod, int maxRacks, boolean wholeRacks, long durationMillis, String model,
                          String tokens, String parallelism, boolean confidential) {
            this(name, gpuModel, gpus, jobClass, priority, withinPod, maxRacks, wholeRacks, durationMillis, model,
                    tokens, parallelism, confidential, null, null);
        }
    }

    public static Command<Views.Job> submitJob(String tenant, JobRequest r) {
        return submitJob(tenant, r, AdmissionPolicy.DEFAULTS);
    }

    /**
     * A job submission within the tenant's queued-job limit and the fleet's ceiling: over either, a 429 naming the
     * limit (checked on the engine's thread against the committed state, so no burst of requests slips past it).
     */
    public static Command<Views.Job> submitJob(String tenant, JobRequest r, AdmissionPolicy admission) {
        long[] submitted = new long[1];
        return command((s, now) -> {
            AdmissionLimits limits = s.limitsOf(tenant, admission.tenantDefaults());
            int queued = s.queuedJobs(tenant);
            if (queued >= limits.maxQueuedJobs()) {
                throw new TooManyRequests("maxQueuedJobs", limits.maxQueuedJobs(), queued, QUEUE_RETRY_SECONDS,
                        "tenant '" + tenant + "' has " + queued + " jobs queued, its limit is " + limits.maxQueuedJobs()
                                + "; submit again when some have started or been cancelled");
            }
            if (s.queuedJobs() >= admission.maxQueuedJobsTotal()) {
                throw new TooManyRequests("maxQueuedJobsTotal", admission.maxQueuedJobsTotal(), s.queuedJobs(),
                        QUEUE_RETRY_SECONDS, "the control plane holds " + s.queuedJobs() + " queued jobs, its ceiling is "
                                + admission.maxQueuedJobsTotal() + "; submit again later");
            }
            if (!s.gpuModels().contains(r.gpuModel())) {
                throw Problem.invalid("gpuModel", r.gpuModel(), "a GPU model of this fleet: " + s.gpuModels());
            }
            if (r.gpus() > s.fleet().gpuCount()) {
                throw Problem.invalid("gpus", r.gpus(), "at most the fleet's " + s.fleet().gpuCount() + " GPUs");
            }
            if (r.confidential() && s.config().isolation() == org.colossus.scheduler.Isolation.NONE) {
                // Hopper's multi-GPU CC mode protects a whole node and its NVLink traffic is plaintext inside it
                // (docs/trust.md): a neighbour on the node would be inside the boundary.
                throw Problem.invalid("confidential", true, "a control plane that gives each tenant whole nodes; this"
                        + " one runs with isolation none");
            }
            int covered = s.activeContractGpus(tenant, r.jobClass(), r.gpuModel());
            if (covered == 0) {
                throw Problem.conflict("tenant '" + tenant + "' has no active " + r.jobClass().key() + " contract for "
                        + r.gpuModel() + "; the operator signs one with POST /api/v1/contracts");
            }
            if (r.gpus() > covered) {
                throw Problem.conflict("job needs " + r.gpus() + " GPUs but the active " + r.jobClass().key()
                        + " contracts of tenant '" + tenant + "' for " + r.gpuModel() + " cover " + covered);
            }
            long id = s.nextJobId(tenant);
            submitted[0] = id;
            return List.of(draft(new Payload.JobSubmitted(id, r.name(), r.gpuModel(), r.gpus(), r.jobClass().key(),
                    r.priority(), r.withinPod(), r.maxRacks(), r.wholeRacks(), r.durationMillis(), r.model(), r.tokens(),
                    r.parallelism(), r.confidential(), r.timeLimitMillis(), r.run()), tenantActor(tenant), tenant));
        }, (s, c) -> s.job(submitted[0]));
    }

    /** Another tenant's job is "not found": its existence is not revealed. */
    public static Command<Views.Job> cancelJob(String tenant, long id) {
        return command((s, now) -> {
            if (!tenant.equals(s.jobTenant(id))) {
                throw Problem.notFound("job", id);
            }
            JobState st = s.jobState(id);
            if (st.isFinal()) {
                throw Problem.conflict("job " + id + " is " + st.name().toLowerCase(java.util.Locale.ROOT)
                        + "; only queued or running jobs can be cancelled");
            }
            return List.of(draft(new Payload.JobCancelled(id), tenantActor(tenant), tenant));
        }, (s, c) -> s.job(id));
    }

    /** A tenant records a sealed checkpoint's manifest hash in the journal (and so in the audit log). */
    public static Command<Long> recordSeal(String tenant, Payload.CheckpointSealed sealed) {
        return command((s, now) -> List.of(draft(sealed, tenantActor(tenant), tenant)),
                (s, c) -> c.get(0).seq());
    }

    public static Command<Views.Node> drainNode(int node, boolean drain) {
        return command((s, now) -> {
            if (node < 0 || node >= s.fleet().nodeCount()) {
                throw Problem.notFound("node", node);
            }
            if (s.nodeDrained(node) == drain) {
                return List.of(); // already so: nothing to journal
            }
            return List.of(draft(new Payload.NodeDrain(node, drain), OPERATOR, null));
        }, (s, c) -> s.node(node));
    }
}
