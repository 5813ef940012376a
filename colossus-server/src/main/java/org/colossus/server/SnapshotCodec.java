package org.colossus.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.colossus.scheduler.Constraints;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobSpec;
import org.colossus.scheduler.JobState;
import org.colossus.scheduler.PendingReason;
import org.colossus.scheduler.SchedulerSnapshot;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.Credential;
import org.colossus.server.state.StateSnapshot;

/**
 * A compact binary form of {@link StateSnapshot}: fixed field order, doubles as their exact bits, strings as UTF-8
 * with a length (null = -1). A million-entry journal's state (hundreds of thousands of jobs) reads back in about a
 * second, where JSON data binding took over ten (docs/performance.md). Versioned by a magic number.
 */
final class SnapshotCodec {
    // "COL6". COL1 had no confidential flag, COL2 no tenant limits, COL3 no contract service levels or job time
    // limits, COL4 no job runs, data-plane handles or exit codes, COL5 no tenant id prefixes: such snapshots are ignored and the state is
    // replayed from the journal.
    private static final int MAGIC = 0x434f4c36;

    private SnapshotCodec() {
    }

    private static Payload.SlaTerms sla(String json) {
        return json == null ? null : Canonical.read(json, Payload.SlaTerms.class);
    }

    private static Payload.JobRun run(String json) {
        return json == null ? null : Canonical.read(json, Payload.JobRun.class);
    }

    private static Integer exitCode(int code) {
        return code == Integer.MIN_VALUE ? null : code;
    }

    private static Long limit(long millis) {
        return millis < 0 ? null : millis;
    }

