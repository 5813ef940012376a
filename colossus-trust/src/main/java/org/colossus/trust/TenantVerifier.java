package org.colossus.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code colossus audit verify} checks for one tenant, independent of HTTP: the latest checkpoint's signature
 * under the pinned log key, its consistency with the checkpoint seen before (kept in a {@link State}), the inclusion
 * of every own entry since then (each opened: its body and its node leaves' holder commitments), and the exclusivity
 * of every node the tenant held. Every failure is named; nothing is trusted that the proofs do not show.
 */
public final class TenantVerifier {
    /** What the log serves (the server's audit endpoints, or a test double playing a dishonest operator). */
    public interface Log {
        String checkpoint();

        List<byte[]> consistencyProof(long from, long to);

        List<byte[]> inclusionProof(long index, long size);

        EntryPage entries(long afterSeq, long treeSize);

        NodePage nodeHistory(int node, long fromLeaf, long toLeaf, long treeSize);
    }

    public record IndexedText(long index, String text) {
    }

    public record OwnEntry(long seq, long index, String canonical, byte[] opening, List<IndexedText> nodeLeaves) {
    }

    public record EntryPage(long treeSize, List<OwnEntry> items, Long next, List<byte[]> proof) {
    }

    public record NodePage(long treeSize, List<IndexedText> items, Long next, List<byte[]> proof) {
    }

    /** Per node the tenant still held at the last check: the last event checked, the holders then, its own jobs. */
    public record NodeState(long lastLeaf, int mine) {
    }

    /** What the verifier remembers between runs. */
    public record State(String key, long size, byte[] root, long seq, Map<Integer, NodeState> nodes) {
        public State {
            nodes = Map.copyOf(nodes);
        }

        private static final String HEADER = "colossus-audit-verifier/v1";

        public String encode() {
            StringBuilder b = new StringBuilder(HEADER).append('\n');
            b.append("key ").append(key).append('\n');
            b.append("size ").append(size).append('\n');
            b.append("root ").append(Base64.getEncoder().encodeToString(root)).append('\n');
            b.append("seq ").append(seq).append('\n');
            new TreeMap<>(nodes).forEach((n, s) -> b.append("node ").append(n).append(' ').append(s.lastLeaf())
                    .append(' ').append(s.mine()).append('\n'));
            return b.toString();
        }

        public static State parse(String text) {
            String[] lines = text.split("\n");
            if (lines.length < 5 || !lines[0].equals(HEADER)) {
                throw new TrustException("not a " + HEADER + " state file");
            }
            try {
                String key = field(lines[1], "key");
                long size = Long.parseLong(field(lines[2], "size"));
                byte[] root = Base64.getDecoder().decode(field(lines[3], "root"));
                long seq = Long.parseLong(field(lines[4], "seq"));
                Map<Integer, NodeState> nodes = new LinkedHashMap<>();
                for (int i = 5; i < lines.length; i++) {
                    String[] f = field(lines[i], "node").split(" ");
                    nodes.put(Integer.parseInt(f[0]), new NodeState(Long.parseLong(f[1]), Integer.parseInt(f[2])));
                }
                return new State(key, size, root, seq, nodes);
            } catch (RuntimeException e) {
                throw new TrustException("state file: " + e.getMessage());
            }
        }

        private static String field(String line, String name) {
            if (!line.startsWith(name + " ")) {
                throw new TrustException("expected a '" + name + "' line, got '" + line + "'");
            }
            return line.substring(name.length() + 1);
        }
    }

    /** The verdict: evidence lines, failures (empty if all passed), and the state to keep if it passed. */
    /** @param note the signed checkpoint as served (for witnesses), or null if none was read */
    public record Report(List<String> evidence, List<String> failures, State next, Checkpoint checkpoint, String note) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private static final Pattern TAIL = Pattern.compile(
            ",\"seq\":(\\d+),\"tenant\":(\"(?:[^\"\\\\]|\\\\.)*\"|null),\"time\":(-?\\d+),\"type\":\"([^\"\\\\]*)\"}$");
    private static final Pattern NODES = Pattern.compile("\"nodes\":\\[([0-9,]*)]");

    private final Log log;
    private final NoteKey.Verifier key;
    private final String tenant;

    public TenantVerifier(Log log, NoteKey.Verifier key, String tenant) {
        this.log = log;
        this.key = key;
        this.tenant = tenant;
    }

    /** Runs every check; {@code previous} is null on the first run. Never throws for what the log serves. */
    public Report verify(State previous) {
        List<String> evidence = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Checkpoint cp;
        String noteText = null;
        SignedNote note;
        try {
            noteText = log.checkpoint();
            note = SignedNote.parse(noteText);
            cp = Checkpoint.parse(note.text());
        } catch (TrustException e) {
            failures.add("checkpoint: " + e.getMessage());
            return new Report(evidence, failures, null, null, noteText);
        }
        try {
            note.verify(key);
        } catch (TrustException e) {
            failures.add("checkpoint: no valid signature by the pinned log key " + key.name() + "+"
                    + String.format("%08x", key.keyId()) + " (forged, or signed with another key): " + e.getMessage());
            return new Report(evidence, failures, null, cp, noteText);
        }
        if (!cp.origin().equals(key.name())) {
            failures.add("checkpoint: origin '" + cp.origin() + "' is not the pinned log '" + key.name() + "'");
            return new Report(evidence, failures, null, cp, noteText);
        }
        evidence.add("checkpoint: " + cp.origin() + " size " + cp.size() + " root "
                + Base64.getEncoder().encodeToString(cp.root()) + ", signature valid under the pinned key");
        if (previous != null) {
            if (!previous.key().equals(key.encode())) {
                failures.add("state: it was kept for log key " + previous.key() + ", not the pinned " + key.encode());
                return new Report(evidence, failures, null, cp, noteText);
            }
            if (cp.size() < previous.size()) {
                failures.add("rollback: the log now has " + cp.size() + " leaves, fewer than the " + previous.size()
                        + " of the checkpoint you verified before");
                return new Report(evidence, failures, null, cp, noteText);
            }
            if (cp.size() == previous.size()) {
                if (!Arrays.equals(cp.root(), previous.root())) {
                    failures.add("split view: the log shows a different tree of the same size " + cp.size()
                            + " than the checkpoint you verified before");
                    return new Report(evidence, failures, null, cp, noteText);
                }
                evidence.add("consistency: same tree as the checkpoint verified before (size " + cp.size() + ")");
            } else {
                try {
                    ProofVerifier.verifyConsistency(previous.size(), cp.size(),
                            log.consistencyProof(previous.size(), cp.size()), previous.root(), cp.root());
                    evidence.add("consistency: size " + previous.size() + " -> " + cp.size() + " proven append-only");
                } catch (TrustException e) {
                    failures.add("consistency: the log of size " + cp.size() + " does not extend the one of size "
                            + previous.size() + " you verified before (rewritten, truncated and regrown, or forked): "
                            + e.getMessage());
                    return new Report(evidence, failures, null, cp, noteText);
                }
            }
        }
        long lastSeq = previous == null ? 0 : previous.seq();
        Map<Integer, NodeState> nodeStates = new TreeMap<>(previous == null ? Map.of() : previous.nodes());
        // Own node events since the last run, by node.
        Map<Integer, List<Long>> ownByNode = new TreeMap<>();
        int entries = 0;
        long after = lastSeq;
        try {
            while (true) {
                EntryPage page = log.entries(after, cp.size());
                if (page.treeSize() != cp.size()) {
                    failures.add("entries: served against tree size " + page.treeSize() + ", not " + cp.size());
                    return new Report(evidence, failures, null, cp, noteText);
                }
                List<Long> indices = new ArrayList<>();
                List<byte[]> hashes = new ArrayList<>();
                Map<Long, OwnEntry> byIndex = new LinkedHashMap<>();
                for (OwnEntry e : page.items()) {
                    String problem = checkEntry(e, after, ownByNode, indices, hashes);
                    if (problem != null) {
                        failures.add("entry " + e.seq() + ": " + problem);
                    }
                    byIndex.put(e.index(), e);
                    after = e.seq();
                }
                entries += page.items().size();
                if (!indices.isEmpty() && failures.isEmpty()) {
                    long[] idx = indices.stream().mapToLong(Long::longValue).toArray();
                    byte[] root;
                    try {
                        root = ProofVerifier.rootFromMultiProof(cp.size(), idx, hashes, page.proof());
                    } catch (TrustException ex) {
                        root = null;
                    }
                    if (root == null || !Arrays.equals(root, cp.root())) {
                        failures.addAll(locate(byIndex, cp));
                    }
                }
                if (!failures.isEmpty()) {
                    return new Report(evidence, failures, null, cp, noteText);
                }
                if (page.next() == null) {
                    break;
                }
                after = page.next();
            }
        } catch (TrustException e) {
            failures.add("entries: " + e.getMessage());
            return new Report(evidence, failures, null, cp, noteText);
        }
        evidence.add("inclusion: " + entries + " own entr" + (entries == 1 ? "y" : "ies") + " after entry " + lastSeq
                + " opened and proven in the tree of size " + cp.size());
        Set<Integer> nodes = new java.util.TreeSet<>(ownByNode.keySet());
        nodes.addAll(nodeStates.keySet());
        int checked = 0;
        for (int node : nodes) {
            try {
                String problem = checkNode(node, ownByNode.getOrDefault(node, List.of()), nodeStates, cp);
                if (problem != null) {
                    failures.add(problem);
                }
                checked++;
            } catch (TrustException e) {
                failures.add("node " + node + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            return new Report(evidence, failures, null, cp, noteText);
        }
        long held = nodeStates.values().stream().filter(s -> s.mine() > 0).count();
        evidence.add("exclusivity: " + checked + " node" + (checked == 1 ? "" : "s") + " held since the last check,"
                + " nobody else on any of them while you held it" + (held > 0 ? " (" + held + " still held)" : ""));
        Map<Integer, NodeState> keep = new TreeMap<>();
        nodeStates.forEach((n, s) -> {
            if (s.mine() > 0) {
                keep.put(n, s);
            }
        });
        return new Report(evidence, failures, new State(key.encode(), cp.size(), cp.root(), after, keep), cp, noteText);
    }

    /** Checks one own entry and collects its leaves; returns what is wrong, or null. */
    private String checkEntry(OwnEntry e, long after, Map<Integer, List<Long>> ownByNode, List<Long> indices,
                              List<byte[]> hashes) {
        if (e.seq() <= after) {
            return "served out of order (after entry " + after + ")";
        }
        Matcher m = TAIL.matcher(e.canonical());
        if (!m.find()) {
            return "not a canonical journal entry";
        }
        if (Long.parseLong(m.group(1)) != e.seq()) {
            return "its text says entry " + m.group(1);
        }
        if (!m.group(2).equals("\"" + tenant + "\"")) {
            return "it concerns " + m.group(2) + ", not you";
        }
        String type = m.group(4);
        long time = Long.parseLong(m.group(3));
        indices.add(e.index());
        hashes.add(Hashes.leaf(AuditLeaf.entry(e.opening(), e.canonical().getBytes(StandardCharsets.UTF_8))));
        long expect = e.index() + 1;
        List<Integer> nodes = new ArrayList<>();
        for (IndexedText t : e.nodeLeaves()) {
            if (t.index() != expect++) {
                return "its node leaves do not follow its entry leaf " + e.index();
            }
            AuditLeaf.Node n = AuditLeaf.Node.parse(t.text());
            if (n.seq() != e.seq() || n.timeMillis() != time) {
                return "node leaf " + t.index() + " belongs to entry " + n.seq();
            }
            if (!n.opensTo(tenant, e.opening())) {
                return "node leaf " + t.index() + " (node " + n.node() + ") does not commit to you as its holder";
            }
            AuditLeaf.Event want = type.equals("job.placed") ? AuditLeaf.Event.PLACE : AuditLeaf.Event.RELEASE;
            if (n.event() != want) {
                return "node leaf " + t.index() + " says " + n.event() + " for a " + type;
            }
            nodes.add(n.node());
            ownByNode.computeIfAbsent(n.node(), k -> new ArrayList<>()).add(t.index());
            indices.add(t.index());
            hashes.add(n.leafHash());
        }
        if (type.equals("job.placed")) {
            Matcher nm = NODES.matcher(e.canonical());
            List<Integer> placed = new ArrayList<>();
            if (nm.find() && !nm.group(1).isEmpty()) {
                for (String s : nm.group(1).split(",")) {
                    if (!placed.contains(Integer.parseInt(s))) {
                        placed.add(Integer.parseInt(s));
                    }
                }
            }
            placed.sort(null);
            if (!placed.equals(nodes)) {
                return "the placement names nodes " + placed + " but its node leaves " + nodes;
            }
        }
        return null;
    }

    /** Names the entries of a page whose proof failed, one inclusion proof each. */
    private List<String> locate(Map<Long, OwnEntry> byIndex, Checkpoint cp) {
        List<String> out = new ArrayList<>();
        for (OwnEntry e : byIndex.values()) {
            byte[] leaf = Hashes.leaf(AuditLeaf.entry(e.opening(), e.canonical().getBytes(StandardCharsets.UTF_8)));
            try {
                ProofVerifier.verifyInclusion(e.index(), cp.size(), leaf, log.inclusionProof(e.index(), cp.size()), cp.root());
                for (IndexedText t : e.nodeLeaves()) {
                    ProofVerifier.verifyInclusion(t.index(), cp.size(), Hashes.leaf(t.text().getBytes(StandardCharsets.UTF_8)),
                            log.inclusionProof(t.index(), cp.size()), cp.root());
                }
            } catch (TrustException ex) {
                Matcher m = TAIL.matcher(e.canonical());
                out.add("entry " + e.seq() + (m.find() ? " (" + m.group(4) + ")" : "") + " as served now is not the leaf "
                        + e.index() + " signed into the log (edited, deleted or moved): " + ex.getMessage());
                if (out.size() == 5) {
                    break;
                }
            }
        }
        if (out.isEmpty()) {
            out.add("inclusion: the proof for a page of your entries does not lead to the signed root");
        }
        return out;
    }

    /** Walks one node's chained history over the tenant's new events; updates the node's state. */
    private String checkNode(int node, List<Long> own, Map<Integer, NodeState> states, Checkpoint cp) {
        NodeState before = states.get(node);
        int mineAtStart = before == null ? 0 : before.mine();
        long from;
        if (before != null) {
            from = before.lastLeaf();
        } else {
            from = own.get(0); // replaced by its predecessor below once the leaf is read
        }
        int mineAtEnd = mineAtStart;
        List<Exclusivity.Indexed> chain = new ArrayList<>();
        if (before == null) {
            NodePage first = log.nodeHistory(node, from, from, cp.size());
            List<Exclusivity.Indexed> leaf = checked(first, node, cp);
            if (leaf.isEmpty() || leaf.get(0).index() != from) {
                return "node " + node + ": the log does not serve your leaf " + from;
            }
            long prev = leaf.get(0).leaf().prev();
            if (prev >= 0) {
                from = prev;
            }
        }
        // The tenant's own count at the end decides how far to read: while it still holds the node, to the log's end.
        Set<Long> ownSet = new HashSet<>(own);
        for (long o : own) {
            // the event kind is in the leaf; counted from the chain below
            ownSet.add(o);
        }
        long to = own.isEmpty() ? cp.size() - 1 : own.get(own.size() - 1);
        long cursor = from;
        while (true) {
            NodePage page = log.nodeHistory(node, cursor, to, cp.size());
            List<Exclusivity.Indexed> items = checked(page, node, cp);
            chain.addAll(items);
            if (page.next() == null || items.isEmpty()) {
                break;
            }
            cursor = page.next() + 1;
        }
        if (chain.isEmpty() || chain.get(0).index() != from) {
            return "node " + node + ": the log's history of the node does not start at leaf " + from
                    + " (the event before yours)";
        }
        for (Exclusivity.Indexed e : chain) {
            if (ownSet.contains(e.index())) {
                mineAtEnd += e.leaf().event() == AuditLeaf.Event.PLACE ? 1 : -1;
            }
        }
        if (mineAtEnd > 0 && !own.isEmpty() && to != cp.size() - 1) {
            // Still held: everything after the last own event must be checked too.
            NodePage page = log.nodeHistory(node, to + 1, cp.size() - 1, cp.size());
            chain.addAll(checked(page, node, cp));
        }
        Set<Long> ownInChain = new HashSet<>(ownSet);
        if (before != null) {
            ownInChain.remove(before.lastLeaf());
        }
        List<String> problems = Exclusivity.check(node, chain, ownInChain, before == null ? 0 : mineAtStart);
        if (!problems.isEmpty()) {
            return String.join("; ", problems);
        }
        Exclusivity.Indexed last = chain.get(chain.size() - 1);
        states.put(node, new NodeState(last.index(), mineAtEnd));
        return null;
    }

    /** Parses a node page and checks its proof against the checkpoint. */
    private static List<Exclusivity.Indexed> checked(NodePage page, int node, Checkpoint cp) {
        if (page.treeSize() != cp.size()) {
            throw new TrustException("node history served against tree size " + page.treeSize() + ", not " + cp.size());
        }
        List<Exclusivity.Indexed> out = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        long[] idx = new long[page.items().size()];
        int i = 0;
        for (IndexedText t : page.items()) {
            AuditLeaf.Node n = AuditLeaf.Node.parse(t.text());
            if (n.node() != node) {
                throw new TrustException("leaf " + t.index() + " is about node " + n.node());
            }
            out.add(new Exclusivity.Indexed(t.index(), n));
            hashes.add(n.leafHash());
            idx[i++] = t.index();
        }
        if (!out.isEmpty()) {
            byte[] root = ProofVerifier.rootFromMultiProof(cp.size(), idx, hashes, page.proof());
            if (!Arrays.equals(root, cp.root())) {
                throw new TrustException("its history as served (leaves " + idx[0] + " to " + idx[idx.length - 1]
                        + ") is not in the signed log");
            }
        }
        return out;
    }
}
