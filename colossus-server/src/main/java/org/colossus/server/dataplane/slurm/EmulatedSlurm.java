package org.colossus.server.dataplane.slurm;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.colossus.server.error.ServerException;

/**
 * A real Slurm 22.05 cluster on one machine, for tests, benchmarks and trying the data plane: one {@code slurmctld}
 * and one {@code slurmd -N} per emulated 8-GPU node (GPU GRES backed by {@code mknod} device files), a two-level
 * {@code topology.conf}, the job completion log in a file. Everything lives in one directory; the daemons are child
 * processes of this JVM. Needs Debian's slurmctld, slurmd, slurm-client and munge, and root (slurmd starts jobs).
 * Facts behind the configuration: docs/slurm.md.
 */
public final class EmulatedSlurm implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    private final List<String> nodes;
    private final String host;
    private Process controller;
    private final List<Process> daemons = new ArrayList<>();

    private EmulatedSlurm(Path dir, List<String> nodes, String host) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
        this.nodes = nodes;
        this.host = host;
    }

    /** Why a cluster cannot be started here (a missing program, not root), or empty if it can. */
    public static Optional<String> unavailable() {
        for (String p : List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue",
                "/usr/sbin/munged")) {
            if (!Files.isExecutable(Path.of(p))) {
                return Optional.of(p + " is not installed (apt-get install slurmctld slurmd slurm-client munge)");
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("slurmd must run as root to start jobs; this JVM runs as " + System.getProperty("user.name"));
        }
        return Optional.empty();
    }

    /**
     * Starts {@code nodeCount} nodes {@code gpu01...} of 8 H100 GPUs, {@code leafSize} to a leaf switch under one
     * spine, and waits until every node is idle.
     */
    public static EmulatedSlurm start(Path dir, int nodeCount, int leafSize) {
        return start(dir, nodeCount, leafSize, DEFAULT_SCHEDULER_PARAMETERS);
    }

    /** The tests' scheduler settings: a main scheduler at most every 0.1 s, a backfill pass every 5 s. */
    public static final String DEFAULT_SCHEDULER_PARAMETERS = "sched_min_interval=100000,bf_interval=5";

    /** As {@link #start(Path, int, int)}, with slurm.conf's {@code SchedulerParameters} (backfill interval, ...). */
    public static EmulatedSlurm start(Path dir, int nodeCount, int leafSize, String schedulerParameters) {
        unavailable().ifPresent(why -> {
            throw new ServerException("cannot start Slurm: " + why);
        });
        try {
            Files.createDirectories(dir);
            String host = run(List.of("hostname", "-s")).trim();
            List<String> nodes = new ArrayList<>();
            for (int i = 1; i <= nodeCount; i++) {
                nodes.add(String.format(Locale.ROOT, "gpu%02d", i));
            }
            EmulatedSlurm s = new EmulatedSlurm(dir, nodes, host);
            s.configure(leafSize, schedulerParameters);
            startMunge();
            s.startController(true);
            for (String n : nodes) {
                s.daemons.add(new ProcessBuilder("/usr/sbin/slurmd", "-D", "-N", n, "-f", s.conf.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("log/slurmd-" + n + ".out").toFile())
                        .start());
            }
            s.awaitIdle(90);
            return s;
        } catch (IOException e) {
            throw new ServerException("cannot start Slurm in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void configure(int leafSize, String schedulerParameters) throws IOException {
        Path dev = dir.resolve("dev");
        Files.createDirectories(dev);
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("spool"));
        for (int i = 0; i < 8; i++) {
            Path d = dev.resolve("nvidia" + i);
            if (!Files.exists(d)) {
                run(List.of("mknod", d.toString(), "c", "195", String.valueOf(i)));
            }
        }
        int ctlPort = freePort(1);
        int nodePort = freePort(nodes.size());
        String range = "gpu[01-" + String.format(Locale.ROOT, "%02d", nodes.size()) + "]";
        String d = dir.toAbsolutePath().toString();
        String slurmConf = String.join("\n",
                "ClusterName=colossus" + ctlPort,
                "SlurmctldHost=" + host + "(127.0.0.1)",
                "SlurmctldPort=" + ctlPort,
                "AuthType=auth/munge",
                "SlurmUser=root",
                "SlurmdUser=root",
                "StateSaveLocation=" + d + "/state",
                "SlurmdSpoolDir=" + d + "/spool/%n",
                "SlurmctldPidFile=" + d + "/slurmctld.pid",
                "SlurmdPidFile=" + d + "/slurmd-%n.pid",
                "SlurmctldLogFile=" + d + "/log/slurmctld.log",
                "SlurmdLogFile=" + d + "/log/slurmd-%n.log",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core_Memory",
                "SlurmdParameters=config_overrides",
                "GresTypes=gpu",
                "ReturnToService=1",
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "TopologyPlugin=topology/tree",
                "MpiDefault=none",
                "SchedulerParameters=" + schedulerParameters,
                "MinJobAge=3600",
                "EnforcePartLimits=ALL",
                "KillWait=5",
                "JobCompType=jobcomp/filetxt",
                "JobCompLoc=" + d + "/log/jobcomp.txt",
                "NodeName=" + range + " NodeHostname=" + host + " NodeAddr=127.0.0.1 Port=[" + nodePort + "-"
                        + (nodePort + nodes.size() - 1) + "] CPUs=32 RealMemory=64000 Gres=gpu:h100:8",
                "PartitionName=colossus Nodes=" + range + " Default=YES MaxTime=1-00:00:00 State=UP",
                "");
        Files.writeString(conf, slurmConf);
        Files.writeString(dir.resolve("gres.conf"), "NodeName=" + range + " Name=gpu Type=h100 File=" + d
                + "/dev/nvidia[0-7]\n");
        StringBuilder topo = new StringBuilder();
        List<String> leaves = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i += leafSize) {
            String leaf = "leaf" + (leaves.size() + 1);
            leaves.add(leaf);
            topo.append("SwitchName=").append(leaf).append(" Nodes=")
                    .append(String.join(",", nodes.subList(i, Math.min(nodes.size(), i + leafSize)))).append('\n');
        }
        topo.append("SwitchName=spine Switches=").append(String.join(",", leaves)).append('\n');
        Files.writeString(dir.resolve("topology.conf"), topo.toString());
    }

    /** A free block of {@code count} consecutive ports (slurmd ports must be a range). */
    private static int freePort(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + (int) (Math.random() * 30_000);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                try (ServerSocket s = new ServerSocket(p)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no block of " + count + " free ports");
    }

    private static void startMunge() throws IOException {
        if (new ProcessBuilder("sh", "-c", "munge -n | unmunge >/dev/null 2>&1").start().onExit().join().exitValue() == 0) {
            return;
        }
        run(List.of("sh", "-c", "mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge"));
        run(List.of("runuser", "-u", "munge", "--", "/usr/sbin/munged"));
    }

    /** Starts the controller ({@code clean}: forget any saved state). */
    public void startController(boolean clean) {
        if (controller != null && controller.isAlive()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("/usr/sbin/slurmctld", "-D", "-f", conf.toString()));
        if (clean) {
            argv.add("-i");
        }
        try {
            controller = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/slurmctld.out").toFile())).start();
        } catch (IOException e) {
            throw new ServerException("cannot start slurmctld: " + e.getMessage(), e);
        }
    }

    /** Stops the controller (the nodes and their jobs go on); {@link #startController} brings it back. */
    public void stopController() {
        if (controller != null) {
            controller.destroy();
            try {
                controller.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void awaitIdle(int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                List<Slurm.Node> ns = commands().nodes();
                long idle = ns.stream().filter(n -> n.state().equals("idle") && n.flags().isEmpty()).count();
                if (idle == nodes.size()) {
                    return;
                }
                last = ns.stream().map(n -> n.name() + "=" + n.state() + n.flags()).toList().toString();
            } catch (SlurmException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new ServerException("Slurm's nodes not idle after " + seconds + " s: " + last);
    }

    public Path conf() {
        return conf;
    }

    public Path dir() {
        return dir;
    }

    public List<String> nodes() {
        return nodes;
    }

    public SlurmCommands commands() {
        return new SlurmCommands(null, conf, null);
    }

    /** Runs a Slurm command against this cluster (scontrol, sbatch, ...) and returns what it printed. */
    public String command(String... argv) {
        List<String> cmd = new ArrayList<>(List.of(argv));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("SLURM_CONF", conf.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new ServerException(String.join(" ", argv) + ": " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new ServerException(argv[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerException(argv[0] + ": interrupted");
        }
    }

    /** A finished job as the job completion log recorded it (Slurm's account, not Colossus's). */
    public record Completion(String jobId, String name, String state, List<String> nodes, String submit, String start,
                             String end, String exitCode) {
    }

    /** Every line of the job completion log so far. */
    public List<Completion> completions() {
        Path log = dir.resolve("log/jobcomp.txt");
        List<Completion> out = new ArrayList<>();
        try {
            if (!Files.exists(log)) {
                return out;
            }
            for (String line : Files.readAllLines(log)) {
                Map<String, String> kv = new LinkedHashMap<>();
                for (String part : line.split(" ")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        kv.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                }
                out.add(new Completion(kv.get("JobId"), kv.get("Name"), kv.get("JobState"),
                        Hostlist.expand(kv.get("NodeList")), kv.get("SubmitTime"), kv.get("StartTime"), kv.get("EndTime"),
                        kv.get("ExitCode")));
            }
        } catch (IOException e) {
            throw new ServerException(log + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A fleet file for this cluster, as {@code colossus fleet import slurm} writes it. */
    public String fleetYaml(String name) {
        return SlurmFleetImport.fleetYaml(commands(), org.colossus.fleet.Catalog.standard(),
                new SlurmFleetImport.Options(name, null, Map.of(), 1.3));
    }

    /** Cancels every job, stops every daemon. */
    @Override
    public void close() {
        try {
            if (controller != null && controller.isAlive()) {
                command("scancel", "--full", "--partition=colossus");
                Thread.sleep(500);
            }
        } catch (RuntimeException | InterruptedException ignored) {
            // shutting down regardless
        }
        for (Process p : daemons) {
            p.destroy();
        }
        stopController();
        for (Process p : daemons) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", argv) + ": " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return out;
    }
}
