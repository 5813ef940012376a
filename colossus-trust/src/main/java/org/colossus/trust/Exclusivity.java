package org.colossus.trust;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tenant's check that nobody else held one of its nodes while it did, from its own node leaves (which it has
 * opened and proven with its entries) plus the few leaves they point at. Every node leaf names the node's previous
 * event ({@code prev}) and the jobs on the node after it ({@code holders}), so:
 * <ul>
 *   <li>while the tenant holds the node, the next event on it must be the tenant's own: its own leaf's {@code prev}
 *   must be its previous own leaf, and the node's first event after its last own leaf must not exist;</li>
 *   <li>each own leaf's count must follow from the leaf it names (+1 for a placement, -1 for a release);</li>
 *   <li>whenever the tenant holds the node, the count must equal its own jobs there: a placement onto a node that
 *   still held another job shows up as one holder too many.</li>
 * </ul>
 * The leaf before a holding period (foreign, or the tenant's own last one) is the only foreign fact relied on: its
 * count is signed into the log, and a lie in it contradicts the other holder's own chain.
 */
public final class Exclusivity {
    private Exclusivity() {
    }

    /** A node leaf with its index in the log. */
    public record Indexed(long index, AuditLeaf.Node leaf) {
    }

    /** Where an earlier check of this node stopped: the tenant's last leaf there, its count, and the tenant's jobs. */
    public record Start(long lastLeaf, int holders, int mine) {
    }

    /** What is wrong (empty if nothing), and where to continue next time (null once the tenant left the node). */
    public record Outcome(List<String> problems, Start next) {
    }

    /**
     * @param start  where the last check stopped, or null
     * @param own    the tenant's new leaves on this node, ascending
     * @param served leaves the log served by index (the leaves own leaves name, when not the tenant's own)
     * @param next   the node's first event after the tenant's last leaf there, if the log has one
     */
    public static Outcome check(int node, Start start, List<Indexed> own, Map<Long, AuditLeaf.Node> served, Indexed next) {
        List<String> problems = new ArrayList<>();
        int mine = start == null ? 0 : start.mine();
        long prevOwn = start == null ? Long.MIN_VALUE : start.lastLeaf();
        int prevOwnHolders = start == null ? 0 : start.holders();
        for (Indexed e : own) {
            AuditLeaf.Node n = e.leaf();
            if (n.node() != node) {
                problems.add("node " + node + ": your leaf " + e.index() + " is about node " + n.node());
                return new Outcome(problems, null);
            }
            int before;
            AuditLeaf.Node named = null;
            if (n.prev() == -1) {
                before = 0;
            } else if (n.prev() == prevOwn) {
                before = prevOwnHolders;
            } else {
                named = served.get(n.prev());
                if (named == null) {
                    problems.add("node " + node + ": the log did not serve leaf " + n.prev() + ", which your leaf "
                            + e.index() + " names as the node's previous event");
                    return new Outcome(problems, null);
                }
                if (named.node() != node) {
                    problems.add("node " + node + ": your leaf " + e.index() + " names leaf " + n.prev()
                            + " as the node's previous event, but that leaf is about node " + named.node());
                    return new Outcome(problems, null);
                }
                before = named.holders();
            }
            if (mine > 0 && n.prev() != prevOwn) {
                problems.add("node " + node + ": " + foreign(named, n.prev()) + " while you held it (between your leaves "
                        + prevOwn + " and " + e.index() + ")");
            }
            int step = n.event() == AuditLeaf.Event.PLACE ? 1 : -1;
            if (n.holders() != before + step) {
                problems.add("node " + node + ": the log is inconsistent at your leaf " + e.index() + ": a "
                        + (step > 0 ? "placement" : "release") + " takes the node from " + before + " to " + n.holders()
                        + " holders");
                return new Outcome(problems, null);
            }
            if (step > 0 && mine == 0 && before > 0) {
                problems.add("node " + node + ": you were placed on it at " + when(n, e.index()) + " while " + before
                        + " other job(s) still held it");
            }
            mine += step;
            if (mine < 0) {
                problems.add("node " + node + ": the log is inconsistent at your leaf " + e.index()
                        + ": a release of a job you did not hold there");
                return new Outcome(problems, null);
            }
            if (mine > 0 && n.holders() != mine && problems.isEmpty()) {
                problems.add("node " + node + ": at " + when(n, e.index()) + " it had " + n.holders() + " holders, only " + mine
                        + " of them yours");
            }
            prevOwn = e.index();
            prevOwnHolders = n.holders();
        }
        if (mine > 0 && next != null) {
            if (next.leaf().node() != node || next.index() <= prevOwn) {
                problems.add("node " + node + ": the log served leaf " + next.index() + " as the node's next event after "
                        + "your leaf " + prevOwn + ", but it is not");
            } else {
                problems.add("node " + node + ": " + foreign(next.leaf(), next.index()) + " while you held it");
            }
        }
        return new Outcome(problems, mine > 0 ? new Start(prevOwn, prevOwnHolders, mine) : null);
    }

    /** When and where an event happened, for a message (formatted only when one is written). */
    private static String when(AuditLeaf.Node n, long index) {
        return Instant.ofEpochMilli(n.timeMillis()) + " (leaf " + index + ", entry " + n.seq() + ")";
    }

    private static String foreign(AuditLeaf.Node n, long index) {
        if (n == null) {
            return "another event (leaf " + index + ") happened on it";
        }
        return "another holder was " + (n.event() == AuditLeaf.Event.PLACE ? "placed on" : "released from") + " it at "
                + when(n, index);
    }
}
