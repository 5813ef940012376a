package org.colossus.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.colossus.fleet.FailureModel;
import org.colossus.scheduler.JobClass;
import org.colossus.server.ColossusServer;
import org.colossus.server.ServerConfig;
import org.colossus.server.engine.Commands;
import org.colossus.server.state.AdmissionPolicy;

/**
 * Cold-start benchmark: fills a data directory's journal with at least N entries of realistic traffic (submissions
 * of 4 tenants, placements, checkpoints, completions, node failures on colossus2 at speed 3600), stops, then starts
 * a server on it and reports how long the replay took until it was ready.
 *
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.JournalFill DIR [ENTRIES=1000000] [--db URL] [--crash]</pre>
 * With an existing journal of at least ENTRIES, only the start-up is measured. {@code --crash} halts the JVM after
 * filling (no final snapshot), so that the next run measures a start from the last periodic snapshot plus the tail.
 */
public final class JournalFill {
    private JournalFill() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long target = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        String db = null;
        boolean crash = false;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--db")) {
                db = args[++i];
            } else if (args[i].equals("--crash")) {
                crash = true;
            }
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        ServerConfig config = ServerConfig.defaults().withAdmission(AdmissionPolicy.UNLIMITED).withDataDir(dir)
                .withListen("127.0.0.1", 0).withFleet("colossus2")
                .withSpeed(3600).withFailures(FailureModel.DEFAULT);
        if (db != null) {
            config = config.withDb(db, null, null);
        }
        long t0 = System.nanoTime();
        ColossusServer filling = ColossusServer.start(config, quiet);
        if (filling.engine().committedSeq() < target) {
            fill(filling, target);
            System.out.printf(Locale.ROOT, "filled %d entries in %.1f s%n", filling.engine().committedSeq(),
                    (System.nanoTime() - t0) / 1e9);
            if (crash) {
                // As if killed: no final snapshot, the last periodic one is up to 100,000 entries behind.
                Thread.sleep(3000); // let the periodic snapshot writer finish what it started
                Runtime.getRuntime().halt(0);
            }
        }
        filling.close();
        for (int i = 0; i < 3; i++) {
            long s0 = System.nanoTime();
            try (ColossusServer server = ColossusServer.start(config, quiet)) {
                double readySeconds = (System.nanoTime() - s0) / 1e9;
                System.out.printf(Locale.ROOT, "cold start %d: %d entries replayed in %d ms; ready (listening) after %.2f s%n",
                        i + 1, server.replayedEntries(), server.replayMillis(), readySeconds);
            }
        }
    }

    private static void fill(ColossusServer server, long target) throws Exception {
        var engine = server.engine();
        String[] tenants = {"aurora-labs", "basilisk-ai", "cobalt-research", "dorado-ml"};
        String gpu = engine.read(s -> s.gpuModels().iterator().next()).get();
        long now = engine.now();
        for (String t : tenants) {
            if (engine.read(s -> s.hasTenant(t)).get()) {
                continue;
            }
            engine.submit(Commands.createTenant(t, Long.toHexString(t.hashCode() & 0xffffffffL) + "00000000",
                    "00", "00", t.hashCode())).get();
            for (JobClass c : JobClass.values()) {
                engine.submit(Commands.signContract(new Commands.ContractRequest(t, c, gpu,
                        c == JobClass.RESERVED ? 18_432 : 110_592, now - 1000,
                        now + 10L * 365 * 86400 * 1000, new BigDecimal("2.50")))).get();
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
        int[] sizes = {4, 8, 16, 72, 144, 576, 1152};
        long n = 0;
        while (engine.committedSeq() < target) {
            String t = tenants[random.nextInt(tenants.length)];
            JobClass c = JobClass.values()[random.nextInt(3)];
            int gpus = sizes[random.nextInt(sizes.length)];
            inFlight.add(engine.submit(Commands.submitJob(t, new Commands.JobRequest("job-" + n++, gpu, gpus, c,
                    random.nextInt(10), false, 0, false, 1000L * (600 + random.nextInt(4 * 3600)), null, null, null, false))));
            if (inFlight.size() >= 2048) {
                inFlight.poll().get();
            }
            if (n % 4096 == 0) {
                Thread.sleep(50); // let simulated time pass: jobs finish, nodes fail
            }
        }
        for (CompletableFuture<?> f : inFlight) {
            f.get();
        }
    }
}
