package org.colossus.server.engine;

import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FailureModel;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.server.dataplane.SimulatedFleet;
import org.colossus.server.journal.Store;
import org.colossus.server.state.ControlState;

/** An engine over a store, without an HTTP server: a simulated fleet, no failures, a fixed clock; not started. */
final class TestEngines {
    private TestEngines() {
    }

    static Engine unstarted(Store store, String fleetSpec) {
        Fleet fleet = Fleets.resolve(fleetSpec, Catalog.standard());
        ControlState state = new ControlState(fleet, SchedulerConfig.of(QueuePolicy.values()[0],
                Placement.named("topology"), Isolation.values()[0]));
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-01T00:00:00Z"));
        return new Engine(store, state, () -> state, new SimulatedFleet(fleet, FailureModel.OFF, new SplittableRandom(1)),
                new SimClock(clock, 1, clock.millis()), entries -> {
                });
    }
}
