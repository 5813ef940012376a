package org.colossus.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.colossus.server.journal.JdbcStore;
import org.colossus.server.journal.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineFairnessTest {
    @TempDir
    Path dir;

    @Test
    void read_behindAFloodInAnotherLane_answeredInTheFirstBatch() throws Exception {
        try (Store store = JdbcStore.h2(dir)) {
            Engine engine = TestEngines.unstarted(store, "uniform:4x8");
            AtomicInteger floodAnswered = new AtomicInteger();
            List<CompletableFuture<Integer>> flood = new ArrayList<>();
            // Queued before the engine starts, so the whole flood is waiting when the rival asks.
            for (int i = 0; i < 5_000; i++) {
                flood.add(engine.read("tenant:flood", s -> floodAnswered.incrementAndGet()));
            }
            CompletableFuture<Integer> rival = engine.read("tenant:rival", s -> floodAnswered.get());
            engine.start();
            try {
                assertTrue(rival.get(30, TimeUnit.SECONDS) <= 1,
                        "the rival waited behind " + rival.get() + " of the flood's requests");
                for (CompletableFuture<Integer> f : flood) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertEquals(5_000, floodAnswered.get());
            } finally {
                engine.close();
            }
        }
    }
}
