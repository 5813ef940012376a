package org.colossus.server.engine;

import java.util.List;
import org.colossus.server.journal.Entry;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;

/**
 * A request to change the state. {@link #decide} validates it against the current state and returns the entries to
 * journal (throwing {@link org.colossus.server.error.Problem} if it is refused; nothing changes then); {@link #result}
 * builds the reply once they are committed.
 */
public interface Command<R> {
    List<Draft> decide(ControlState state, long nowMillis);

    R result(ControlState state, List<Entry> committed);

    /** An entry before it has a sequence number and a time. */
    record Draft(Payload payload, String actor, String tenant) {
    }
}
