package org.colossus.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Servers started as processes ({@link ServerMain}), for the crash and high-availability tests. */
final class ServerProcesses {
    private ServerProcesses() {
    }

    private static final int TAIL_LINES = 200;
    private static final java.util.Map<Long, java.util.Deque<String>> TAILS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The last lines the process printed (its log), for a failing test's message. */
    static String tail(Process p) {
        java.util.Deque<String> t = TAILS.get(p.pid());
        return t == null ? "(no output kept)" : String.join("\n", t);
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
                java.util.Deque<String> tail = new java.util.concurrent.ConcurrentLinkedDeque<>();
                TAILS.put(p.pid(), tail);
                Thread drain = new Thread(() -> {
                    try {
                        String more;
                        while ((more = r.readLine()) != null) {
                            tail.addLast(more);
                            if (tail.size() > TAIL_LINES) {
                                tail.pollFirst();
                            }
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
