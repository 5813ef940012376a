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

 * <p>Over 500 lines: one verification run with one state (pages read, proofs checked, per-node exclusivity), each
 * check a method of its own; a tenant runs and reasons about it as one unit.
 */
public final class TenantVerifier {
    /** What the log serves (the server's audit endpoints, or a test double playing a dishonest operator). */
    public interface Log {
        String checkpoint();

        List<byte[]> consistencyProof(long from, long to);

        List<byte[]> inclusionProof(long index, long size);

        EntryPage entries(long afterSeq, long treeSize);

        /**
         * Node leaves by index, and for each {@code after} pair (node, leaf) the node's first event after that leaf,
         * with one multi-leaf proof of them all in the tree of {@code treeSize}.
         */
        NodePage nodeLeaves(List<Long> indices, List<long[]> after, long treeSize);
    }

    public record IndexedText(long index, String text) {
    }

    public record OwnEntry(long seq, long index, String canonical, byte[] opening, List<IndexedText> nodeLeaves) {
    }

    public record EntryPage(long treeSize, List<OwnEntry> items, Long next, List<byte[]> proof) {
    }

    public record NodePage(long treeSize, List<IndexedText> items, Long next, List<byte[]> proof) {
    }

    /** What the verifier remembers between runs. */
    public record State(String key, long size, byte[] root, long seq, Map<Integer, Exclusivity.Start> nodes) {
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
                    .append(' ').append(s.holders()).append(' ').append(s.mine()).append('\n'));
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
                Map<Integer, Exclusivity.Start> nodes = new LinkedHashMap<>();
                for (int i = 5; i < lines.length; i++) {
                    String[] f = field(lines[i], "node").split(" ");
                    nodes.put(Integer.parseInt(f[0]), new Exclusivity.Start(Long.parseLong(f[1]), Integer.parseInt(f[2]),
                            Integer.parseInt(f[3])));
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

    /**
     * The verdict: evidence lines, failures (empty if all passed), and the state to keep if it passed.
     *
     * @param note the signed checkpoint as served (for witnesses), or null if none was read
     */
    public record Report(List<String> evidence, List<String> failures, State next, Checkpoint checkpoint, String note) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    static final Pattern TAIL = Pattern.compile(
            ",\"seq\":(\\d+),\"tenant\":(\"(?:[^\"\\\\]|\\\\.)*\"|null),\"time\":(-?\\d+),\"type\":\"([^\"\\\\]*)\"}$");

    private final Log log;
    private final NoteKey.Verifier key;
    private final String tenant;
    private final String tenantMarker;

    public TenantVerifier(Log log, NoteKey.Verifier key, String tenant) {
        this.log = log;
        this.key = key;
        this.tenant = tenant;
        this.tenantMarker = tenantMarker(tenant);
    }

    private java.util.function.Consumer<String> proven = canonical -> {
    };

    /**
     * Receives the canonical text of every own entry once its page's proof against the signed checkpoint holds, in
     * journal order: what a check built on the log (an invoice's) may rely on.
     */
    public TenantVerifier onProvenEntry(java.util.function.Consumer<String> sink) {
        this.proven = sink;
        return this;
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
        Map<Integer, Exclusivity.Start> nodeStates = new TreeMap<>(previous == null ? Map.of() : previous.nodes());
        // Own node events since the last run, by node.
        Map<Integer, List<Exclusivity.Indexed>> ownByNode = new TreeMap<>();
        int entries = 0;
        long lastEntry = lastSeq;
        long e0 = System.nanoTime();
        // The next page is fetched while this one is checked: the server's work and the verifier's overlap.
        java.util.concurrent.ExecutorService fetcher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "audit-verify-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            final long firstAfter = lastEntry;
            java.util.concurrent.Future<EntryPage> pending = fetcher.submit(() -> log.entries(firstAfter, cp.size()));
            while (true) {
                EntryPage page = await(pending);
                if (page.next() != null) {
                    final long nextAfter = page.next();
                    pending = fetcher.submit(() -> log.entries(nextAfter, cp.size()));
                }
                if (page.treeSize() != cp.size()) {
                    failures.add("entries: served against tree size " + page.treeSize() + ", not " + cp.size());
                    return new Report(evidence, failures, null, cp, noteText);
                }
                lastEntry = checkPage(page, lastEntry, ownByNode, failures, cp);
                entries += page.items().size();
                if (!failures.isEmpty()) {
                    return new Report(evidence, failures, null, cp, noteText);
                }
                if (page.next() == null) {
                    break;
                }
                lastEntry = page.next();
            }
        } catch (TrustException e) {
            failures.add("entries: " + e.getMessage());
            return new Report(evidence, failures, null, cp, noteText);
        } finally {
            fetcher.shutdownNow();
        }
        evidence.add("inclusion: " + entries + " own entr" + (entries == 1 ? "y" : "ies") + " after entry " + lastSeq
                + " opened and proven in the tree of size " + cp.size()
                + String.format(" (%.2f s)", (System.nanoTime() - e0) / 1e9));
        long n0 = System.nanoTime();
        Set<Integer> nodes = new java.util.TreeSet<>(ownByNode.keySet());
        nodes.addAll(nodeStates.keySet());
        // One pass to learn which leaves the own leaves name (when not the tenant's own) and which nodes are still
        // held at the end (their next event must not exist); then those, in batches, with one proof per batch.
        List<Long> named = new ArrayList<>();
        List<long[]> after = new ArrayList<>();
        for (int node : nodes) {
            Exclusivity.Start st = nodeStates.get(node);
            Set<Long> ownIdx = new HashSet<>();
            List<Exclusivity.Indexed> own = ownByNode.getOrDefault(node, List.of());
            own.forEach(o -> ownIdx.add(o.index()));
            int mine = st == null ? 0 : st.mine();
            long last = st == null ? -1 : st.lastLeaf();
            for (Exclusivity.Indexed o : own) {
                long p = o.leaf().prev();
                if (p >= 0 && !ownIdx.contains(p) && (st == null || p != st.lastLeaf())) {
                    named.add(p);
                }
                mine += o.leaf().event() == AuditLeaf.Event.PLACE ? 1 : -1;
                last = o.index();
            }
            if (mine > 0) {
                after.add(new long[] {node, last});
            }
        }
        Map<Long, AuditLeaf.Node> served = new java.util.HashMap<>();
        Map<Integer, Exclusivity.Indexed> nextAfter = new java.util.HashMap<>();
        try {
            List<Long> distinct = new ArrayList<>(new java.util.TreeSet<>(named));
            int batch = 10_000;
            for (int i = 0; i < Math.max(distinct.size(), after.size()); i += batch) {
                List<Long> idx = distinct.subList(Math.min(i, distinct.size()), Math.min(i + batch, distinct.size()));
                List<long[]> aft = after.subList(Math.min(i, after.size()), Math.min(i + batch, after.size()));
                NodePage page = log.nodeLeaves(idx, aft, cp.size());
                List<Exclusivity.Indexed> leaves = checked(page, cp);
                Set<Long> asked = new HashSet<>(idx);
                for (Exclusivity.Indexed l : leaves) {
                    if (asked.contains(l.index())) {
                        served.put(l.index(), l.leaf());
                    }
                }
                Map<Integer, List<Exclusivity.Indexed>> byNode = new java.util.HashMap<>();
                for (Exclusivity.Indexed l : leaves) {
                    byNode.computeIfAbsent(l.leaf().node(), k -> new ArrayList<>()).add(l);
                }
                for (long[] a : aft) {
                    for (Exclusivity.Indexed l : byNode.getOrDefault((int) a[0], List.of())) {
                        if (l.index() > a[1]) {
                            nextAfter.merge((int) a[0], l, (x, y) -> x.index() < y.index() ? x : y);
                        }
                    }
                }
            }
        } catch (TrustException e) {
            failures.add("exclusivity: " + e.getMessage());
            return new Report(evidence, failures, null, cp, noteText);
        }
        int checked = 0;
        for (int node : nodes) {
            Exclusivity.Outcome o = Exclusivity.check(node, nodeStates.get(node), ownByNode.getOrDefault(node, List.of()),
                    served, nextAfter.get(node));
            failures.addAll(o.problems());
            if (o.next() == null) {
                nodeStates.remove(node);
            } else {
                nodeStates.put(node, o.next());
            }
            checked++;
        }
        if (!failures.isEmpty()) {
            return new Report(evidence, failures, null, cp, noteText);
        }
        long held = nodeStates.size();
        evidence.add("exclusivity: " + checked + " node" + (checked == 1 ? "" : "s") + " held since the last check,"
                + " nobody else on any of them while you held it" + (held > 0 ? " (" + held + " still held)" : "")
                + String.format(" (%.2f s)", (System.nanoTime() - n0) / 1e9));
        return new Report(evidence, failures, new State(key.encode(), cp.size(), cp.root(), lastEntry, nodeStates), cp,
                noteText);
    }

