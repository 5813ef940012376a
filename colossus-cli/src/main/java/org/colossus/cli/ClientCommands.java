package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The client commands: tenant, contract, job, node. Each talks to a running server over its REST API. */
final class ClientCommands {
    private ClientCommands() {
    }

    /** What every client subcommand shares: the connection and the output format. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ApiClient api;

        @Mixin
        FormatOption output;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        void print(JsonNode json, java.util.function.Function<JsonNode, String> text) {
            out().print(output.json() ? Json.write(json) + "\n" : text.apply(json));
            out().flush();
        }

        static String q(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        /** All pages of a paged list. */
        JsonNode all(String path, int max) {
            var items = ApiClient.MAPPER.createArrayNode();
            Long after = null;
            do {
                String sep = path.contains("?") ? "&" : "?";
                JsonNode page = api.get(path + sep + "limit=1000" + (after == null ? "" : "&after=" + after));
                for (JsonNode i : page.get("items")) {
                    if (items.size() < max) {
                        items.add(i);
                    }
                }
                after = page.hasNonNull("next") && items.size() < max ? page.get("next").asLong() : null;
            } while (after != null);
            return items;
        }
    }

    /** A paged list with an optional --state filter: GET {@link #path()}, every page, printed as a table. */
    abstract static class PagedList extends Base {
        @Option(names = "--state", description = "Only those in this state (see the command's description).")
        String state;

        @Option(names = "--limit", defaultValue = "1000", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        private final String path;
        private final java.util.function.Function<JsonNode, String> table;

        PagedList(String path, java.util.function.Function<JsonNode, String> table) {
            this.path = path;
            this.table = table;
        }

        @Override
        public Integer call() {
            print(all(path + (state == null ? "" : "?state=" + q(state)), limit), table);
            return 0;
        }
    }

    /**
     * One object by id: GET {@code base/ID}, or POST {@code base/ID/action} when the command changes it; the reply is
     * printed with {@link #text}.
     */
    abstract static class ById extends Base {
        @Parameters(paramLabel = "ID")
        long id;

        private final String base;
        private final String action;
        private final java.util.function.Function<JsonNode, String> text;

        /** @param action null for a GET of the object itself */
        ById(String base, String action, java.util.function.Function<JsonNode, String> text) {
            this.base = base;
            this.action = action;
            this.text = text;
        }

        @Override
        public Integer call() {
            String path = base + "/" + id;
            print(action == null ? api.get(path) : api.post(path + "/" + action, null), text);
            return 0;
        }
    }

    static String oneContract(JsonNode j) {
        return ClientText.contracts(ApiClient.MAPPER.createArrayNode().add(j));
    }

    static String oneNode(JsonNode j) {
        return ClientText.nodes(ApiClient.MAPPER.createArrayNode().add(j));
    }

    @Command(name = "tenant", mixinStandardHelpOptions = true, description = "Tenants (operator).",
            subcommands = {TenantCreate.class, TenantList.class, TenantKey.class})
    static final class Tenant {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a tenant and print its API key (shown only this once).")
    static final class TenantCreate extends Base {
        @Parameters(paramLabel = "NAME", description = "1-63 characters of a-z, 0-9 and '-'.")
        String name;

        @Override
        public Integer call() {
            JsonNode r = api.post("/api/v1/tenants", ApiClient.MAPPER.createObjectNode().put("name", name));
            print(r, j -> "tenant " + j.get("name").asText() + " created\napi key (shown once): "
                    + j.get("apiKey").asText() + "\n");
            return 0;
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true,
            description = "Issue another API key for a tenant (shown only this once; earlier keys stay valid).")
    static final class TenantKey extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            JsonNode r = api.post("/api/v1/tenants/" + q(name) + "/keys", null);
            print(r, j -> "new api key for " + j.get("name").asText() + " (shown once): " + j.get("apiKey").asText() + "\n");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
    static final class TenantList extends Base {
        @Override
        public Integer call() {
            print(api.get("/api/v1/tenants"), arr -> {
                Table t = new Table("NAME", "CREATED", "CONTRACTS", "RUNNING", "QUEUED", "GPUS IN USE");
                for (JsonNode x : arr) {
                    t.row(x.get("name").asText(), x.get("created").asText(), x.get("activeContracts").asInt(),
                            x.get("runningJobs").asInt(), x.get("queuedJobs").asInt(), x.get("gpusInUse").asLong());
                }
                return t.toString();
            });
            return 0;
        }
    }

    @Command(name = "contract", mixinStandardHelpOptions = true, description = "Contracts (the operator signs them).",
            subcommands = {ContractCreate.class, ContractList.class, ContractEnd.class})
    static final class Contract {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Sign a contract with a tenant.")
    static final class ContractCreate extends Base {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--class", required = true, description = "reserved, on-demand or preemptible.")
        String jobClass;

        @Option(names = "--gpu", required = true, description = "GPU model, e.g. GB200, H100.")
        String gpu;

        @Option(names = "--gpus", required = true)
        int gpus;

        @Option(names = "--start", defaultValue = "now",
                description = "ISO-8601 time, a date, now, or +DURATION (server time; default: ${DEFAULT-VALUE}).")
        String start;

        @Option(names = "--end", required = true, description = "ISO-8601 time, a date, or +DURATION such as +30d.")
        String end;

        @Option(names = "--price-per-gpu-hour", required = true, paramLabel = "USD")
        String price;

        @Option(names = "--sla", paramLabel = "BELOW:CREDIT[,...]",
                description = "Availability credits of a reserved contract, in percent: 99.5:10,99:25 credits 10%% of the"
                        + " month's commitment below 99.5%% availability and 25%% below 99%% (docs/billing.md).")
        String sla;

        @Option(names = "--sla-grace", paramLabel = "SECONDS",
                description = "How long a reserved job that fits may wait before its GPUs count as denied (default 300).")
        Integer slaGrace;

        @Option(names = "--credit-lost-work", description = "Credit GPU-time lost to node failures since a job's last"
                + " checkpoint, at the contract's price.")
        boolean creditLostWork;

        @Override
        public Integer call() {
            Instant[] now = new Instant[1];
            java.util.function.Supplier<Instant> serverNow = () -> {
                if (now[0] == null) {
                    now[0] = Instant.parse(api.get("/api/v1/fleet").get("time").asText());
                }
                return now[0];
            };
            ObjectNode b = ApiClient.MAPPER.createObjectNode();
            b.put("tenant", tenant).put("class", jobClass).put("gpuModel", gpu).put("gpus", gpus)
                    .put("start", ClientText.instant("--start", start, serverNow))
                    .put("end", ClientText.instant("--end", end, serverNow)).put("pricePerGpuHour", price);
            if (sla != null || slaGrace != null || creditLostWork) {
                ObjectNode s = b.putObject("sla");
                var tiers = s.putArray("credits");
                if (sla != null) {
                    for (String tier : sla.split(",")) {
                        String[] kv = tier.trim().split(":");
                        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                            throw new CliException("--sla " + sla + ": expected BELOW:CREDIT pairs in percent, e.g."
                                    + " 99.5:10,99:25");
                        }
                        tiers.addObject().put("below", kv[0].trim()).put("credit", kv[1].trim());
                    }
                }
                if (slaGrace != null) {
                    s.put("graceSeconds", slaGrace);
                }
                s.put("creditLostWork", creditLostWork);
            }
            print(api.post("/api/v1/contracts", b), ClientCommands::oneContract);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List contracts (a tenant sees its own).")
    static final class ContractList extends Base {
        @Override
        public Integer call() {
            print(api.get("/api/v1/contracts"), ClientText::contracts);
            return 0;
        }
    }

    @Command(name = "end", mixinStandardHelpOptions = true, description = "End a contract now.")
    static final class ContractEnd extends ById {
        ContractEnd() {
            super("/api/v1/contracts", "end", ClientCommands::oneContract);
        }
    }

    @Command(name = "job", mixinStandardHelpOptions = true, description = "Jobs (tenants submit; the operator views).",
            subcommands = {JobSubmit.class, JobList.class, JobShow.class, JobCancel.class, JobWatch.class})
    static final class Job {
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submit a job with a duration, or with a model and token budget that the planner times.")
    static final class JobSubmit extends Base {
        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--gpu", required = true, description = "GPU model, e.g. GB200, H100.")
        String gpu;

        @Option(names = "--gpus", required = true)
        int gpus;

        @Option(names = "--class", required = true, description = "reserved, on-demand or preemptible.")
        String jobClass;

        @Option(names = "--priority", description = "-1000..1000; higher runs first among your jobs (default: 0).")
        Integer priority;

        @Option(names = "--wait", paramLabel = "SECONDS", description = "Over an admission limit (HTTP 429), wait as the"
                + " server says (Retry-After) and try again, for at most this long (default: fail at once).")
        Integer waitSeconds;

        @Option(names = "--duration", description = "Run time at nominal speed: 90s, 45m, 6h, 2d.")
        String duration;

        @Option(names = "--time-limit", paramLabel = "DURATION",
                description = "The most the job may run (90s, 45m, 6h, 2d): the scheduler plans with it, and the job is"
                        + " stopped when it is reached (state timeout).")
        String timeLimit;

        @Option(names = "--model", description = "A catalog model (colossus plan models), timed by the planner.")
        String model;

        @Option(names = "--tokens", description = "Training tokens for --model, e.g. 300B, 15T.")
        String tokens;

        @Option(names = "--tp") Integer tp;
        @Option(names = "--pp") Integer pp;
        @Option(names = "--vp") Integer vp;
        @Option(names = "--cp") Integer cp;
        @Option(names = "--ep") Integer ep;
        @Option(names = "--mbs") Integer mbs;
        @Option(names = "--gbs") Integer gbs;
        @Option(names = "--precision") String precision;
        @Option(names = "--recompute") String recompute;

        @Option(names = "--constraint", paramLabel = "C",
                description = "within-pod, whole-racks or max-racks=N (repeatable).")
        List<String> constraints = new ArrayList<>();

        @Option(names = "--confidential", description = {"Run in confidential-computing mode: Hopper or Blackwell GPUs on"
                + " nodes no other tenant shares; its keys come from the tenant's broker (colossus broker serve)."})
        boolean confidential;

        @Option(names = "--command", arity = "1..*", paramLabel = "ARG",
                description = "What the job runs on a real data plane (Slurm): the program and its arguments (give it"
                        + " last, or end it with --).")
        List<String> command;

        @Option(names = "--script", paramLabel = "FILE",
                description = "A batch script to run instead of --command (starts with #!; at most 512 KiB).")
        java.nio.file.Path script;

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "An environment variable of the job (repeatable).")
        List<String> env = new ArrayList<>();

        @Option(names = "--workdir", paramLabel = "DIR", description = "The job's working directory on the nodes (absolute).")
        String workdir;

        private void putRun(ObjectNode b) {
            if (command != null && script != null) {
                throw new CliException("--command and --script: give one or the other");
            }
            if (command != null) {
                var a = b.putArray("command");
                command.forEach(a::add);
            }
            if (script != null) {
                long size;
                try {
                    size = java.nio.file.Files.size(script);
                    if (size > 512 * 1024) {
                        throw new CliException("--script " + script + ": " + size + " bytes; at most 524288 (512 KiB)");
                    }
                    b.put("script", java.nio.file.Files.readString(script));
                } catch (java.io.IOException e) {
                    throw new CliException("--script " + script + ": cannot read: " + e.getMessage());
                }
            }
            if (!env.isEmpty()) {
                ObjectNode e = b.putObject("env");
                for (String kv : env) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new CliException("--env " + kv + ": expected NAME=VALUE");
                    }
                    e.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (workdir != null) {
                b.put("workdir", workdir);
            }
        }

        @Override
        public Integer call() {
            ObjectNode b = ApiClient.MAPPER.createObjectNode();
            b.put("name", name).put("gpuModel", gpu).put("gpus", gpus).put("class", jobClass);
            putRun(b);
            if (confidential) {
                b.put("confidential", true);
            }
            if (priority != null) {
                b.put("priority", priority);
            }
            if (timeLimit != null) {
                b.put("timeLimitSeconds", ClientText.seconds("--time-limit", timeLimit));
            }
            if (duration != null) {
                if (model != null || tokens != null) {
                    throw new CliException("--duration and --model/--tokens: give one or the other");
                }
                b.put("durationSeconds", ClientText.seconds("--duration", duration));
            } else if (model != null) {
                if (tokens == null) {
                    throw new CliException("--model " + model + ": also give --tokens, e.g. --tokens 300B");
                }
                b.put("model", model).put("tokens", tokens);
                ObjectNode p = ApiClient.MAPPER.createObjectNode();
                putIf(p, "tp", tp);
                putIf(p, "pp", pp);
                putIf(p, "vp", vp);
                putIf(p, "cp", cp);
                putIf(p, "ep", ep);
                putIf(p, "mbs", mbs);
                putIf(p, "gbs", gbs);
                if (precision != null) {
                    p.put("precision", precision);
                }
                if (recompute != null) {
                    p.put("recompute", recompute);
                }
                if (!p.isEmpty()) {
                    b.set("parallelism", p);
                }
            } else {
                throw new CliException("give --duration (e.g. 6h) or --model and --tokens");
            }
            if (!constraints.isEmpty()) {
                ObjectNode c = b.putObject("constraints");
                for (String s : constraints) {
                    String k = s.trim().toLowerCase(Locale.ROOT);
                    if (k.equals("within-pod")) {
                        c.put("withinPod", true);
                    } else if (k.equals("whole-racks")) {
                        c.put("wholeRacks", true);
                    } else if (k.startsWith("max-racks=")) {
                        try {
                            c.put("maxRacks", Integer.parseInt(k.substring(10)));
                        } catch (NumberFormatException e) {
                            throw new CliException("--constraint " + s + ": expected max-racks=N with a whole number");
                        }
                    } else {
                        throw new CliException("--constraint " + s + ": expected within-pod, whole-racks or max-racks=N");
                    }
                }
            }
            if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > 86_400)) {
                throw new CliException("--wait " + waitSeconds + ": expected 0 to 86400 seconds");
            }
            long deadline = System.nanoTime() + (waitSeconds == null ? 0 : waitSeconds) * 1_000_000_000L;
            while (true) {
                try {
                    print(api.post("/api/v1/jobs", b), ClientText::job);
                    return 0;
                } catch (ApiClient.TooManyRequests e) {
                    long waitNanos = e.retryAfterSeconds * 1_000_000_000L;
                    if (waitSeconds == null || System.nanoTime() + waitNanos > deadline) {
                        throw e;
                    }
                    spec.commandLine().getErr().println("over an admission limit; trying again in " + e.retryAfterSeconds
                            + " s: " + e.getMessage());
                    try {
                        Thread.sleep(waitNanos / 1_000_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        private static void putIf(ObjectNode n, String k, Integer v) {
            if (v != null) {
                n.put(k, v);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List jobs (a tenant sees its own); --state: queued, running, preempting, completed, cancelled, failed.")
    static final class JobList extends PagedList {
        JobList() {
            super("/api/v1/jobs", ClientText::jobs);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one job.")
    static final class JobShow extends ById {
        JobShow() {
            super("/api/v1/jobs", null, ClientText::job);
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel one of your jobs.")
    static final class JobCancel extends ById {
        JobCancel() {
            super("/api/v1/jobs", "cancel", ClientText::job);
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Follow job, contract and node changes live (Ctrl-C to stop).")
    static final class JobWatch extends Base {
        @Option(names = "--count", description = "Stop after this many events.")
        Integer count;

        @Override
        public Integer call() {
            int[] seen = {0};
            PrintWriter out = out();
            try {
                api.events(ev -> {
                    if (output.json()) {
                        out.println(ev[1]);
                    } else {
                        try {
                            JsonNode e = ApiClient.MAPPER.readTree(ev[1]);
                            out.println(String.format(Locale.ROOT, "%-24s %-18s %s %s", e.get("time").asText(), ev[0],
                                    e.hasNonNull("tenant") ? e.get("tenant").asText() : "-", ClientText.compact(e.get("data"))));
                        } catch (java.io.IOException ex) {
                            out.println(ev[0] + " " + ev[1]);
                        }
                    }
                    out.flush();
                    if (count != null && ++seen[0] >= count) {
                        throw new StopWatching();
                    }
                });
            } catch (StopWatching done) {
                return 0;
            }
            return 0;
        }

        private static final class StopWatching extends RuntimeException {
            private static final long serialVersionUID = 1L;

            StopWatching() {
                super(null, null, false, false);
            }
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true, description = "Nodes (operator).",
            subcommands = {NodeList.class, NodeShow.class, NodeDrain.class, NodeUndrain.class})
    static final class Node {
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List nodes; --state: free, partial, full, down, drained.")
    static final class NodeList extends PagedList {
        NodeList() {
            super("/api/v1/nodes", ClientText::nodes);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one node.")
    static final class NodeShow extends ById {
        NodeShow() {
            super("/api/v1/nodes", null, ClientCommands::oneNode);
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true, description = "Drain a node: running jobs finish, no new ones start.")
    static final class NodeDrain extends ById {
        NodeDrain() {
            super("/api/v1/nodes", "drain", ClientCommands::oneNode);
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, description = "Return a drained node to service.")
    static final class NodeUndrain extends ById {
        NodeUndrain() {
            super("/api/v1/nodes", "undrain", ClientCommands::oneNode);
        }
    }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "GPU-hours and cost so far (a tenant sees its own; the operator every tenant's).")
    static final class Usage extends Base {
        @Override
        public Integer call() {
            print(api.get("/api/v1/usage"), arr -> {
                Table t = new Table("TENANT", "CLASS", "GPU-HOURS", "COST (USD)", "GPUS IN USE", "RUNNING", "QUEUED", "COMPLETED");
                for (JsonNode u : arr) {
                    for (JsonNode c : u.get("byClass")) {
                        t.row(u.get("tenant").asText(), c.get("class").asText(),
                                String.format(Locale.ROOT, "%.1f", c.get("gpuHours").asDouble()), c.get("cost").asText(),
                                "", "", "", "");
                    }
                    t.row(u.get("tenant").asText(), "total", String.format(Locale.ROOT, "%.1f", u.get("gpuHours").asDouble()),
                            u.get("cost").asText(), u.get("gpusInUse").asLong(), u.get("runningJobs").asInt(),
                            u.get("queuedJobs").asInt(), u.get("completedJobs").asInt());
                }
                return t.toString();
            });
            return 0;
        }
    }
}
