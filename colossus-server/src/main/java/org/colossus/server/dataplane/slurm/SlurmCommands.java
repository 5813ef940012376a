package org.colossus.server.dataplane.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link Slurm} through Slurm's own commands: {@code sbatch}, {@code scancel}, {@code squeue --json},
 * {@code sinfo --json}, {@code scontrol}. Submission must go through {@code sbatch}: the 22.05 REST API
 * (openapi/v0.0.38) refuses {@code required_nodes}, so it cannot pin a job to the nodes Colossus chose
 * (docs/slurm.md). Each command gets a clean environment: the server's own variables (a database password, say)
 * never reach a job.
 */
public final class SlurmCommands implements Slurm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 30;

    private final Path bin;
    private final Path conf;
    private final String partition;

    /**
     * @param bin where Slurm's commands are, or null to find them on the PATH
     * @param conf the slurm.conf to use (SLURM_CONF), or null for Slurm's default
     * @param partition the partition Colossus submits to, or null for the default one
     */
    public SlurmCommands(Path bin, Path conf, String partition) {
        this.bin = bin;
        this.conf = conf;
        this.partition = partition;
    }

    private record Result(int exit, String out, String err) {
    }

    private String command(String name) {
        return bin == null ? name : bin.resolve(name).toString();
    }

    private Result run(List<String> argv, Map<String, String> env, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> e = pb.environment();
        String path = e.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        e.clear();
        e.put("PATH", path);
        e.put("LANG", "C.UTF-8");
        String slurmConf = conf != null ? conf.toString() : System.getenv("SLURM_CONF");
        if (slurmConf != null) {
            e.put("SLURM_CONF", slurmConf);
        }
        if (env != null) {
            e.putAll(env);
        }
        try {
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SlurmException(argv.get(0) + " did not finish in " + TIMEOUT_SECONDS + " s", true);
            }
            errReader.join();
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8).trim());
        } catch (IOException e2) {
            throw new SlurmException("cannot run " + argv.get(0) + ": " + e2.getMessage(), true);
        } catch (InterruptedException e2) {
            Thread.currentThread().interrupt();
            throw new SlurmException(argv.get(0) + " interrupted", true);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended; what was read is kept
        }
    }

    private Result checked(List<String> argv, Map<String, String> env, String stdin) {
        Result r = run(argv, env, stdin);
        if (r.exit != 0) {
            String why = r.err.isEmpty() ? r.out.trim() : r.err;
            throw new SlurmException(String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + ": " + why,
                    unreachable(why));
        }
        return r;
    }

    /** Slurm's words for a controller that does not answer (slurm_errno.h: connection and timeout errors). */
    static boolean unreachable(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("unable to contact slurm controller") || m.contains("socket timed out")
                || m.contains("communication connection failure") || m.contains("connection refused")
                || m.contains("temporarily unable");
    }

    @Override
    public String submit(Submission job) {
        List<String> argv = new ArrayList<>(List.of(command("sbatch"), "--parsable", "--no-requeue",
                "--job-name=" + job.name(), "--comment=" + job.comment(), "--nodes=" + job.nodes().size(),
                "--nodelist=" + String.join(",", job.nodes()), "--gres=gpu:" + job.gpusPerNode(),
                "--export=ALL", "--output=" + job.output()));
        if (job.exclusive()) {
            argv.add("--exclusive");
        }
        if (job.cpusPerGpu() > 0) {
            argv.add("--cpus-per-gpu=" + job.cpusPerGpu());
        }
        if (job.memoryPerGpuMb() > 0) {
            argv.add("--mem-per-gpu=" + job.memoryPerGpuMb() + "M");
        }
        if (partition != null) {
            argv.add("--partition=" + partition);
        }
        if (job.timeLimitSeconds() > 0) {
            argv.add("--time=" + timeLimit(job.timeLimitSeconds()));
        }
        if (job.workdir() != null) {
            argv.add("--chdir=" + job.workdir());
        }
        Result r = checked(argv, job.env(), job.script());
        String id = r.out.trim();
        int semicolon = id.indexOf(';'); // --parsable prints "id;cluster" on a federation
        return semicolon >= 0 ? id.substring(0, semicolon) : id;
    }

    /** Slurm's D-HH:MM:SS, rounded up to whole seconds. */
    static String timeLimit(long seconds) {
        long d = seconds / 86_400;
        long h = seconds / 3600 % 24;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return String.format(java.util.Locale.ROOT, "%d-%02d:%02d:%02d", d, h, m, s);
    }

    @Override
    public void cancel(String jobId) {
        checked(List.of(command("scancel"), jobId), null, null);
    }

    @Override
    public void signal(String jobId, String signal) {
        checked(List.of(command("scancel"), "--batch", "--signal=" + signal, jobId), null, null);
    }

    @Override
    public List<Job> jobs() {
        JsonNode root = json(checked(List.of(command("squeue"), "--all", "--states=all", "--json"), null, null));
        List<Job> out = new ArrayList<>();
        for (JsonNode j : root.path("jobs")) {
            out.add(new Job(j.path("job_id").asText(), j.path("name").asText(), j.path("comment").asText(""),
                    j.path("job_state").asText(), Hostlist.expand(j.path("nodes").asText("")),
                    j.path("exit_code").asInt(0), j.path("state_reason").asText("")));
        }
        return out;
    }

    @Override
    public List<Node> nodes() {
        JsonNode root = json(checked(List.of(command("sinfo"), "--json"), null, null));
        List<Node> out = new ArrayList<>();
        for (JsonNode n : root.path("nodes")) {
            List<String> flags = new ArrayList<>();
            n.path("state_flags").forEach(f -> flags.add(f.asText()));
            List<String> parts = new ArrayList<>();
            n.path("partitions").forEach(f -> parts.add(f.asText()));
            out.add(new Node(n.path("name").asText(), n.path("state").asText().toLowerCase(java.util.Locale.ROOT),
                    flags, n.path("reason").asText(""), n.path("gres").asText(""), parts, n.path("cpus").asInt(0),
                    n.path("real_memory").asLong(0)));
        }
        return out;
    }

    @Override
    public void drain(String node, boolean drain, String reason) {
        List<String> argv = new ArrayList<>(List.of(command("scontrol"), "update", "nodename=" + node,
                "state=" + (drain ? "drain" : "resume")));
        if (drain) {
            argv.add("reason=" + reason);
        }
        checked(argv, null, null);
    }

    @Override
    public List<Switch> topology() {
        Result r = checked(List.of(command("scontrol"), "show", "topology"), null, null);
        List<Switch> out = new ArrayList<>();
        for (String line : r.out.split("\n")) {
            line = line.trim();
            if (!line.startsWith("SwitchName=")) {
                continue;
            }
            String name = null;
            int level = 0;
            List<String> nodes = List.of();
            List<String> switches = List.of();
            for (String kv : line.split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = kv.substring(0, eq);
                String v = kv.substring(eq + 1);
                switch (k) {
                    case "SwitchName" -> name = v;
                    case "Level" -> level = Integer.parseInt(v);
                    case "Nodes" -> nodes = Hostlist.expand(v);
                    case "Switches" -> switches = Hostlist.expand(v);
                    default -> {
                    }
                }
            }
            out.add(new Switch(name, level, nodes, switches));
        }
        return out;
    }

    /**
     * The JSON a command printed. squeue and sinfo exit 0 with an {@code errors} list when the controller does not
     * answer (and no jobs): such an answer says nothing about the cluster and must not be read as "no jobs".
     */
    private static JsonNode json(Result r) {
        JsonNode root;
        try {
            root = JSON.readTree(r.out);
        } catch (IOException e) {
            throw new SlurmException("Slurm's JSON could not be read: " + e.getMessage(), true);
        }
        JsonNode errors = root.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            JsonNode e = errors.get(0);
            throw new SlurmException("Slurm: " + e.path("description").asText("") + " (" + e.path("source").asText("")
                    + ": " + e.path("error").asText("") + ")" + (r.err.isEmpty() ? "" : "; " + r.err), true);
        }
        return root;
    }
}