    private static EntryPage await(java.util.concurrent.Future<EntryPage> f) {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof TrustException t) {
                throw t;
            }
            throw new TrustException(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrustException("interrupted");
        }
    }

    /**
     * Checks one page of own entries: each opened and read, then all its leaves against the signed root with the
     * page's proof. Returns the last entry read.
     */
    private long checkPage(EntryPage page, long lastEntry, Map<Integer, List<Exclusivity.Indexed>> ownByNode,
                           List<String> failures, Checkpoint cp) {
        List<Long> indices = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        Map<Long, OwnEntry> byIndex = new LinkedHashMap<>();
        for (OwnEntry e : page.items()) {
            String problem = checkEntry(e, lastEntry, ownByNode, indices, hashes);
            if (problem != null) {
                failures.add("entry " + e.seq() + ": " + problem);
            }
            byIndex.put(e.index(), e);
            lastEntry = e.seq();
        }
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
        if (failures.isEmpty()) {
            for (OwnEntry e : page.items()) {
                proven.accept(e.canonical());
            }
        }
        return lastEntry;
    }

    /** Checks one own entry and collects its leaves; returns what is wrong, or null. */
    private String checkEntry(OwnEntry e, long after, Map<Integer, List<Exclusivity.Indexed>> ownByNode, List<Long> indices,
                              List<byte[]> hashes) {
        if (e.seq() <= after) {
            return "served out of order (after entry " + after + ")";
        }
        String canonical = e.canonical();
        long[] seqTime = ownTail(canonical, tenantMarker);
        String type;
        long time;
        if (seqTime != null) {
            if (seqTime[0] != e.seq()) {
                return "its text says entry " + seqTime[0];
            }
            time = seqTime[1];
            type = canonical.substring(canonical.lastIndexOf(TYPE_KEY) + TYPE_KEY.length(), canonical.length() - 2);
        } else {
            // Not this tenant's shape: the full pattern says what it is instead.
            Matcher m = TAIL.matcher(canonical);
            if (!m.find()) {
                return "not a canonical journal entry";
            }
            if (Long.parseLong(m.group(1)) != e.seq()) {
                return "its text says entry " + m.group(1);
            }
            if (!m.group(2).equals("\"" + tenant + "\"")) {
                return "it concerns " + m.group(2) + ", not you";
            }
            type = m.group(4);
            time = Long.parseLong(m.group(3));
        }
        indices.add(e.index());
        hashes.add(Hashes.leaf(AuditLeaf.entry(e.opening(), canonical.getBytes(StandardCharsets.UTF_8))));
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
            ownByNode.computeIfAbsent(n.node(), k -> new ArrayList<>()).add(new Exclusivity.Indexed(t.index(), n));
            indices.add(t.index());
            hashes.add(Hashes.leaf(t.text().getBytes(StandardCharsets.UTF_8))); // parse checked it is canonical
        }
        if (type.equals("job.placed")) {
            List<Integer> placed = placedNodes(canonical);
            if (placed == null) {
                return "its node list is not a list of node numbers";
            }
            if (!placed.equals(nodes)) {
                return "the placement names nodes " + placed + " but its node leaves " + nodes;
            }
        }
        return null;
    }

    private static final String TYPE_KEY = ",\"type\":\"";
    private static final String SEQ_KEY = ",\"seq\":";
    private static final String NODES_KEY = "\"nodes\":[";

    /**
     * The seq and time of a canonical entry that ends {@code ,"seq":N,"tenant":"<this tenant>","time":N,"type":"T"}},
     * or null if it does not: the same facts {@link #TAIL} matches, read without a regular expression (a verifier
     * reads a hundred thousand of them). None of the markers can occur inside a JSON string (its quotes are escaped),
     * so the last of each before the next is the field itself.
     */
    static String tenantMarker(String tenant) {
        return ",\"tenant\":\"" + tenant + "\",\"time\":";
    }

    static long[] ownTail(String c, String tenantMarker) {
        int n = c.length();
        if (n < 2 || c.charAt(n - 1) != '}' || c.charAt(n - 2) != '"') {
            return null;
        }
        int type = c.lastIndexOf(TYPE_KEY);
        if (type < 0) {
            return null;
        }
        for (int i = type + TYPE_KEY.length(); i < n - 2; i++) {
            char ch = c.charAt(i);
            if (ch == '"' || ch == '\\') {
                return null;
            }
        }
        int tenantAt = c.lastIndexOf(tenantMarker, type);
        int seqAt = tenantAt < 0 ? -1 : c.lastIndexOf(SEQ_KEY, tenantAt);
        if (seqAt < 0) {
            return null;
        }
        long time = decimal(c, tenantAt + tenantMarker.length(), type, true);
        long seq = decimal(c, seqAt + SEQ_KEY.length(), tenantAt, false);
        return time == Long.MIN_VALUE || seq == Long.MIN_VALUE ? null : new long[] {seq, time};
    }

    /** The decimal in c[from, to) (-?\d+ if signed, else \d+), or Long.MIN_VALUE if it is not one. */
    private static long decimal(String c, int from, int to, boolean signed) {
        int i = signed && from < to && c.charAt(from) == '-' ? from + 1 : from;
        if (i >= to || to - i > 18) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (int k = i; k < to; k++) {
            char ch = c.charAt(k);
            if (ch < '0' || ch > '9') {
                return Long.MIN_VALUE;
            }
            v = v * 10 + (ch - '0');
        }
        return i > from ? -v : v;
    }

    /** The distinct nodes of the first {@code "nodes":[1,2,...]} list, ascending; null if it holds anything else. */
    static List<Integer> placedNodes(String c) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        int at = c.indexOf(NODES_KEY);
        if (at < 0) {
            return new ArrayList<>();
        }
        int i = at + NODES_KEY.length();
        int start = i;
        while (i < c.length() && c.charAt(i) != ']') {
            char ch = c.charAt(i);
            if (ch == ',') {
                if (i == start) {
                    return null;
                }
                out.add((int) decimal(c, start, i, false));
                start = i + 1;
            } else if (ch < '0' || ch > '9' || i - start >= 9) {
                return null;
            }
            i++;
        }
        if (i == c.length() || (i == start && start != at + NODES_KEY.length())) {
            return null;
        }
        if (i > start) {
            out.add((int) decimal(c, start, i, false));
        }
        return new ArrayList<>(out);
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

    /** Parses a node page and checks its proof against the checkpoint. */
    private static List<Exclusivity.Indexed> checked(NodePage page, Checkpoint cp) {
        if (page.treeSize() != cp.size()) {
            throw new TrustException("node history served against tree size " + page.treeSize() + ", not " + cp.size());
        }
        List<Exclusivity.Indexed> out = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        long[] idx = new long[page.items().size()];
        int i = 0;
        for (IndexedText t : page.items()) {
            AuditLeaf.Node n = AuditLeaf.Node.parse(t.text());
            out.add(new Exclusivity.Indexed(t.index(), n));
            hashes.add(Hashes.leaf(t.text().getBytes(StandardCharsets.UTF_8))); // parse checked it is canonical
            idx[i++] = t.index();
        }
        if (!out.isEmpty()) {
            byte[] root = ProofVerifier.rootFromMultiProof(cp.size(), idx, hashes, page.proof());
            if (!Arrays.equals(root, cp.root())) {
                throw new TrustException("node leaves as served (" + idx.length + ", leaves " + idx[0] + " to "
                        + idx[idx.length - 1] + ") are not in the signed log");
            }
        }
        return out;
    }
}
