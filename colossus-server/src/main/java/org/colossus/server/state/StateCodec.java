package org.colossus.server.state;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.colossus.fleet.Fleet;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.Scheduler;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.server.journal.Canonical;
import org.colossus.server.state.ControlState.ContractRecord;
import org.colossus.server.state.ControlState.ContractStatus;
import org.colossus.server.state.ControlState.JobRecord;
import org.colossus.server.state.ControlState.TenantRecord;

/**
 * {@link ControlState} as values and back ({@link StateSnapshot}, for snapshots that spare a start-up most of the
 * replay), and its state hash (a canonical dump's SHA-256, equal after live operation and after a cold replay).
 */
final class StateCodec {
    private StateCodec() {
    }

    /** The state as values; only between batches (no decision is awaiting its entry). */
    static StateSnapshot snapshot(ControlState st) {
        if (!st.expected.isEmpty()) {
            throw new IllegalStateException("snapshot in the middle of a batch: decision " + st.expected.peek().type() + " pending");
        }
        List<StateSnapshot.Tenant> ts = new ArrayList<>();
        for (TenantRecord t : st.tenants.values()) {
            Map<String, Long> ms = new TreeMap<>();
            t.usage.forEachGpuMillis((k, v) -> ms.put(k.key(), v));
            Map<String, String> cs = new TreeMap<>();
            t.usage.forEachCost((k, v) -> cs.put(k.key(), v.toPlainString()));
            ts.add(new StateSnapshot.Tenant(t.name, t.createdMillis, t.idPrefix, t.completed, ms, cs, t.limits));
        }
        List<StateSnapshot.Contract> cs = new ArrayList<>();
        for (ContractRecord c : st.contracts.values()) {
            cs.add(new StateSnapshot.Contract(c.signed, c.status.name(), c.endedMillis, c.endReason));
        }
        List<StateSnapshot.Job> js = new ArrayList<>(st.jobs.size());
        for (JobRecord r : st.jobs.values()) {
            js.add(new StateSnapshot.Job(r.spec, r.tenant, r.submittedMillis, r.runStartMillis, r.lastStartMillis,
                    r.endedMillis, r.workDoneMillis, r.workAtRunStartMillis, r.gpuMillis, r.price.toPlainString(),
                    r.restarts, r.nodes, r.failureReason, r.handle, r.exitCode));
        }
        return new StateSnapshot(st.lastSeq, st.lastTimeMillis, st.originMillis, ts, new ArrayList<>(new TreeMap<>(st.credentials).values()),
                cs, js, st.scheduler.snapshot());
    }

    /** A state equal to the one that took {@code s}. */
    static ControlState restore(Fleet fleet, SchedulerConfig config, StateSnapshot s) {
        ControlState c = new ControlState(fleet, config, Scheduler.restore(fleet, config, s.scheduler()));
        c.lastSeq = s.seq();
        c.lastTimeMillis = s.timeMillis();
        c.originMillis = s.originMillis();
        for (StateSnapshot.Tenant t : s.tenants()) {
            TenantRecord r = new TenantRecord(t.name(), t.createdMillis(), t.idPrefix());
            r.completed = t.completed();
            r.limits = t.limits();
            t.gpuMillis().forEach((k, v) -> r.usage.restoreGpuMillis(JobClass.parse(k), v));
            t.cost().forEach((k, v) -> r.usage.restoreCost(JobClass.parse(k), new BigDecimal(v)));
            c.tenants.put(t.name(), r);
        }
        for (Credential cr : s.credentials()) {
            c.credentials.put(cr.keyId(), cr);
        }
        for (StateSnapshot.Contract x : s.contracts()) {
            ContractRecord r = new ContractRecord(x.signed());
            r.status = ContractStatus.valueOf(x.status());
            r.endedMillis = x.endedMillis();
            r.endReason = x.endReason();
            c.contracts.put(x.signed().id(), r);
        }
        for (StateSnapshot.Job j : s.jobs()) {
            JobRecord r = new JobRecord(j.spec(), j.tenant(), j.submittedMillis());
            r.runStartMillis = j.runStartMillis();
            r.lastStartMillis = j.lastStartMillis();
            r.endedMillis = j.endedMillis();
            r.workDoneMillis = j.workDoneMillis();
            r.workAtRunStartMillis = j.workAtRunStartMillis();
            r.gpuMillis = j.gpuMillis();
            r.price = new BigDecimal(j.price());
            r.restarts = j.restarts();
            r.nodes = List.copyOf(j.nodes());
            r.failureReason = j.failureReason();
            r.handle = j.handle();
            r.exitCode = j.exitCode();
            c.jobs.put(j.spec().id(), r);
            c.tenants.get(r.tenant).jobIds.add(j.spec().id());
            if (r.runStartMillis >= 0) {
                for (int n : r.nodes) {
                    c.jobsOnNode.computeIfAbsent(n, k -> new TreeSet<>()).add(j.spec().id());
                }
            }
        }
        return c;
    }

    /**
     * SHA-256 over a canonical dump of the whole state (tenants, contracts, jobs with their metering, the scheduler
     * core's snapshot). Equal hashes after live operation and after a cold replay prove replay reproduces the state.
     */
    static String stateHash(ControlState st) {
        Map<String, Object> dump = new LinkedHashMap<>();
        dump.put("origin", st.originMillis);
        dump.put("seq", st.lastSeq);
        dump.put("time", st.lastTimeMillis);
        List<Object> ts = new ArrayList<>();
        for (TenantRecord t : st.tenants.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name);
            m.put("created", t.createdMillis);
            m.put("completed", t.completed);
            if (t.idPrefix != 0) {
                m.put("idPrefix", t.idPrefix); // only when set: states of older journals hash as before
            }
            Map<String, Object> use = new TreeMap<>();
            t.usage.forEachGpuMillis((k, v) -> use.put(k.key(), v));
            t.usage.forEachCost((k, v) -> use.put(k.key() + ".cost", v.toPlainString()));
            m.put("usage", use);
            if (t.limits != null) {
                m.put("limits", t.limits); // only when set: states without limits hash as before
            }
            ts.add(m);
        }
        dump.put("st.tenants", ts);
        dump.put("st.credentials", new TreeMap<>(st.credentials));
        List<Object> cs = new ArrayList<>();
        for (ContractRecord c : st.contracts.values()) {
            cs.add(List.of(c.signed, c.status.name(), c.endedMillis, String.valueOf(c.endReason)));
        }
        dump.put("st.contracts", cs);
        List<Object> js = new ArrayList<>();
        for (JobRecord r : st.jobs.values()) {
            List<Object> j = new ArrayList<>(List.of(r.spec, r.tenant, r.submittedMillis, r.runStartMillis,
                    r.lastStartMillis, r.endedMillis, r.workDoneMillis, r.workAtRunStartMillis, r.gpuMillis,
                    r.price.toPlainString(), r.restarts, r.nodes, String.valueOf(r.failureReason)));
            if (r.handle != null || r.exitCode != null) {
                j.add(String.valueOf(r.handle)); // only when set: states of the embedded fleet hash as before
                j.add(String.valueOf(r.exitCode));
            }
            js.add(j);
        }
        dump.put("st.jobs", js);
        dump.put("st.scheduler", st.scheduler.snapshot());
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Canonical.json(dump).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
