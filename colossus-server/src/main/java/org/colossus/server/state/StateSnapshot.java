package org.colossus.server.state;

import java.util.List;
import java.util.Map;
import org.colossus.scheduler.SchedulerSnapshot;
import org.colossus.server.journal.Payload;

/**
 * The whole control-plane state after journal entry {@code seq}, as plain values: what a periodic snapshot stores so
 * that a restart replays only the journal's tail. {@link ControlState#restore} rebuilds a state equal to the one that
 * made it (same {@link ControlState#stateHash()}).
 */
public record StateSnapshot(long seq, long timeMillis, long originMillis, List<Tenant> tenants,
                            List<Credential> credentials, List<Contract> contracts, List<Job> jobs,
                            SchedulerSnapshot scheduler) {

    /** @param limits the operator's own admission limits for the tenant, or null */
    public record Tenant(String name, long createdMillis, int idPrefix, int completed, Map<String, Long> gpuMillis,
                         Map<String, String> cost, Payload.TenantLimitsSet limits) {
    }

    public record Contract(Payload.ContractSigned signed, String status, long endedMillis, String endReason) {
    }

    public record Job(Payload.JobSubmitted spec, String tenant, long submittedMillis, long runStartMillis,
                      long lastStartMillis, long endedMillis, long workDoneMillis, long workAtRunStartMillis,
                      long gpuMillis, String price, int restarts, List<Integer> nodes, String failureReason,
                      String handle, Integer exitCode) {
        public Job(Payload.JobSubmitted spec, String tenant, long submittedMillis, long runStartMillis,
                   long lastStartMillis, long endedMillis, long workDoneMillis, long workAtRunStartMillis,
                   long gpuMillis, String price, int restarts, List<Integer> nodes, String failureReason) {
            this(spec, tenant, submittedMillis, runStartMillis, lastStartMillis, endedMillis, workDoneMillis,
                    workAtRunStartMillis, gpuMillis, price, restarts, nodes, failureReason, null, null);
        }
    }
}
