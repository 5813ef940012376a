package org.colossus.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Servers started as processes ({@link ServerMain}), for the crash and high-availability tests. */
final class ServerProcesses {
    private ServerProcesses() {
    }

    /**
     * Reads the process's output until it says where it listens, then keeps draining it on a daemon thread (a full
     * pipe would block the server); returns the URL.
     */
    static String awaitListening(Process p, int seconds) throws java.io.IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while ((line = r.readLine()) != null && System.nanoTime() < deadline) {
            seen.append(line).append('\n');
            if (line.startsWith("listening on ")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (java.io.IOException ignored) {
                        // the process died
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return line.substring("listening on ".length()).trim();
            }
        }
        throw new AssertionError("server did not start:\n" + seen);
    }
}
