package org.colossus.server.journal;

import java.util.List;
import java.util.Map;

/**
 * What a journal entry says. Commands (accepted requests), data-plane reports, and the scheduler's decisions, which
 * are derived: replay recomputes them and checks that they equal the journaled ones. Components are integers,
 * booleans and strings only (see {@link Canonical}).
 */
public sealed interface Payload {
    /** The entry type, e.g. {@code job.submitted}. */
    String type();

    /** True for entries that replay recomputes from the ones before them (scheduler decisions). */
    default boolean derived() {
        return false;
    }

    // ---- commands ----

    /**
     * The first entry: the fleet and scheduler configuration every later entry refers to (node numbers, placement
     * rules). Replay refuses a different configuration.
     */
    record ControlPlaneDefined(String fleet, int nodes, long gpus, String policy, String placement, String isolation)
            implements Payload {
        public String type() {
            return "control-plane.defined";
        }
    }

    /** The operator's bearer token; only a salted SHA-256 of its secret is kept. */
    record OperatorKeyIssued(String keyId, String salt, String hash) implements Payload {
        public String type() {
            return "operator.key-issued";
        }
    }

    /**
     * {@code idPrefix}: the tenant's job and contract ids are {@code idPrefix × 2^32 + k} for its k-th one, so ids
     * say nothing of other tenants' activity (null in journals written before: those tenants share one sequence).
     */
    record TenantCreated(String name, String keyId, String salt, String hash, Integer idPrefix) implements Payload {
        public String type() {
            return "tenant.created";
        }
    }

    /** Another API key for an existing tenant (a lost or rotated key); earlier keys stay valid. */
    record TenantKeyIssued(String name, String keyId, String salt, String hash) implements Payload {
        public String type() {
            return "tenant.key-issued";
        }
    }

    /** A tenant's API key revoked (leaked or retired): refused from this entry on. */
    record TenantKeyRevoked(String name, String keyId) implements Payload {
        public String type() {
            return "tenant.key-revoked";
        }
    }

    /**
     * A tenant's own admission limits, set by the operator; -1 keeps the server's default for that limit. The latest
     * entry for a tenant replaces the earlier ones.
     */
    record TenantLimitsSet(String name, int maxQueuedJobs, int submitsPerSecond, int submitBurst, int requestsPerSecond,
                           int requestBurst) implements Payload {
        public String type() {
            return "tenant.limits-set";
        }
    }

    /**
     * @param pricePerGpuHour a decimal string in the contract currency (USD), e.g. "2.10"
     * @param sla the service level of a reserved contract (issue 18), or null: left out of the entry, so that entries
     *            written before the field existed read and hash the same
     */
    record ContractSigned(long id, String tenant, String jobClass, String gpuModel, int gpus, long startMillis,
                          long endMillis, String pricePerGpuHour,
                          @com.fasterxml.jackson.annotation.JsonInclude(
                                  com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) SlaTerms sla)
            implements Payload {
        public ContractSigned(long id, String tenant, String jobClass, String gpuModel, int gpus, long startMillis,
                              long endMillis, String pricePerGpuHour) {
            this(id, tenant, jobClass, gpuModel, gpus, startMillis, endMillis, pricePerGpuHour, null);
        }

        public String type() {
            return "contract.signed";
        }
    }

    /**
     * A contract's service level as journaled: credit tiers (decimal strings, percent), the grace before a denied
     * reservation counts, and whether lost work is credited.
     */
    record SlaTerms(List<SlaTier> credits, long graceMillis, boolean creditLostWork) {
        public SlaTerms {
            credits = List.copyOf(credits);
        }
    }

    /** Below {@code belowPercent} availability, {@code creditPercent} of the month's commitment is credited. */
    record SlaTier(String belowPercent, String creditPercent) {
    }

    record ContractStarted(long id) implements Payload {
        public String type() {
            return "contract.started";
        }
    }

    /** @param reason {@code expired} at its end time, or {@code ended-by-operator} */
    record ContractEnded(long id, String reason) implements Payload {
        public String type() {
            return "contract.ended";
        }
    }

