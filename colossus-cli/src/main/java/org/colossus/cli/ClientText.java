package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and printing for the client commands: durations, times, and job/node/contract tables. */
final class ClientText {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)([smhd]?)");
    private static final Pattern RELATIVE = Pattern.compile("\\+(\\d+(?:\\.\\d+)?[smhd])");

    private ClientText() {
    }

    /** "90s", "45m", "6h", "2d" or plain seconds, in whole seconds. */
    static long seconds(String option, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CliException(option + " '" + text + "': expected a duration such as 90s, 45m, 6h or 2d");
        }
        double v = Double.parseDouble(m.group(1));
        double unit = switch (m.group(2)) {
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            default -> 1;
        };
        long s = Math.round(v * unit);
        if (s < 1) {
            throw new CliException(option + " '" + text + "': expected at least one second");
        }
        return s;
    }

    /** An ISO-8601 instant, a date (midnight UTC), "now" or "+30d", relative times from the server's clock. */
    static String instant(String option, String text, java.util.function.Supplier<Instant> serverNow) {
        String t = text.trim();
        if (t.equals("now")) {
            return serverNow.get().toString();
        }
        Matcher rel = RELATIVE.matcher(t);
        if (rel.matches()) {
            return serverNow.get().plusSeconds(seconds(option, rel.group(1))).toString();
        }
        try {
            return Instant.parse(t).toString();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
            } catch (DateTimeParseException e2) {
                throw new CliException(option + " '" + text + "': expected an ISO-8601 time (2026-12-01T00:00:00Z), a date"
                        + " (2026-12-01), now, or +DURATION such as +30d");
            }
        }
    }

    static String duration(long seconds) {
        if (seconds >= 86400) {
            return String.format(Locale.ROOT, "%.1fd", seconds / 86400.0);
        }
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%.1fh", seconds / 3600.0);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%.0fm", seconds / 60.0);
        }
        return seconds + "s";
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }

    /** Arrays longer than this print their first few values, the last one and their length. */
    private static final int LONG_ARRAY = 8;

    /**
     * An event's data as compact JSON for a terminal: a placement of 2,304 nodes prints as
     * {@code [12096,12097,12098,...,14399] (2304 values)} instead of ten thousand characters.
     */
    static String compact(JsonNode n) {
        StringBuilder b = new StringBuilder();
        compact(n, b);
        return b.toString();
    }

    private static void compact(JsonNode n, StringBuilder b) {
        if (n == null) {
            b.append("null");
        } else if (n.isObject()) {
            b.append('{');
            var fields = n.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                b.append(ApiClient.MAPPER.getNodeFactory().textNode(f.getKey())).append(':');
                compact(f.getValue(), b);
                if (fields.hasNext()) {
                    b.append(',');
                }
            }
            b.append('}');
        } else if (n.isArray() && n.size() > LONG_ARRAY) {
            b.append('[');
            for (int i = 0; i < 3; i++) {
                compact(n.get(i), b);
                b.append(',');
            }
            b.append("...,");
            compact(n.get(n.size() - 1), b);
            b.append("] (").append(n.size()).append(" values)");
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                compact(n.get(i), b);
            }
            b.append(']');
        } else {
            b.append(n);
        }
    }

    static String jobs(JsonNode items) {
        Table t = new Table("ID", "TENANT", "NAME", "GPUS", "MODEL", "CLASS", "STATE", "WHERE / WHY", "DURATION", "DONE");
        for (JsonNode j : items) {
            String where;
            JsonNode p = j.get("placement");
            if (p != null && !p.isNull()) {
                where = p.get("nodes").asInt() + " nodes, " + p.get("racks").asInt() + " racks, " + p.get("pods").asInt() + " pods";
            } else {
                where = j.has("pendingReason") ? j.get("pendingReason").asText()
                        : j.has("failureReason") ? j.get("failureReason").asText() : "-";
            }
            long duration = j.get("durationSeconds").asLong();
            long done = j.get("workDoneSeconds").asLong();
            t.row(j.get("id").asLong(), j.get("tenant").asText(), j.get("name").asText(), j.get("gpus").asInt(),
                    j.get("gpuModel").asText(), j.get("class").asText(), j.get("state").asText(), where,
                    duration(duration), duration == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * done / duration));
        }
        return t.toString();
    }

    static String job(JsonNode j) {
        StringBuilder b = new StringBuilder();
        line(b, "job", j.get("id").asText() + "  " + j.get("name").asText());
        line(b, "tenant", text(j, "tenant"));
        line(b, "state", text(j, "state") + (j.has("pendingReason") ? " (" + j.get("pendingReason").asText() + ")" : "")
                + (j.has("failureReason") ? " (" + j.get("failureReason").asText() + ")" : ""));
        line(b, "gpus", j.get("gpus").asInt() + " x " + j.get("gpuModel").asText() + ", " + j.get("class").asText()
                + ", priority " + j.get("priority").asInt()
                + (j.path("confidential").asBoolean() ? ", confidential computing" : ""));
        JsonNode c = j.get("constraints");
        if (c != null && (c.path("withinPod").asBoolean() || c.path("wholeRacks").asBoolean() || c.path("maxRacks").asInt() > 0)) {
            line(b, "constraints", (c.path("withinPod").asBoolean() ? "within-pod " : "")
                    + (c.path("wholeRacks").asBoolean() ? "whole-racks " : "")
                    + (c.path("maxRacks").asInt() > 0 ? "max-racks=" + c.path("maxRacks").asInt() : ""));
        }
        JsonNode plan = j.get("plan");
        if (plan != null && !plan.isNull()) {
            line(b, "plan", plan.get("model").asText() + ", " + plan.get("tokens").asText() + " tokens, "
                    + plan.get("parallelism").asText());
        }
        line(b, "duration", duration(j.get("durationSeconds").asLong()) + ", done " + duration(j.get("workDoneSeconds").asLong())
                + (j.get("restarts").asInt() > 0 ? ", " + j.get("restarts").asInt() + " restarts" : ""));
        line(b, "submitted", text(j, "submitted"));
        line(b, "started", text(j, "started"));
        line(b, "ended", text(j, "ended"));
        if (j.has("exitCode")) {
            line(b, "exit code", j.get("exitCode").asText());
        }
        if (j.has("dataPlaneId")) {
            line(b, "slurm job", j.get("dataPlaneId").asText());
        }
        JsonNode p = j.get("placement");
        if (p != null && !p.isNull()) {
            StringBuilder nodes = new StringBuilder();
            for (JsonNode n : p.get("firstNodes")) {
                nodes.append(nodes.isEmpty() ? "" : ", ").append(n.asText());
            }
            line(b, "placement", p.get("gpus").asInt() + " GPUs on " + p.get("nodes").asInt() + " nodes in "
                    + p.get("racks").asInt() + " racks, " + p.get("pods").asInt() + " pods: " + nodes
                    + (p.get("nodes").asInt() > p.get("firstNodes").size() ? ", ..." : ""));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "%-12s %s%n", label, value));
    }

    static String nodes(JsonNode items) {
        Table t = new Table("ID", "PATH", "GPU", "GPUS", "FREE", "STATE", "JOBS", "TENANTS");
        for (JsonNode n : items) {
            t.row(n.get("id").asInt(), n.get("path").asText(), n.get("gpuModel").asText(), n.get("gpus").asInt(),
                    n.get("freeGpus").asInt(), n.get("state").asText(), join(n.get("jobs")), join(n.get("tenants")));
        }
        return t.toString();
    }

    private static String join(JsonNode arr) {
        if (arr == null || arr.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode x : arr) {
            b.append(b.isEmpty() ? "" : ",").append(x.asText());
        }
        return b.toString();
    }

    static String contracts(JsonNode items) {
        Table t = new Table("ID", "TENANT", "CLASS", "GPU", "GPUS", "START", "END", "USD/GPU-H", "STATUS");
        for (JsonNode c : items) {
            t.row(c.get("id").asLong(), c.get("tenant").asText(), c.get("class").asText(), c.get("gpuModel").asText(),
                    c.get("gpus").asInt(), c.get("start").asText(), c.get("end").asText(), c.get("pricePerGpuHour").asText(),
                    c.get("status").asText());
        }
        return t.toString();
    }
}
