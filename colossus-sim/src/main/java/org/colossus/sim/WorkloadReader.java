package org.colossus.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads workloads: a plain jobs CSV ({@code job_id,submit_time_s,num_gpus,duration_s}, optionally with a last
 * {@code time_limit_s} column: each job's requested limit) or the Philly job trace
 * ({@code timestamp,duration,num_gpus,gpu_time,cluster}; virtual clusters become tenants, time 0 is the earliest
 * submission), either one optionally gzipped (detected from the content). Rows are sorted by submit time, ties
 * in file order. A bad row is refused with its line, column and value; nothing is half-read.
 */
public final class WorkloadReader {
    private static final String JOBS_HEADER = "job_id,submit_time_s,num_gpus,duration_s";
    /** The jobs CSV with each job's requested time limit (issue 23). */
    private static final String JOBS_LIMITS_HEADER = JOBS_HEADER + ",time_limit_s";
    private static final String PHILLY_HEADER = "timestamp,duration,num_gpus,gpu_time,cluster";
    private static final String OPENB_HEADER =
            "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";
    private static final DateTimeFormatter PHILLY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private WorkloadReader() {
    }

    public static Workload read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            PushbackInputStream in = new PushbackInputStream(raw, 2);
            byte[] magic = in.readNBytes(2);
            in.unread(magic);
            InputStream content = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
                    ? new GZIPInputStream(in, 1 << 16) : in;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8), 1 << 16)) {
                return read(file.getFileName().toString(), reader);
            }
        } catch (NoSuchFileException e) {
            throw new SimException(file + ": no such file");
        } catch (IOException e) {
            throw new SimException(file + ": cannot read: " + e.getMessage());
        }
    }

    static Workload read(String name, BufferedReader reader) throws IOException {
        String header = reader.readLine();
        if (header == null) {
            throw new SimException(name + ": empty; expected a header '" + JOBS_HEADER + "' or '" + PHILLY_HEADER + "'");
        }
        header = header.strip();
        if (header.equals(JOBS_LIMITS_HEADER)) {
            return readJobs(name, reader, JOBS_LIMITS_HEADER);
        }
        if (header.equals(JOBS_HEADER)) {
            return readJobs(name, reader);
        }
        if (header.equals(PHILLY_HEADER)) {
            return readPhilly(name, reader);
        }
        if (header.equals(OPENB_HEADER)) {
            return readOpenb(name, reader);
        }
        throw new SimException(name + ": line 1: unknown header '" + header + "'; expected '" + JOBS_HEADER
                + "' (jobs CSV), '" + PHILLY_HEADER + "' (Philly trace) or the Alibaba 2023 pod list header");
    }

    private static final class Rows {
        long[] ids = new long[1024];
        double[] submit = new double[1024];
        int[] gpus = new int[1024];
        double[] duration = new double[1024];
        int[] tenant = new int[1024];
        /** Requested time limits, or null when the source has none. */
        double[] limit;
        int size;

        void limit(double l) {
            if (limit == null) {
                limit = new double[ids.length];
            }
            if (limit.length < ids.length) {
                limit = Arrays.copyOf(limit, ids.length);
            }
            limit[size - 1] = l;
        }

        void add(long id, double s, int g, double d, int t) {
            if (size == ids.length) {
                int n = size * 2;
                ids = Arrays.copyOf(ids, n);
                submit = Arrays.copyOf(submit, n);
                gpus = Arrays.copyOf(gpus, n);
                duration = Arrays.copyOf(duration, n);
                tenant = Arrays.copyOf(tenant, n);
            }
            ids[size] = id;
            submit[size] = s;
            gpus[size] = g;
            duration[size] = d;
            tenant[size] = t;
            size++;
        }

        /** The rows as a workload sorted by submission (ties keep file order), times shifted by {@code shift}. */
        Workload sorted(String name, List<String> tenants, double shift) {
            double[] s2 = Arrays.copyOf(submit, size);
            for (int i = 0; i < size; i++) {
                s2[i] -= shift;
            }
            Workload w = new Workload(name, Arrays.copyOf(ids, size), s2, Arrays.copyOf(gpus, size),
                    Arrays.copyOf(duration, size), Arrays.copyOf(tenant, size), List.copyOf(tenants));
            return (limit == null ? w : w.withLimits(Arrays.copyOf(limit, size))).sortedBySubmit();
        }
    }

    /** One data row: its 1-based line number and its cells. */
    private interface RowHandler {
        void row(int line, String[] cells);
    }

    /** A row taken whole, before any splitting: true if it was (then the checked path never sees it). */
    private interface FastRow {
        boolean took(String line);
    }

    /** Every non-blank row after the header, split on commas, with its column count checked. */
    private static void rows(String name, BufferedReader reader, String header, RowHandler handler) throws IOException {
        rows(name, reader, header, line -> false, handler);
    }

    /** As above, offering each line to {@code fast} first. */
    private static void rows(String name, BufferedReader reader, String header, FastRow fast, RowHandler handler)
            throws IOException {
        int columns = header.split(",", -1).length;
        String line;
        int lineNo = 1;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (fast.took(line) || line.isBlank()) {
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length != columns) {
                throw new SimException(name + ": line " + lineNo + ": expected " + columns + " columns (" + header
                        + "), got " + c.length);
            }
            handler.row(lineNo, c);
        }
    }

    /** Tenant names to dense indexes, in order of first appearance. */
    private static final class Tenants {
        final Map<String, Integer> ids = new HashMap<>();
        final List<String> names = new ArrayList<>();

        int of(String name) {
            return ids.computeIfAbsent(name, k -> {
                names.add(k);
                return names.size() - 1;
            });
        }
    }

    private static Workload readJobs(String name, BufferedReader reader) throws IOException {
        return readJobs(name, reader, JOBS_HEADER);
    }

    private static Workload readJobs(String name, BufferedReader reader, String header) throws IOException {
        Rows rows = new Rows();
        boolean limits = header.equals(JOBS_LIMITS_HEADER);
        int columns = limits ? 5 : 4;
        double[] cells = new double[columns];
        // The common row (plain digits, in range) without String.split and Double.parseDouble: a million-job workload
        // reads in two thirds of the time. Anything else goes through the checked path, with the same values and the
        // same errors.
        FastRow plain = line -> {
            int fractional = plainRow(line, cells);
            if (fractional < 0 || (fractional & 0b101) != 0 || !(cells[2] >= 1 && cells[2] <= Integer.MAX_VALUE
                    && cells[3] > 0 && (!limits || cells[4] > 0))) {
                return false;
            }
            rows.add((long) cells[0], cells[1], (int) cells[2], cells[3], 0);
            if (limits) {
                rows.limit(cells[4]);
            }
            return true;
        };
        rows(name, reader, header, plain, (lineNo, c) -> {
            long id = longCell(name, lineNo, "job_id", c[0]);
            double submit = number(name, lineNo, "submit_time_s", c[1], 0);
            int gpus = (int) longCell(name, lineNo, "num_gpus", c[2]);
            if (gpus < 1) {
                throw new SimException(name + ": line " + lineNo + ": num_gpus = " + c[2] + ": expected a whole number >= 1");
            }
            double duration = number(name, lineNo, "duration_s", c[3], Double.MIN_VALUE);
            rows.add(id, submit, gpus, duration, 0);
            if (limits) {
                rows.limit(number(name, lineNo, "time_limit_s", c[4], Double.MIN_VALUE));
            }
        });
        rejectDuplicateIds(name, rows);
        return rows.sorted(name, List.of("default"), 0);
    }

    /** Sorting a copy finds duplicates without a boxed set; the error names the first repeated line. */
    private static void rejectDuplicateIds(String name, Rows rows) {
        long[] packed = new long[rows.size];
        for (int i = 0; i < rows.size; i++) {
            packed[i] = rows.ids[i];
        }
        Arrays.sort(packed);
        for (int i = 1; i < packed.length; i++) {
            if (packed[i] == packed[i - 1]) {
                int line = -1;
                int seen = 0;
                for (int k = 0; k < rows.size; k++) {
                    if (rows.ids[k] == packed[i] && ++seen == 2) {
                        line = k + 2;
                        break;
                    }
                }
                throw new SimException(name + ": line " + line + ": job_id = " + packed[i] + ": duplicate job id");
            }
        }
    }

    private static Workload readPhilly(String name, BufferedReader reader) throws IOException {
        Rows rows = new Rows();
        Tenants tenants = new Tenants();
        double[] earliest = {Double.POSITIVE_INFINITY};
        rows(name, reader, PHILLY_HEADER, (lineNo, c) -> {
            double submit;
            try {
                submit = LocalDateTime.parse(c[0], PHILLY_TIME).toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new SimException(name + ": line " + lineNo + ": timestamp = '" + c[0] + "': expected yyyy-MM-dd HH:mm:ss");
            }
            double duration = number(name, lineNo, "duration", c[1], 0);
            int gpus = (int) number(name, lineNo, "num_gpus", c[2], 1);
            if (duration <= 0) {
                return; // Philly has zero-length jobs: they never hold GPUs; skipping them changes no metric of others
            }
            earliest[0] = Math.min(earliest[0], submit);
            rows.add(lineNo - 2, submit, gpus, duration, tenants.of(c[4]));
        });
        return rows.sorted(name, tenants.names, rows.size == 0 ? 0 : earliest[0]);
    }

    /**
     * Alibaba cluster-trace-gpu-v2023 ("openb") pod lists. A pod is a job: submitted at creation, running from
     * scheduling to deletion. CPU-only pods and pods never scheduled (Pending: no scheduled_time) are left out;
     * a GPU-sharing pod (gpu_milli below 1000) takes one whole GPU, since Colossus allocates whole GPUs. The QoS
     * class becomes the tenant, and best-effort (BE) pods are preemptible, the others on-demand.
     */
    private static Workload readOpenb(String name, BufferedReader reader) throws IOException {
        Rows rows = new Rows();
        Tenants tenantTable = new Tenants();
        rows(name, reader, OPENB_HEADER, (lineNo, c) -> {
            int gpus = (int) longCell(name, lineNo, "num_gpu", c[3]);
            if (gpus <= 0 || c[10].isBlank()) {
                return;
            }
            double created = number(name, lineNo, "creation_time", c[8], 0);
            double scheduled = number(name, lineNo, "scheduled_time", c[10], 0);
            double deleted = number(name, lineNo, "deletion_time", c[9], 0);
            if (deleted <= scheduled) {
                return;
            }
            rows.add(lineNo - 2, created, gpus, deleted - scheduled, tenantTable.of(c[6].isBlank() ? "unknown" : c[6]));
        });
        List<String> tenants = tenantTable.names;
        Workload sorted = rows.sorted(name, tenants, 0);
        org.colossus.scheduler.JobClass[] cls = new org.colossus.scheduler.JobClass[sorted.size()];
        for (int i = 0; i < cls.length; i++) {
            cls[i] = sorted.tenants().get(sorted.tenantOf()[i]).equals("BE")
                    ? org.colossus.scheduler.JobClass.PREEMPTIBLE : org.colossus.scheduler.JobClass.ON_DEMAND;
        }
        return new Workload(sorted.name(), sorted.ids(), sorted.submitSeconds(), sorted.gpus(), sorted.durationSeconds(),
                sorted.tenantOf(), sorted.tenants(), cls, new int[sorted.size()]);
    }

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    /**
     * Parses a row of exactly {@code out.length} cells, each digits with at most one '.' and at most 15 digits in all,
     * into {@code out}, and returns the bit mask of the cells written with a '.'; -1 for anything else (signs,
     * exponents, spaces, more digits, another cell count). A cell
     * of 15 digits or fewer is an integer below 2^53 over a power of ten that is exact in a double, so one division
     * rounds it correctly: the same double as {@link Double#parseDouble} (Clinger's fast path), and a whole number
     * cell the same value as {@link Long#parseLong}.
     */
    static int plainRow(String line, double[] out) {
        int n = line.length();
        int cell = 0;
        int mask = 0;
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (int i = 0; i <= n; i++) {
            char ch = i == n ? ',' : line.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (++digits > 15) {
                    return -1;
                }
                mantissa = mantissa * 10 + (ch - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (ch == '.' && fraction < 0 && digits > 0) {
                fraction = 0;
            } else if (ch == ',') {
                if (digits == 0 || fraction == 0 || cell == out.length) {
                    return -1;
                }
                if (fraction > 0) {
                    mask |= 1 << cell;
                }
                out[cell++] = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
                mantissa = 0;
                digits = 0;
                fraction = -1;
            } else {
                return -1;
            }
        }
        return cell == out.length ? mask : -1;
    }

    private static long longCell(String name, int line, String column, String cell) {
        try {
            return Long.parseLong(cell.strip());
        } catch (NumberFormatException e) {
            throw new SimException(name + ": line " + line + ": " + column + " = '" + cell + "': expected a whole number");
        }
    }

    private static double number(String name, int line, String column, String cell, double min) {
        double v;
        try {
            v = Double.parseDouble(cell.strip());
        } catch (NumberFormatException e) {
            throw new SimException(name + ": line " + line + ": " + column + " = '" + cell + "': expected a number");
        }
        if (!(v >= min) || Double.isInfinite(v)) {
            throw new SimException(name + ": line " + line + ": " + column + " = '" + cell + "': expected a finite number"
                    + (min > 0 ? " > 0" : " >= " + (long) min));
        }
        return v;
    }
}
