package org.colossus.trust;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tenant's check that nobody else held one of its nodes while it did, from the node's chained history in the log
 * (each node leaf names the previous event on its node, so the listing cannot skip one). The operator cannot hide a
 * co-located job: its placement or the count of holders on the tenant's own events gives it away.
 */
public final class Exclusivity {
    private Exclusivity() {
    }

    /** A node leaf with its index in the log. */
    public record Indexed(long index, AuditLeaf.Node leaf) {
    }

    /**
     * @param chain the node's events from the one before the tenant's first (or the tenant's first, if the node had
     *              no earlier event) to the tenant's last, in log order
     * @param own   the leaf indices of the tenant's own events on this node (from its own, opened entries)
     * @return what is wrong, one line each; empty if the tenant held the node alone whenever it held it
     */
    public static List<String> check(int node, List<Indexed> chain, Set<Long> own) {
        return check(node, chain, own, 0);
    }

    /**
     * As {@link #check(int, List, Set)}, where the chain may start at an event checked before (then not in
     * {@code own}) after which the tenant held the node {@code mineAtStart} times.
     */
    public static List<String> check(int node, List<Indexed> chain, Set<Long> own, int mineAtStart) {
        List<String> problems = new ArrayList<>();
        if (own.isEmpty() && mineAtStart == 0) {
            return problems;
        }
        if (chain.isEmpty()) {
            problems.add("node " + node + ": the log lists no events although you hold " + own.size());
            return problems;
        }
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < chain.size(); i++) {
            Indexed e = chain.get(i);
            seen.add(e.index());
            if (e.leaf().node() != node) {
                problems.add("node " + node + ": leaf " + e.index() + " is about node " + e.leaf().node());
                return problems;
            }
            if (i > 0 && e.leaf().prev() != chain.get(i - 1).index()) {
                problems.add("node " + node + ": the history is broken at leaf " + e.index() + ": it names leaf "
                        + e.leaf().prev() + " as the node's previous event, but the log listed leaf " + chain.get(i - 1).index());
                return problems;
            }
        }
        for (long o : own) {
            if (!seen.contains(o)) {
                problems.add("node " + node + ": your event at leaf " + o + " is not in the node's history the log "
                        + "serves: the history was forked");
                return problems;
            }
        }
        int from;
        int holders;
        if (own.contains(chain.get(0).index())) {
            if (chain.get(0).leaf().prev() != -1) {
                problems.add("node " + node + ": the history starts at your leaf " + chain.get(0).index()
                        + " but that leaf names an earlier event " + chain.get(0).leaf().prev());
                return problems;
            }
            from = 0;
            holders = 0;
        } else {
            from = 1;
            holders = chain.get(0).leaf().holders();
        }
        int mine = from == 1 ? mineAtStart : 0;
        for (int i = from; i < chain.size(); i++) {
            Indexed e = chain.get(i);
            AuditLeaf.Node n = e.leaf();
            boolean isMine = own.contains(e.index());
            int before = holders;
            int minesBefore = mine;
            int step = n.event() == AuditLeaf.Event.PLACE ? 1 : -1;
            if (n.holders() != before + step) {
                problems.add("node " + node + ": the log is inconsistent at leaf " + e.index() + ": a " + word(n)
                        + " takes the node from " + before + " to " + n.holders() + " holders");
                return problems;
            }
            holders = n.holders();
            if (isMine) {
                mine += step;
            }
            if (mine < 0 || holders < mine) {
                problems.add("node " + node + ": the log is inconsistent at leaf " + e.index() + ": " + holders
                        + " holders but " + mine + " of your jobs");
                return problems;
            }
            if (mine > 0 && holders > mine) {
                String when = Instant.ofEpochMilli(n.timeMillis()) + " (leaf " + e.index() + ", entry " + n.seq() + ")";
                if (!isMine && n.event() == AuditLeaf.Event.PLACE) {
                    problems.add("node " + node + ": another holder was placed on it at " + when + " while you held it");
                } else if (isMine && n.event() == AuditLeaf.Event.PLACE && minesBefore < before) {
                    problems.add("node " + node + ": you were placed on it at " + when + " while " + (before - minesBefore)
                            + " other job(s) still held it");
                } else {
                    problems.add("node " + node + ": at " + when + " it had " + holders + " holders, only " + mine
                            + " of them yours");
                }
            }
        }
        return problems;
    }

    private static String word(AuditLeaf.Node n) {
        return n.event() == AuditLeaf.Event.PLACE ? "placement" : "release";
    }
}
