package org.colossus.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FairInboxTest {
    private record Item(String lane, int n) {
    }

    @Test
    void drainTo_floodAndOneRival_rivalServedSecond() {
        FairInbox<Item> inbox = new FairInbox<>();
        for (int i = 0; i < 5_000; i++) {
            inbox.add("tenant:flood", new Item("tenant:flood", i));
        }
        inbox.add("tenant:rival", new Item("tenant:rival", 0));
        List<Item> batch = new ArrayList<>();
        assertEquals(1024, inbox.drainTo(batch, 1024));
        assertEquals(new Item("tenant:flood", 0), batch.get(0));
        assertEquals(new Item("tenant:rival", 0), batch.get(1));
        assertEquals(new Item("tenant:flood", 1), batch.get(2));
        assertEquals(5_001 - 1024, inbox.size());
    }

    @Test
    void poll_empty_returnsNullAfterTimeout() throws InterruptedException {
        FairInbox<Item> inbox = new FairInbox<>();
        assertNull(inbox.poll(1, TimeUnit.MILLISECONDS));
        assertNull(inbox.poll());
        assertEquals(0, inbox.drainTo(new ArrayList<>(), 10));
    }

    /**
     * Over random arrivals and takes: every item comes out once, each lane in its own order, and while two lanes both
     * have work, neither is served more than one item ahead of the other.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void randomTraffic_eachItemOnceInLaneOrder_lanesServedInTurn(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FairInbox<Item> inbox = new FairInbox<>();
        String[] lanes = {"", "operator", "tenant:a", "tenant:b", "tenant:c"};
        Map<String, Integer> sent = new HashMap<>();
        Map<String, Integer> next = new HashMap<>();
        int out = 0;
        int in = 0;
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(3) > 0) {
                // tenant:a floods: half of all arrivals
                String lane = random.nextBoolean() ? "tenant:a" : lanes[random.nextInt(lanes.length)];
                int n = sent.merge(lane, 1, Integer::sum) - 1;
                inbox.add(lane, new Item(lane, n));
                in++;
            } else {
                List<Item> batch = new ArrayList<>();
                int max = 1 + random.nextInt(8);
                Map<String, Integer> waiting = new HashMap<>();
                for (String l : lanes) {
                    int w = sent.getOrDefault(l, 0) - next.getOrDefault(l, 0);
                    if (w > 0) {
                        waiting.put(l, w);
                    }
                }
                int taken = inbox.drainTo(batch, max);
                Map<String, Integer> perLane = new HashMap<>();
                for (Item it : batch) {
                    int expected = next.getOrDefault(it.lane(), 0);
                    assertEquals(expected, it.n(), "lane " + it.lane() + " out of order");
                    next.put(it.lane(), expected + 1);
                    perLane.merge(it.lane(), 1, Integer::sum);
                }
                // Round-robin: a lane that still had work got within one of any other lane's share.
                for (var a : perLane.entrySet()) {
                    for (var b : waiting.entrySet()) {
                        int bShare = perLane.getOrDefault(b.getKey(), 0);
                        if (bShare < b.getValue()) {
                            assertTrue(a.getValue() - bShare <= 1,
                                    "lane " + a.getKey() + " got " + a.getValue() + ", backlogged lane " + b.getKey()
                                            + " got " + bShare);
                        }
                    }
                }
                out += taken;
            }
        }
        List<Item> rest = new ArrayList<>();
        out += inbox.drainTo(rest, Integer.MAX_VALUE);
        for (Item it : rest) {
            int expected = next.getOrDefault(it.lane(), 0);
            assertEquals(expected, it.n());
            next.put(it.lane(), expected + 1);
        }
        assertEquals(in, out);
        assertEquals(0, inbox.size());
    }
}
