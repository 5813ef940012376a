package org.colossus.cli;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The small JDK HTTP servers the CLI runs (witness, key broker): started so that slow or idle clients cannot starve
 * the others, and the reply side they share.
 *
 * <p>The JDK server reads a request's line and headers on its executor, so a fixed pool of four threads was held by
 * four sockets that sent half a request and waited (a security review's finding). Here every exchange runs on its own
 * virtual thread, a request must arrive within {@link #MAX_REQUEST_SECONDS} and a response leave within
 * {@link #MAX_RESPONSE_SECONDS} (the JDK closes the connection otherwise), and one client address may have at most
 * {@link #MAX_EXCHANGES_PER_CLIENT} requests in progress at once (429 beyond that).
 */
final class JdkHttp {
    static final int MAX_REQUEST_SECONDS = 10;
    static final int MAX_RESPONSE_SECONDS = 30;
    static final int MAX_EXCHANGES_PER_CLIENT = 16;
    static final int MAX_CONNECTIONS = 4096;

    private JdkHttp() {
    }

    /**
     * A started server with {@code handler} at {@code path}. The limits are JDK system properties read once per
     * process, when its first HTTP server starts; values already set (e.g. on the command line) are kept.
     */
    static HttpServer start(String host, int port, String path, HttpHandler handler, String threadName) throws IOException {
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
        System.getProperties().putIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.createContext(path, handler).getFilters().add(new PerClientLimit());
        http.setExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadName + "-", 0).factory()));
        http.start();
        return http;
    }

    /** At most {@link #MAX_EXCHANGES_PER_CLIENT} requests of one client address in progress at once. */
    private static final class PerClientLimit extends Filter {
        private final ConcurrentHashMap<InetAddress, AtomicInteger> inProgress = new ConcurrentHashMap<>();

        @Override
        public void doFilter(HttpExchange ex, Chain chain) throws IOException {
            InetAddress client = ex.getRemoteAddress().getAddress();
            AtomicInteger n = inProgress.computeIfAbsent(client, k -> new AtomicInteger());
            try {
                if (n.incrementAndGet() > MAX_EXCHANGES_PER_CLIENT) {
                    try (ex) {
                        ex.getResponseHeaders().set("Retry-After", "1");
                        reply(ex, 429, "application/problem+json", "{\"title\":\"TooManyRequests\",\"status\":429,"
                                + "\"detail\":\"more than " + MAX_EXCHANGES_PER_CLIENT + " requests of this client in"
                                + " progress\"}");
                    }
                    return;
                }
                chain.doFilter(ex);
            } finally {
                if (n.decrementAndGet() == 0) {
                    inProgress.remove(client, n);
                }
            }
        }

        @Override
        public String description() {
            return "at most " + MAX_EXCHANGES_PER_CLIENT + " requests in progress per client";
        }
    }

    static void reply(HttpExchange ex, int status, String contentType, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
