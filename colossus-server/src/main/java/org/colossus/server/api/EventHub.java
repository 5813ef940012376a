package org.colossus.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;

/**
 * Server-sent events: every committed job, contract and node change, as {@code event: <type>} with the entry as
 * data. The operator sees all of them; a tenant sees only entries about itself (its jobs and contracts). Credential
 * entries are never sent. Delivery runs on its own thread so a slow client never holds up the engine.
 */
final class EventHub implements AutoCloseable {
    private record Subscriber(SseClient client, Principal principal) {
    }

    /**
     * What a subscriber receives. {@code seq}, the journal's global sequence number, goes to the operator only (null,
     * so left out, for a tenant): the gaps in it would count every rival's submissions.
     */
    record Event(Long seq, String time, String type, String tenant, JsonNode data) {
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "colossus-sse");
        t.setDaemon(true);
        return t;
    });

    void subscribe(SseClient client, Principal principal) {
        Subscriber s = new Subscriber(client, principal);
        subscribers.add(s);
        client.onClose(() -> subscribers.remove(s));
        client.sendComment("connected as " + principal.actor());
        client.keepAlive();
    }

    int size() {
        return subscribers.size();
    }

    static boolean visible(Entry e, Principal p) {
        if (e.type().startsWith("tenant.") || e.type().startsWith("operator.") || e.type().equals("scheduler.pass")
                || e.type().startsWith("control-plane.")) {
            return false;
        }
        return p.operator() || p.tenant().equals(e.tenant());
    }

    void publish(List<Entry> entries) {
        if (subscribers.isEmpty()) {
            return;
        }
        sender.execute(() -> {
            for (Entry e : entries) {
                String forOperator = null;
                String forTenant = null;
                for (Subscriber s : subscribers) {
                    if (s.client.terminated() || !visible(e, s.principal)) {
                        continue;
                    }
                    boolean operator = s.principal.operator();
                    if (operator ? forOperator == null : forTenant == null) {
                        Event ev = new Event(operator ? e.seq() : null, java.time.Instant.ofEpochMilli(e.timeMillis())
                                .toString(), e.type(), e.tenant(), read(e.payload()));
                        String text = new String(RequestJson.write(ev), java.nio.charset.StandardCharsets.UTF_8);
                        if (operator) {
                            forOperator = text;
                        } else {
                            forTenant = text;
                        }
                    }
                    try {
                        if (operator) {
                            s.client.sendEvent(e.type(), forOperator, Long.toString(e.seq()));
                        } else {
                            s.client.sendEvent(e.type(), forTenant);
                        }
                    } catch (RuntimeException ex) {
                        subscribers.remove(s);
                    }
                }
            }
        });
    }

    private static JsonNode read(String json) {
        return Canonical.read(json, JsonNode.class);
    }

    @Override
    public void close() {
        for (Subscriber s : subscribers) {
            try {
                s.client.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        subscribers.clear();
        sender.shutdownNow();
    }

}
