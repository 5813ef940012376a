package org.colossus.sim;

import java.util.List;
import org.colossus.perf.JobSpeed;
import org.colossus.scheduler.Constraints;
import org.colossus.scheduler.JobClass;

/**
 * Jobs to replay, in submission order (ties keep source order), held as parallel arrays so that a million jobs
 * stay a few tens of MB.
 *
 * @param durationSeconds work of each job at nominal speed, in seconds of running time: what actually happens
 * @param tenantOf index into {@code tenants} per job
 * @param limitSeconds each job's requested time limit (what a user asks for, and what it is stopped at), or null
 *     when the workload has none (then a limit equals the duration)
 */
public record Workload(String name, long[] ids, double[] submitSeconds, int[] gpus, double[] durationSeconds,
                       int[] tenantOf, List<String> tenants, JobClass[] jobClass, int[] priority,
                       Constraints[] constraints, int[] speedProfileOf, List<JobSpeed.Profile> speedProfiles,
                       double[] limitSeconds) {

    public Workload(String name, long[] ids, double[] submitSeconds, int[] gpus, double[] durationSeconds,
                    int[] tenantOf, List<String> tenants, JobClass[] jobClass, int[] priority,
                    Constraints[] constraints, int[] speedProfileOf, List<JobSpeed.Profile> speedProfiles) {
        this(name, ids, submitSeconds, gpus, durationSeconds, tenantOf, tenants, jobClass, priority, constraints,
                speedProfileOf, speedProfiles, null);
    }

    /** Job {@code i}'s time limit: the requested one, or its duration when the workload has none. */
    public double limitOf(int i) {
        return limitSeconds == null ? durationSeconds[i] : limitSeconds[i];
    }

    /** The same jobs with these time limits. */
    public Workload withLimits(double[] limits) {
        return new Workload(name, ids, submitSeconds, gpus, durationSeconds, tenantOf, tenants, jobClass, priority,
                constraints, speedProfileOf, speedProfiles, limits);
    }

    /** Jobs without placement constraints, running at their stated durations. */
    public Workload(String name, long[] ids, double[] submitSeconds, int[] gpus, double[] durationSeconds,
                    int[] tenantOf, List<String> tenants, JobClass[] jobClass, int[] priority) {
        this(name, ids, submitSeconds, gpus, durationSeconds, tenantOf, tenants, jobClass, priority,
                unconstrained(ids.length));
    }

    /** Jobs running at their stated durations. */
    public Workload(String name, long[] ids, double[] submitSeconds, int[] gpus, double[] durationSeconds,
                    int[] tenantOf, List<String> tenants, JobClass[] jobClass, int[] priority, Constraints[] constraints) {
        this(name, ids, submitSeconds, gpus, durationSeconds, tenantOf, tenants, jobClass, priority, constraints,
                noProfiles(ids.length), List.of());
    }

    private static int[] noProfiles(int n) {
        int[] p = new int[n];
        java.util.Arrays.fill(p, -1);
        return p;
    }

    private static Constraints[] unconstrained(int n) {
        Constraints[] c = new Constraints[n];
        java.util.Arrays.fill(c, Constraints.NONE);
        return c;
    }

    /** A workload of on-demand jobs at priority 0. */
    public Workload(String name, long[] ids, double[] submitSeconds, int[] gpus, double[] durationSeconds,
                    int[] tenantOf, List<String> tenants) {
        this(name, ids, submitSeconds, gpus, durationSeconds, tenantOf, tenants, filled(ids.length), new int[ids.length]);
    }

    private static JobClass[] filled(int n) {
        JobClass[] c = new JobClass[n];
        java.util.Arrays.fill(c, JobClass.ON_DEMAND);
        return c;
    }

    public int size() {
        return ids.length;
    }

    /** Several workloads as one, re-sorted by submission (stable), tenants merged by name. */
    public static Workload merge(String name, List<Workload> parts) {
        List<String> tenants = new java.util.ArrayList<>();
        java.util.Map<String, Integer> tenantIds = new java.util.HashMap<>();
        int n = parts.stream().mapToInt(Workload::size).sum();
        long[] ids = new long[n];
        double[] submit = new double[n];
        int[] gpus = new int[n];
        double[] dur = new double[n];
        int[] tenant = new int[n];
        JobClass[] cls = new JobClass[n];
        int[] prio = new int[n];
        Constraints[] cons = new Constraints[n];
        int[] prof = new int[n];
        boolean anyLimits = parts.stream().anyMatch(w -> w.limitSeconds != null);
        double[] lim = anyLimits ? new double[n] : null;
        List<JobSpeed.Profile> profiles = new java.util.ArrayList<>();
        int k = 0;
        long nextId = 0;
        for (Workload w : parts) {
            int profileBase = profiles.size();
            profiles.addAll(w.speedProfiles);
            for (int i = 0; i < w.size(); i++, k++) {
                prof[k] = w.speedProfileOf[i] < 0 ? -1 : profileBase + w.speedProfileOf[i];
                ids[k] = nextId++;
                submit[k] = w.submitSeconds[i];
                gpus[k] = w.gpus[i];
                dur[k] = w.durationSeconds[i];
                String t = w.tenants.get(w.tenantOf[i]);
                tenant[k] = tenantIds.computeIfAbsent(t, x -> {
                    tenants.add(x);
                    return tenants.size() - 1;
                });
                cls[k] = w.jobClass[i];
                prio[k] = w.priority[i];
                cons[k] = w.constraints[i];
                if (lim != null) {
                    lim[k] = w.limitOf(i);
                }
            }
        }
        return new Workload(name, ids, submit, gpus, dur, tenant, List.copyOf(tenants), cls, prio, cons, prof,
                List.copyOf(profiles), lim).sortedBySubmit();
    }

    /** The same jobs ordered by submission time; ties keep their order (a stable sort). */
    public Workload sortedBySubmit() {
        int n = size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(submitSeconds[a], submitSeconds[b]));
        long[] i2 = new long[n];
        double[] s2 = new double[n];
        int[] g2 = new int[n];
        double[] d2 = new double[n];
        int[] t2 = new int[n];
        JobClass[] c2 = new JobClass[n];
        int[] p2 = new int[n];
        Constraints[] k2 = new Constraints[n];
        int[] f2 = new int[n];
        double[] l2 = limitSeconds == null ? null : new double[n];
        for (int i = 0; i < n; i++) {
            int o = order[i];
            if (l2 != null) {
                l2[i] = limitSeconds[o];
            }
            i2[i] = ids[o];
            s2[i] = submitSeconds[o];
            g2[i] = gpus[o];
            d2[i] = durationSeconds[o];
            t2[i] = tenantOf[o];
            c2[i] = jobClass[o];
            p2[i] = priority[o];
            k2[i] = constraints[o];
            f2[i] = speedProfileOf[o];
        }
        return new Workload(name, i2, s2, g2, d2, t2, tenants, c2, p2, k2, f2, speedProfiles, l2);
    }
}
