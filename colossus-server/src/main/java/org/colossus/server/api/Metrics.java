package org.colossus.server.api;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters and latency histograms in the Prometheus text format (version 0.0.4), written by hand: a few
 * lock-free adders on the hot path and nothing else.
 */
final class Metrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) {
                i++;
            }
            counts[i].increment();
            sumMicros.add(Math.round(seconds * 1e6));
        }
    }

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

    /** A request refused by an admission limit (counted by limit, never by tenant: /metrics is no tenant list). */
    void refused(String limit) {
        refusals.computeIfAbsent(limit, k -> new LongAdder()).increment();
    }

    void record(String method, String route, int status, double seconds) {
        String key = "method=\"" + method + "\",route=\"" + route + "\"";
        requests.computeIfAbsent(key + ",status=\"" + status + "\"", k -> new LongAdder()).increment();
        latency.computeIfAbsent(key, k -> new Histogram()).observe(seconds);
    }

    /** The state gauges, read on the engine thread. */
    /**
     * @param role {@code single}, {@code leader} or {@code standby} (high availability)
     * @param followLag on a standby: the journal entries it found behind it when it last polled
     */
    record Gauges(long gpus, long allocatedGpus, long downGpus, int queuedJobs, int runningJobs, int tenants,
                  long journalSeq, long commits, int backlog, double secondsSinceCommit, int sseClients, String role,
                  long epoch, long followLag, boolean dataPlaneUp) {
    }

    String render(Gauges g) {
        StringBuilder b = new StringBuilder(4096);
        b.append("# HELP colossus_http_requests_total HTTP requests by method, route and status.\n");
        b.append("# TYPE colossus_http_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> b.append("colossus_http_requests_total{").append(k).append("} ")
                .append(v.sum()).append('\n'));
        b.append("# HELP colossus_admission_refusals_total Requests refused with 429 by admission limit.\n");
        b.append("# TYPE colossus_admission_refusals_total counter\n");
        new TreeMap<>(refusals).forEach((k, v) -> b.append("colossus_admission_refusals_total{limit=\"").append(k)
                .append("\"} ").append(v.sum()).append('\n'));
        b.append("# HELP colossus_http_request_duration_seconds HTTP request latency by method and route.\n");
        b.append("# TYPE colossus_http_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((k, h) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                String le = i == BUCKETS.length ? "+Inf" : trim(BUCKETS[i]);
                b.append("colossus_http_request_duration_seconds_bucket{").append(k).append(",le=\"").append(le)
                        .append("\"} ").append(cumulative).append('\n');
            }
            b.append("colossus_http_request_duration_seconds_sum{").append(k).append("} ")
                    .append(String.format(Locale.ROOT, "%.6f", h.sumMicros.sum() / 1e6)).append('\n');
            b.append("colossus_http_request_duration_seconds_count{").append(k).append("} ").append(cumulative).append('\n');
        });
        gauge(b, "colossus_gpus", "GPUs in the fleet.", g.gpus());
        gauge(b, "colossus_gpus_allocated", "GPUs held by jobs.", g.allocatedGpus());
        gauge(b, "colossus_gpus_down", "GPUs on failed nodes.", g.downGpus());
        gauge(b, "colossus_gpu_utilization_ratio", "Allocated GPUs over all GPUs.",
                g.gpus() == 0 ? 0 : (double) g.allocatedGpus() / g.gpus());
        gauge(b, "colossus_jobs_queued", "Jobs waiting in the queue (queue depth).", g.queuedJobs());
        gauge(b, "colossus_jobs_running", "Jobs holding GPUs.", g.runningJobs());
        gauge(b, "colossus_tenants", "Tenants.", g.tenants());
        gauge(b, "colossus_journal_seq", "Sequence number of the last committed journal entry.", g.journalSeq());
        b.append("# HELP colossus_ha_role This server's role: single (no high availability), leader or standby.\n");
        b.append("# TYPE colossus_ha_role gauge\n");
        b.append("colossus_ha_role{role=\"").append(g.role()).append("\"} 1\n");
        gauge(b, "colossus_ha_epoch", "The fencing epoch this server leads under (0 if it does not lead).", g.epoch());
        gauge(b, "colossus_ha_standby_lag_entries", "On a standby: journal entries behind the leader at its last poll.",
                g.followLag());
        b.append("# HELP colossus_journal_commits_total Journal transactions committed (group commits).\n");
        b.append("# TYPE colossus_journal_commits_total counter\n");
        b.append("colossus_journal_commits_total ").append(g.commits()).append('\n');
        gauge(b, "colossus_journal_lag_requests", "Requests waiting for the engine to journal them.", g.backlog());
        gauge(b, "colossus_journal_seconds_since_commit", "Seconds since the last journal commit.", g.secondsSinceCommit());
        gauge(b, "colossus_sse_clients", "Connected server-sent event streams.", g.sseClients());
        gauge(b, "colossus_dataplane_up", "1 while the data plane can act (Slurm's controller answers), else 0.",
                g.dataPlaneUp() ? 1 : 0);
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, double value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(' ').append(value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(Locale.ROOT, "%.6g", value)).append('\n');
    }

    private static String trim(double d) {
        String s = Double.toString(d);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
