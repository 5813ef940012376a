package org.colossus.server;

import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.colossus.server.error.ServerException;
import org.colossus.server.journal.Canonical;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.JournalStore;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;

/** Rebuilds the control-plane state from a store: the journal's first entry says which fleet and configuration. */
public final class Replay {
    private Replay() {
    }

    /** The definition the journal starts with, or null for an empty journal. */
    public static Payload.ControlPlaneDefined definition(JournalStore store) {
        var first = store.range(1, 1);
        if (first.isEmpty()) {
            return null;
        }
        Entry e = first.get(0);
        if (!e.type().equals("control-plane.defined")) {
            throw new ServerException("the journal does not start with control-plane.defined (entry 1 is " + e.type() + ")");
        }
        return Canonical.read(e.payload(), Payload.ControlPlaneDefined.class);
    }

    public static SchedulerConfig schedulerConfig(Payload.ControlPlaneDefined d) {
        return SchedulerConfig.of(QueuePolicy.parse(d.policy()), Placement.named(d.placement()), Isolation.parse(d.isolation()));
    }

    public static Fleet fleet(Payload.ControlPlaneDefined d, Catalog catalog) {
        return Fleets.resolve(d.fleet(), catalog);
    }

    /** A cold replay of the whole journal (no snapshot). */
    public static ControlState cold(JournalStore store, Catalog catalog) {
        Payload.ControlPlaneDefined d = definition(store);
        if (d == null) {
            throw new ServerException("the journal is empty");
        }
        ControlState s = new ControlState(fleet(d, catalog), schedulerConfig(d));
        store.readAfter(0, s::apply);
        return s;
    }

    /** A cold replay of the journal's first {@code lastSeq} entries. */
    public static ControlState cold(JournalStore store, Catalog catalog, long lastSeq) {
        Payload.ControlPlaneDefined d = definition(store);
        if (d == null) {
            throw new ServerException("the journal is empty");
        }
        ControlState s = new ControlState(fleet(d, catalog), schedulerConfig(d));
        store.readAfter(0, e -> {
            if (e.seq() <= lastSeq) {
                s.apply(e);
            }
        });
        return s;
    }

    /** Replays entries after the state's last one. */
    public static ControlState replayTail(JournalStore store, ControlState s) {
        store.readAfter(s.lastSeq(), s::apply);
        return s;
    }
}
