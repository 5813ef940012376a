package org.colossus.sim;

import java.util.ArrayList;
import java.util.List;
import org.colossus.scheduler.JobClass;

/**
 * How a recorded trace lands on a fleet: each trace GPU is one fleet GPU (jobs keep their GPU counts and
 * durations), inter-arrival times are multiplied by {@code timeScale} (below 1 compresses the trace so that a
 * small cluster's history offers a large fleet a comparable load), jobs arriving after the scenario's end are
 * dropped, every job gets the given class, and trace tenants (Philly's virtual clusters) are kept unless one
 * tenant is named.
 */
final class TraceMapping {
    private TraceMapping() {
    }

    /** @param cls every job's class, or null to keep the trace's own classes */
    static Workload apply(Workload trace, double timeScale, JobClass cls, String tenant, double durationSeconds) {
        int n = 0;
        for (int i = 0; i < trace.size(); i++) {
            if (trace.submitSeconds()[i] * timeScale <= durationSeconds) {
                n++;
            }
        }
        long[] ids = new long[n];
        double[] submit = new double[n];
        int[] gpus = new int[n];
        double[] dur = new double[n];
        int[] tenants = new int[n];
        JobClass[] classes = new JobClass[n];
        int k = 0;
        for (int i = 0; i < trace.size() && k < n; i++) {
            double s = trace.submitSeconds()[i] * timeScale;
            if (s > durationSeconds) {
                continue;
            }
            ids[k] = trace.ids()[i];
            submit[k] = s;
            gpus[k] = trace.gpus()[i];
            dur[k] = trace.durationSeconds()[i];
            tenants[k] = tenant == null ? trace.tenantOf()[i] : 0;
            classes[k] = cls == null ? trace.jobClass()[i] : cls;
            k++;
        }
        List<String> names = tenant == null ? trace.tenants() : new ArrayList<>(List.of(tenant));
        return new Workload(trace.name(), ids, submit, gpus, dur, tenants, names, classes, new int[n]);
    }
}
