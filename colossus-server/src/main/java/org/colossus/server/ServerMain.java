package org.colossus.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.colossus.fleet.FailureModel;

/**
 * A bare entry point for running the server without the CLI (crash tests start it as a separate process):
 * {@code --data-dir DIR [--db URL] [--port N] [--fleet F] [--speed S] [--failures on|off] [--ha NAME]} (a 2 s lease) {@code [--admission on|off]}
 * {@code [--slurm-conf FILE --slurm-job-dir DIR]} (the Slurm data plane, read every 200 ms).
 * Users run
 * {@code colossus serve}.
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerConfig c = ServerConfig.defaults().withListen("127.0.0.1", 0);
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            c = switch (args[i]) {
                case "--data-dir" -> c.withDataDir(Path.of(v));
                case "--db" -> c.withDb(v, null, null);
                case "--port" -> c.withListen(c.host(), Integer.parseInt(v));
                case "--fleet" -> c.withFleet(v);
                case "--speed" -> c.withSpeed(Double.parseDouble(v));
                case "--failures" -> c.withFailures(v.equals("on") ? FailureModel.DEFAULT : FailureModel.OFF);
                case "--slurm-conf" -> c.withSlurm(new ServerConfig.Slurm(null, Path.of(v), null,
                        c.slurm() == null ? null : c.slurm().jobDir(), 200));
                case "--slurm-job-dir" -> c.withSlurm(new ServerConfig.Slurm(null, c.slurm() == null ? null : c.slurm().conf(),
                        null, Path.of(v), 200));
                case "--ha" -> c.withHa(new ServerConfig.Ha(true, v, null, 2_000));
                case "--admission" -> c.withAdmission(v.equals("off") ? org.colossus.server.state.AdmissionPolicy.UNLIMITED
                        : org.colossus.server.state.AdmissionPolicy.DEFAULTS);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            };
        }
        ColossusServer server = ColossusServer.start(c, System.out);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            done.countDown();
        }));
        done.await();
    }
}
