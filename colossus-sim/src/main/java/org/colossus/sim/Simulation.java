package org.colossus.sim;

import java.util.List;
import java.util.function.DoubleConsumer;
import org.colossus.fleet.Fleet;
import org.colossus.scheduler.Allocation;
import org.colossus.scheduler.Decision;
import org.colossus.scheduler.Event;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.JobSpec;
import org.colossus.scheduler.Scheduler;
import org.colossus.scheduler.SchedulerConfig;

/**
 * Replays a workload through the scheduler core on a virtual clock. At each instant the simulator applies every
 * completion, then every arrival, then one scheduling pass ({@link Event.Tick}); a started job ends exactly
 * {@code duration} later. Single-threaded and deterministic: the same inputs give the same result, bit for bit.
 */
public final class Simulation {
    private final Fleet fleet;
    private final SchedulerConfig config;

    public Simulation(Fleet fleet, SchedulerConfig config) {
        this.fleet = fleet;
        this.config = config;
    }

    public SimResult run(Workload w) {
        return run(w, t -> {
        });
    }

    /** @param progress called now and then with the simulated time reached (for a progress line) */
    public SimResult run(Workload w, DoubleConsumer progress) {
        int n = w.size();
        for (int i = 0; i < n; i++) {
            if (w.gpus()[i] > fleet.gpuCount()) {
                throw new SimException(w.name() + ": job " + w.ids()[i] + " needs " + w.gpus()[i] + " GPUs; the fleet "
                        + fleet.name() + " has " + fleet.gpuCount());
            }
        }
        Scheduler scheduler = new Scheduler(fleet, config);
        double[] start = new double[n];
        double[] end = new double[n];
        int[] racks = new int[n];
        int[] pods = new int[n];
        java.util.Arrays.fill(start, Double.NaN);
        java.util.Arrays.fill(end, Double.NaN);
        EventCalendar calendar = new EventCalendar();
        if (n > 0) {
            calendar.push(w.submitSeconds()[0], EventCalendar.ARRIVAL, 0);
        }
        String[] tenants = w.tenants().toArray(String[]::new);
        double allocatedGpuSeconds = 0;
        double lastTime = 0;
        long events = 0;
        long steps = 0;
        while (!calendar.isEmpty()) {
            double now = calendar.peekTime();
            allocatedGpuSeconds += scheduler.allocatedGpus() * (now - lastTime);
            lastTime = now;
            while (!calendar.isEmpty() && calendar.peekTime() == now) {
                int kind = calendar.peekKind();
                int job = calendar.pop();
                events++;
                if (kind == EventCalendar.FINISH) {
                    scheduler.apply(new Event.JobFinished(now, job));
                    end[job] = now;
                } else {
                    scheduler.apply(new Event.JobSubmitted(now, new JobSpec(job, tenants[w.tenantOf()[job]],
                            JobClass.ON_DEMAND, w.gpus()[job], w.durationSeconds()[job])));
                    if (job + 1 < n) {
                        calendar.push(w.submitSeconds()[job + 1], EventCalendar.ARRIVAL, job + 1);
                    }
                }
            }
            List<Decision> decisions = scheduler.apply(new Event.Tick(now));
            for (Decision d : decisions) {
                switch (d) {
                    case Decision.Place p -> {
                        int job = (int) p.jobId();
                        start[job] = now;
                        calendar.push(now + w.durationSeconds()[job], EventCalendar.FINISH, job);
                        racks[job] = distinct(p.allocation(), true);
                        pods[job] = distinct(p.allocation(), false);
                    }
                }
            }
            if ((++steps & 0xFFFF) == 0) {
                progress.accept(now);
            }
        }
        return new SimResult(config.policy().key(), config.placement().name(), config.isolation().key(), w, start, end,
                racks, pods, SimResult.summarize(w, start, end, allocatedGpuSeconds, fleet.gpuCount(), events));
    }

    private int distinct(Allocation a, boolean racks) {
        int count = 0;
        int last = -1;
        for (int node : a.nodes()) { // nodes ascending, so racks and pods ascending too
            int unit = racks ? fleet.rackOfNode(node) : fleet.podOfRack(fleet.rackOfNode(node));
            if (unit != last) {
                count++;
                last = unit;
            }
        }
        return count;
    }
}