    /**
     * @param durationMillis work at nominal speed; for model + tokens jobs, the planner's time-to-train at submission
     * @param model the planner's model id, or null for a plain duration job
     * @param tokens training tokens as a decimal string, or null
     * @param parallelism the planner's configuration (e.g. "tp4 pp8 ..."), or null
     * @param confidential true if the tenant asked for confidential computing, else null: left out of the entry, so
     *                     that entries written before the field existed read and hash the same
     * @param timeLimitMillis the time limit the tenant asked for (issue 23): the scheduler plans with it and the job
     *                        is stopped when its work reaches it; null (left out) when none was asked for
     * @param run what the job runs on a real data plane (issue 17): null (left out) for a job the embedded fleet
     *            simulates
     */
    record JobSubmitted(long id, String name, String gpuModel, int gpus, String jobClass, int priority,
                        boolean withinPod, int maxRacks, boolean wholeRacks, long durationMillis, String model,
                        String tokens, String parallelism,
                        @com.fasterxml.jackson.annotation.JsonInclude(
                                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Boolean confidential,
                        @com.fasterxml.jackson.annotation.JsonInclude(
                                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long timeLimitMillis,
                        @com.fasterxml.jackson.annotation.JsonInclude(
                                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) JobRun run)
            implements Payload {
        public JobSubmitted {
            confidential = Boolean.TRUE.equals(confidential) ? Boolean.TRUE : null;
        }

        public JobSubmitted(long id, String name, String gpuModel, int gpus, String jobClass, int priority,
                            boolean withinPod, int maxRacks, boolean wholeRacks, long durationMillis, String model,
                            String tokens, String parallelism, Boolean confidential, Long timeLimitMillis) {
            this(id, name, gpuModel, gpus, jobClass, priority, withinPod, maxRacks, wholeRacks, durationMillis, model,
                    tokens, parallelism, confidential, timeLimitMillis, null);
        }

        public JobSubmitted(long id, String name, String gpuModel, int gpus, String jobClass, int priority,
                            boolean withinPod, int maxRacks, boolean wholeRacks, long durationMillis, String model,
                            String tokens, String parallelism, Boolean confidential) {
            this(id, name, gpuModel, gpus, jobClass, priority, withinPod, maxRacks, wholeRacks, durationMillis, model,
                    tokens, parallelism, confidential, null, null);
        }

        /** What the scheduler plans with: the time limit, else the duration. */
        public long plannedMillis() {
            return timeLimitMillis != null ? timeLimitMillis : durationMillis;
        }

        /** Work after which the job stops: its duration, or its time limit if that comes first. */
        public long stopsAtMillis() {
            return timeLimitMillis != null ? Math.min(durationMillis, timeLimitMillis) : durationMillis;
        }

        /** Whether the job runs in confidential-computing mode. */
        public boolean confidentialComputing() {
            return confidential != null;
        }

        public String type() {
            return "job.submitted";
        }
    }

    /**
     * What a job runs on a real data plane: a command (argv) or a batch script, its environment and working directory.
     * Checked where it is accepted (the API); the journal keeps it as given.
     *
     * @param command argv, or null for a script
     * @param script a batch script starting with {@code #!}, or null for a command
     * @param env extra environment variables, sorted by name (empty: none)
     * @param workdir an absolute directory on the nodes, or null for the data plane's default
     */
    record JobRun(@com.fasterxml.jackson.annotation.JsonInclude(
                          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) List<String> command,
                  @com.fasterxml.jackson.annotation.JsonInclude(
                          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String script,
                  @com.fasterxml.jackson.annotation.JsonInclude(
                          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) Map<String, String> env,
                  @com.fasterxml.jackson.annotation.JsonInclude(
                          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String workdir) {
        public JobRun {
            command = command == null ? null : List.copyOf(command);
            env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
        }
    }

    record JobCancelled(long id) implements Payload {
        public String type() {
            return "job.cancelled";
        }
    }

    /**
     * A tenant recorded a sealed checkpoint (issue 7): the SHA-256 of its manifest, so that serving an older
     * checkpoint later is provable from the audit log. Nothing in it can be decrypted by the operator.
     */
    record CheckpointSealed(String context, String manifestSha256, int shards, long bytes) implements Payload {
        public String type() {
            return "checkpoint.sealed";
        }
    }

    /**
     * The operator issued a tenant's invoice for a closed period (issue 18): its SHA-256 over the invoice's canonical
     * JSON, so that a later change to the bill is detectable by anyone who verifies the log.
     *
     * @param total the invoice's total, a decimal string in {@code currency}
     */
    record InvoiceIssued(String id, String tenant, String period, String sha256, String currency, String total)
            implements Payload {
        public String type() {
            return "invoice.issued";
        }
    }

    record NodeDrain(int node, boolean drain) implements Payload {
        public String type() {
            return "node.drain";
        }
    }

    // ---- data plane ----

    /**
     * @param timeLimit true when the job was stopped at its time limit rather than done; else null (left out, so that
     *                  entries written before the field existed read and hash the same)
     * @param exitCode the job's exit code where a real data plane reports one (Slurm), else null
     * @param failure why the job ended without success (a non-zero exit, cancelled or lost in the cluster manager),
     *                else null: the job failed with this reason
     */
    record JobFinished(long id,
                       @com.fasterxml.jackson.annotation.JsonInclude(
                               com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Boolean timeLimit,
                       @com.fasterxml.jackson.annotation.JsonInclude(
                               com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Integer exitCode,
                       @com.fasterxml.jackson.annotation.JsonInclude(
                               com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String failure)
            implements Payload {
        public JobFinished {
            timeLimit = Boolean.TRUE.equals(timeLimit) ? Boolean.TRUE : null;
        }

        public JobFinished(long id) {
            this(id, null, null, null);
        }

        public JobFinished(long id, Boolean timeLimit) {
            this(id, timeLimit, null, null);
        }

        public String type() {
            return "job.finished";
        }
    }

    /**
     * A real data plane started the job: {@code handle} is its id there (a Slurm job id), by which a restarted
     * control plane finds it again.
     */
    record JobLaunched(long id, String handle) implements Payload {
        public String type() {
            return "job.launched";
        }
    }

    /** @param workMillis work done and saved so far (a failure loses what came after) */
    record JobCheckpointed(long id, long workMillis) implements Payload {
        public String type() {
            return "job.checkpointed";
        }
    }

    /** A preempted job checkpointed and stopped with this much work left. */
    record JobStopped(long id, long remainingMillis) implements Payload {
        public String type() {
            return "job.stopped";
        }
    }

    record NodeFailed(int node) implements Payload {
        public String type() {
            return "node.failed";
        }
    }

    record NodeRepaired(int node) implements Payload {
        public String type() {
            return "node.repaired";
        }
    }

    /** The scheduler ran a pass at this entry's time; its decisions follow as derived entries. */
    record SchedulerPass() implements Payload {
        public String type() {
            return "scheduler.pass";
        }
    }

    // ---- derived: the scheduler's decisions ----

    record JobPlaced(long id, List<Integer> nodes, List<Integer> gpus) implements Payload {
        public JobPlaced {
            nodes = List.copyOf(nodes);
            gpus = List.copyOf(gpus);
        }

        public String type() {
            return "job.placed";
        }

        public boolean derived() {
            return true;
        }
    }

    record JobPreempting(long id, long forJob, long graceMillis) implements Payload {
        public String type() {
            return "job.preempting";
        }

        public boolean derived() {
            return true;
        }
    }

    record JobRequeued(long id, int node) implements Payload {
        public String type() {
            return "job.requeued";
        }

        public boolean derived() {
            return true;
        }
    }

    record JobFailed(long id, String reason) implements Payload {
        public String type() {
            return "job.failed";
        }

        public boolean derived() {
            return true;
        }
    }

    /** Every payload type by its entry type. */
    Map<String, Class<? extends Payload>> TYPES = types();

    private static Map<String, Class<? extends Payload>> types() {
        Map<String, Class<? extends Payload>> m = new java.util.LinkedHashMap<>();
        for (Class<?> c : Payload.class.getPermittedSubclasses()) {
            try {
                @SuppressWarnings("unchecked")
                Class<? extends Payload> p = (Class<? extends Payload>) c;
                var ctor = p.getDeclaredConstructors()[0];
                Object[] args = new Object[ctor.getParameterCount()];
                Class<?>[] params = ctor.getParameterTypes();
                for (int i = 0; i < args.length; i++) {
                    args[i] = params[i] == int.class ? 0 : params[i] == long.class ? 0L
                            : params[i] == boolean.class ? false : params[i] == List.class ? List.of() : null;
                }
                m.put(((Payload) ctor.newInstance(args)).type(), p);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        return Map.copyOf(m);
    }

    static Payload parse(String type, String json) {
        Class<? extends Payload> c = TYPES.get(type);
        if (c == null) {
            throw new IllegalStateException("unknown journal entry type '" + type + "'");
        }
        return Canonical.read(json, c);
    }

    static Payload of(Entry e) {
        return parse(e.type(), e.payload());
    }
}