    static void write(StateSnapshot s, DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(s.seq());
        out.writeLong(s.timeMillis());
        out.writeLong(s.originMillis());
        out.writeInt(s.tenants().size());
        for (StateSnapshot.Tenant t : s.tenants()) {
            str(out, t.name());
            out.writeLong(t.createdMillis());
            out.writeInt(t.idPrefix());
            out.writeInt(t.completed());
            out.writeInt(t.gpuMillis().size());
            for (var e : t.gpuMillis().entrySet()) {
                str(out, e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(t.cost().size());
            for (var e : t.cost().entrySet()) {
                str(out, e.getKey());
                str(out, e.getValue());
            }
            Payload.TenantLimitsSet l = t.limits();
            out.writeBoolean(l != null);
            if (l != null) {
                out.writeInt(l.maxQueuedJobs());
                out.writeInt(l.submitsPerSecond());
                out.writeInt(l.submitBurst());
                out.writeInt(l.requestsPerSecond());
                out.writeInt(l.requestBurst());
            }
        }
        out.writeInt(s.credentials().size());
        for (Credential c : s.credentials()) {
            str(out, c.keyId());
            str(out, c.tenant());
            str(out, c.salt());
            str(out, c.hash());
        }
        out.writeInt(s.contracts().size());
        for (StateSnapshot.Contract c : s.contracts()) {
            Payload.ContractSigned g = c.signed();
            out.writeLong(g.id());
            str(out, g.tenant());
            str(out, g.jobClass());
            str(out, g.gpuModel());
            out.writeInt(g.gpus());
            out.writeLong(g.startMillis());
            out.writeLong(g.endMillis());
            str(out, g.pricePerGpuHour());
            str(out, g.sla() == null ? null : Canonical.json(g.sla()));
            str(out, c.status());
            out.writeLong(c.endedMillis());
            str(out, c.endReason());
        }
        out.writeInt(s.jobs().size());
        for (StateSnapshot.Job j : s.jobs()) {
            Payload.JobSubmitted p = j.spec();
            out.writeLong(p.id());
            str(out, p.name());
            str(out, p.gpuModel());
            out.writeInt(p.gpus());
            str(out, p.jobClass());
            out.writeInt(p.priority());
            out.writeBoolean(p.withinPod());
            out.writeInt(p.maxRacks());
            out.writeBoolean(p.wholeRacks());
            out.writeLong(p.durationMillis());
            str(out, p.model());
            str(out, p.tokens());
            str(out, p.parallelism());
            out.writeBoolean(p.confidentialComputing());
            out.writeLong(p.timeLimitMillis() == null ? -1 : p.timeLimitMillis());
            str(out, p.run() == null ? null : Canonical.json(p.run()));
            str(out, j.tenant());
            out.writeLong(j.submittedMillis());
            out.writeLong(j.runStartMillis());
            out.writeLong(j.lastStartMillis());
            out.writeLong(j.endedMillis());
            out.writeLong(j.workDoneMillis());
            out.writeLong(j.workAtRunStartMillis());
            out.writeLong(j.gpuMillis());
            str(out, j.price());
            out.writeInt(j.restarts());
            ints(out, j.nodes());
            str(out, j.failureReason());
            str(out, j.handle());
            out.writeInt(j.exitCode() == null ? Integer.MIN_VALUE : j.exitCode());
        }
        SchedulerSnapshot k = s.scheduler();
        out.writeDouble(k.timeSeconds());
        out.writeInt(k.tenants().size());
        for (String t : k.tenants()) {
            str(out, t);
        }
        ints(out, k.reservedGpus());
        out.writeInt(k.jobs().size());
        for (SchedulerSnapshot.Job j : k.jobs()) {
            JobSpec sp = j.spec();
            out.writeLong(sp.id());
            str(out, sp.tenant());
            out.writeByte(sp.jobClass().ordinal());
            out.writeInt(sp.gpus());
            out.writeDouble(sp.durationSeconds());
            out.writeInt(sp.priority());
            out.writeBoolean(sp.constraints().withinPod());
            out.writeInt(sp.constraints().maxRacks());
            out.writeBoolean(sp.constraints().wholeRacks());
            out.writeByte(j.state().ordinal());
            out.writeLong(j.sequence());
            out.writeDouble(j.submittedSeconds());
            out.writeDouble(j.startedSeconds());
            out.writeDouble(j.expectedEndSeconds());
            ints(out, j.nodes());
            ints(out, j.gpus());
            out.writeBoolean(j.guaranteed());
            out.writeInt(j.runRank());
            out.writeInt(j.restarts());
            out.writeInt(j.awaitingPreemptions());
            out.writeLong(j.preemptedFor());
            out.writeByte(j.reason().ordinal());
            out.writeBoolean(j.interruptedByFailure());
        }
        out.writeInt(k.queueOrder().size());
        for (long id : k.queueOrder()) {
            out.writeLong(id);
        }
        ints(out, k.downNodes());
        ints(out, k.drainedNodes());
        out.writeLong(k.nextSequence());
    }

    static StateSnapshot read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a colossus snapshot (bad magic number)");
        }
        long seq = in.readLong();
        long time = in.readLong();
        long origin = in.readLong();
        int n = in.readInt();
        List<StateSnapshot.Tenant> tenants = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = str(in);
            long created = in.readLong();
            int idPrefix = in.readInt();
            int completed = in.readInt();
            Map<String, Long> ms = new TreeMap<>();
            for (int m = in.readInt(); m > 0; m--) {
                ms.put(str(in), in.readLong());
            }
            Map<String, String> cs = new TreeMap<>();
            for (int m = in.readInt(); m > 0; m--) {
                cs.put(str(in), str(in));
            }
            Payload.TenantLimitsSet limits = in.readBoolean() ? new Payload.TenantLimitsSet(name, in.readInt(),
                    in.readInt(), in.readInt(), in.readInt(), in.readInt()) : null;
            tenants.add(new StateSnapshot.Tenant(name, created, idPrefix, completed, ms, cs, limits));
        }
        n = in.readInt();
        List<Credential> creds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            creds.add(new Credential(str(in), str(in), str(in), str(in)));
        }
        n = in.readInt();
        List<StateSnapshot.Contract> contracts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Payload.ContractSigned g = new Payload.ContractSigned(in.readLong(), str(in), str(in), str(in), in.readInt(),
                    in.readLong(), in.readLong(), str(in), sla(str(in)));
            contracts.add(new StateSnapshot.Contract(g, str(in), in.readLong(), str(in)));
        }
        n = in.readInt();
        List<StateSnapshot.Job> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Payload.JobSubmitted p = new Payload.JobSubmitted(in.readLong(), str(in), str(in), in.readInt(), str(in),
                    in.readInt(), in.readBoolean(), in.readInt(), in.readBoolean(), in.readLong(), str(in), str(in), str(in),
                    in.readBoolean(), limit(in.readLong()), run(str(in)));
            jobs.add(new StateSnapshot.Job(p, str(in), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readLong(), str(in), in.readInt(), ints(in), str(in), str(in),
                    exitCode(in.readInt())));
        }
        double schedulerTime = in.readDouble();
        n = in.readInt();
        List<String> sTenants = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sTenants.add(str(in));
        }
        List<Integer> reserved = ints(in);
        n = in.readInt();
        List<SchedulerSnapshot.Job> sJobs = new ArrayList<>(n);
        JobClass[] classes = JobClass.values();
        JobState[] states = JobState.values();
        PendingReason[] reasons = PendingReason.values();
        for (int i = 0; i < n; i++) {
            JobSpec sp = new JobSpec(in.readLong(), str(in), classes[in.readByte()], in.readInt(), in.readDouble(),
                    in.readInt(), new Constraints(in.readBoolean(), in.readInt(), in.readBoolean()));
            sJobs.add(new SchedulerSnapshot.Job(sp, states[in.readByte()], in.readLong(), in.readDouble(),
                    in.readDouble(), in.readDouble(), ints(in), ints(in), in.readBoolean(), in.readInt(), in.readInt(),
                    in.readInt(), in.readLong(), reasons[in.readByte()], in.readBoolean()));
        }
        n = in.readInt();
        List<Long> queue = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queue.add(in.readLong());
        }
        List<Integer> down = ints(in);
        List<Integer> drained = ints(in);
        long next = in.readLong();
        if (in.read() != -1) {
            throw new IOException("trailing bytes after the snapshot");
        }
        return new StateSnapshot(seq, time, origin, tenants, creds, contracts, jobs,
                new SchedulerSnapshot(schedulerTime, sTenants, reserved, sJobs, queue, down, drained, next));
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void ints(DataOutputStream out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> ints(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readInt());
        }
        return out;
    }
}
