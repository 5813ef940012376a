package org.colossus.server.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What the API shows: plain values, times as ISO-8601 strings, money as decimal strings. */
public final class Views {
    private Views() {
    }

    public record Tenant(String name, String created, int activeContracts, int runningJobs, int queuedJobs,
                         long gpusInUse) {
    }

    /** @param sla its service level as signed, or null */
    public record Contract(long id, String tenant, @JsonProperty("class") String jobClass, String gpuModel, int gpus, String start, String end,
                           String pricePerGpuHour, String status, org.colossus.server.journal.Payload.SlaTerms sla) {
    }

    public record Constraints(boolean withinPod, int maxRacks, boolean wholeRacks) {
    }

    /** Where a job runs: counts, and the first few node paths. */
    public record Placement(int gpus, int nodes, int racks, int pods, List<String> firstNodes) {
    }

    public record Plan(String model, String tokens, String parallelism) {
    }

    public record Job(long id, String tenant, String name, String gpuModel, int gpus,
                      @JsonProperty("class") String jobClass, int priority,
                      Constraints constraints, long durationSeconds, Plan plan, String state, String pendingReason,
                      String submitted, String started, String ended, Placement placement, long workDoneSeconds,
                      int restarts, String failureReason, boolean confidential, Long timeLimitSeconds,
                      @com.fasterxml.jackson.annotation.JsonInclude(
                              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Integer exitCode,
                      @com.fasterxml.jackson.annotation.JsonInclude(
                              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String dataPlaneId) {
    }

    public record Node(int id, String path, String gpuModel, int gpus, int freeGpus, String state, List<Long> jobs,
                       List<String> tenants) {
    }

    public record Fleet(String name, List<String> gpuModels, int pods, int racks, int nodes, long gpus,
                        long allocatedGpus, long downGpus, int downNodes, int drainedNodes, double utilization,
                        int queuedJobs, int runningJobs, String time, long journalSeq) {
    }

    public record ClassUsage(@JsonProperty("class") String jobClass, double gpuHours, String cost) {
    }

    /** @param limits the tenant's admission limits (docs/api.md): the server's defaults with the operator's overrides */
    public record Usage(String tenant, String asOf, double gpuHours, String cost, String currency,
                        List<ClassUsage> byClass, long gpusInUse, int runningJobs, int queuedJobs,
                        int completedJobs, AdmissionLimits limits) {
    }

    public record Page<T>(List<T> items, Long next) {
    }

    /** GPUs held by tenant and by job class, jobs and GPUs waiting, GPUs on failed nodes, now. */
    public record Occupancy(java.util.Map<String, Long> gpusByTenant, java.util.Map<String, Long> gpusByClass,
                            int queuedJobs, long queuedGpus, long downGpus) {
    }

    /**
     * Every node at once, for the console's fleet map: compact enough for 27,648 nodes in one answer.
     *
     * @param racks per rack: pod, first node, node count, nodes per NVLink domain
     * @param states one character per node: f free, p partial, F full, d down, r drained
     * @param holders who holds nodes: tenant names for the operator; for a tenant only itself and "occupied"
     * @param holder per node: 0 for none, else 1 + an index into {@code holders}
     */
    public record FleetMap(String fleet, int nodes, int gpusPerNode, List<List<Integer>> racks, String states,
                           List<String> holders, List<Integer> holder) {
    }
}
