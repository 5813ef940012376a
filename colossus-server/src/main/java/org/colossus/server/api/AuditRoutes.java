package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.colossus.server.engine.Commands;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Store;
import org.colossus.trust.MerkleTiles;
import org.colossus.trust.TilePath;

/** The audit log's read side (checkpoints, proofs, entries, node histories, tiles) and sealed-checkpoint records. */
final class AuditRoutes extends RouteGroup {
    private final Store store;

    AuditRoutes(ApiContext api, Store store) {
        super(api);
        this.store = store;
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("POST", "/api/v1/checkpoints", Route.Role.TENANT, 201,
                "Record a sealed checkpoint: its context (your-tenant/run/step) and the SHA-256 of its manifest go into"
                        + " the journal and the audit log, so a later rollback to an older checkpoint is provable.",
                Bodies.RecordSeal.class, SealRecorded.class, Route.Shape.ONE, this::recordSeal));
        r.add(new Route("GET", "/api/v1/audit/checkpoint", Route.Role.ANY, 200,
                "The latest signed checkpoint of the journal's transparency log (C2SP tlog-checkpoint in a signed"
                        + " note); ?fresh=true first integrates and signs everything committed so far.",
                null, null, Route.Shape.TEXT, ctx -> {
                    boolean fresh = "true".equals(ctx.queryParam("fresh"));
                    if (ctx.queryParam("fresh") != null && !fresh && !"false".equals(ctx.queryParam("fresh"))) {
                        throw Problem.invalid("fresh", Bodies.clip(ctx.queryParam("fresh")), "true or false");
                    }
                    try {
                        ctx.contentType("text/plain; charset=utf-8").result(audit().checkpoint(fresh).encode());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw Problem.unavailable("interrupted while waiting for a fresh checkpoint");
                    }
                }));
        r.add(new Route("GET", "/api/v1/audit/key", Route.Role.ANY, 200,
                "The log's verifier key (C2SP signed-note vkey): pin it once, verify every checkpoint with it.",
                null, null, Route.Shape.TEXT, ctx -> ctx.contentType("text/plain; charset=utf-8")
                        .result(audit().verifier().encode() + "\n")));
        r.add(new Route("GET", "/api/v1/audit/proof/inclusion", Route.Role.ANY, 200,
                "RFC 9162 inclusion proof of leaf ?index=I in the tree of ?size=N (default: the latest checkpoint).",
                null, InclusionProof.class, Route.Shape.ONE, ctx -> {
                    long size = queryLong(ctx, "size", 1, audit().checkpointSize(), audit().checkpointSize());
                    long index = queryLong(ctx, "index", 0, size - 1, -1);
                    if (index < 0) {
                        throw Problem.invalid("index", null, "a leaf index below the tree size (required)");
                    }
                    json(ctx, 200, new InclusionProof(index, size, b64(audit().inclusionProof(index, size))));
                }));
        r.add(new Route("GET", "/api/v1/audit/proof/consistency", Route.Role.ANY, 200,
                "RFC 9162 consistency proof from the tree of ?from=M to the tree of ?to=N.",
                null, ConsistencyProof.class, Route.Shape.ONE, ctx -> {
                    long to = queryLong(ctx, "to", 1, audit().checkpointSize(), audit().checkpointSize());
                    long from = queryLong(ctx, "from", 1, to, -1);
                    if (from < 0) {
                        throw Problem.invalid("from", null, "a tree size from 1 to " + to + " (required)");
                    }
                    json(ctx, 200, new ConsistencyProof(from, to, b64(audit().consistencyProof(from, to))));
                }));
        r.add(new Route("GET", "/api/v1/audit/entries", Route.Role.ANY, 200,
                "The caller's own journal entries (the operator: all) in canonical form, each with its opening secret,"
                        + " leaf index and node leaves, after ?after=SEQ, at most ?limit=N, and one multi-leaf proof of"
                        + " the page in the tree of ?size=N (a recent checkpoint's; default the latest).",
                null, AuditEntryPage.class, Route.Shape.ONE, this::auditEntries));
        r.add(new Route("GET", "/api/v1/audit/nodes/{id}", Route.Role.ANY, 200,
                "A node's assignment history: its node leaves (node, time, place or release, previous event, holders,"
                        + " holder commitment) with leaf index in [?from, ?to] and time in [?since, ?until] (epoch ms),"
                        + " with one multi-leaf proof in the tree of ?size=N (a recent checkpoint's; default the latest).",
                null, NodeHistory.class, Route.Shape.ONE, this::auditNode));
        r.add(new Route("POST", "/api/v1/audit/node-leaves", Route.Role.ANY, 200,
                "Node leaves by index, and each given node's next event after a given leaf, in one reply with one"
                        + " multi-leaf proof in the tree of size (a recent checkpoint's): what audit verify needs to check"
                        + " exclusivity without one request per node. At most 20,000 of each.",
                Bodies.NodeLeavesQuery.class, NodeLeaves.class, Route.Shape.ONE, this::auditNodeLeaves));
        r.add(new Route("GET", "/api/v1/audit/tile/{level}/<index>", Route.Role.ANY, 200,
                "A hash tile of the log (C2SP tlog-tiles): tile/L/N for the 256 hashes of tree level 8L from index 256N,"
                        + " tile/L/N.p/W for the first W of them; N in 3-digit groups (1234067: x001/x234/067). Only"
                        + " what the latest checkpoint covers; full tiles never change.",
                null, null, Route.Shape.BYTES, this::auditTile));
        return r;
    }

    /** RFC 9162 inclusion proof: base64 hashes of the audit path. */
    record InclusionProof(long index, long treeSize, List<String> proof) {
    }

    /** RFC 9162 consistency proof between two tree sizes. */
    record ConsistencyProof(long from, long to, List<String> proof) {
    }

    /**
     * A node leaf: its index in the log and its text (docs/audit-log.md), as text or, with ?encoding=base64, as the
     * base64 of its bytes (no JSON escaping to write or read: faster for verifiers).
     */
    record AuditNodeLeaf(long index, String data, String dataBase64) {
        static AuditNodeLeaf of(long index, byte[] data, boolean base64) {
            return base64 ? new AuditNodeLeaf(index, null, Base64.getEncoder().encodeToString(data))
                    : new AuditNodeLeaf(index, new String(data, java.nio.charset.StandardCharsets.UTF_8), null);
        }
    }

    /**
     * A journal entry as the log holds it: entry leaf {@code index} = SHA-256(0x00 || "colossus-audit/v1 entry\n"
     * "opening " {@code opening} "\n" || {@code canonical}), followed by its node leaves.
     */
    record AuditEntry(long seq, long index, String canonical, String canonicalBase64, String opening,
                      List<AuditNodeLeaf> nodeLeaves) {
    }

    /** @param proof a multi-leaf proof of every entry and node leaf of the page in the tree of {@code treeSize} */
    record AuditEntryPage(long treeSize, List<AuditEntry> items, Long next, List<String> proof) {
    }

    record NodeHistory(int node, long treeSize, List<AuditNodeLeaf> items, Long next, List<String> proof) {
    }

    record NodeLeaves(long treeSize, List<AuditNodeLeaf> items, List<String> proof) {
    }

    record SealRecorded(String context, String manifestSha256) {
    }

    private void auditTile(Context ctx) {
        TilePath t;
        try {
            t = TilePath.parse(ctx.pathParam("level"), ctx.pathParam("index"));
        } catch (TilePath.Invalid e) {
            String value = e.part().equals("level") ? ctx.pathParam("level") : ctx.pathParam("index");
            throw Problem.invalid(e.part(), Bodies.clip(value), e.expected());
        }
        int level = t.level();
        long index = t.index();
        int width = t.width();
        String path = ctx.pathParam("index");
        byte[] tile = audit().tile(level, index, width);
        if (tile == null) {
            throw Problem.notFound("tile", level + "/" + path + " (beyond the latest checkpoint, size "
                    + audit().checkpointSize() + ")");
        }
        ctx.header("Cache-Control", width == MerkleTiles.WIDTH ? "public, max-age=31536000, immutable"
                : "public, max-age=60");
        ctx.contentType("application/octet-stream").result(tile);
    }

    private void auditEntries(Context ctx) {
        Principal p = principal(ctx);
        boolean base64 = base64Encoding(ctx);
        long after = queryLong(ctx, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) queryLong(ctx, "limit", 1, 10_000, 1000);
        var log = audit();
        long treeSize = checkpointSize(ctx, log);
        long end = log.seqAt(treeSize);
        List<org.colossus.server.journal.Entry> mine = new ArrayList<>();
        Long more = null;
        if (p.operator()) {
            long next = after;
            while (next < end && mine.size() <= limit) {
                var page = store.range(next + 1, (int) Math.min(10_000, end - next));
                if (page.isEmpty()) {
                    break;
                }
                for (var e : page) {
                    if (e.seq() > end || mine.size() > limit) {
                        break;
                    }
                    next = e.seq();
                    mine.add(e);
                }
            }
        } else {
            // The database filters by tenant while it reads in key order (no per-tenant index: it would cost every
            // append a second write).
            mine.addAll(store.rangeOf(p.tenant(), after + 1, end, limit + 1));
        }
        if (mine.size() > limit) {
            mine = new ArrayList<>(mine.subList(0, limit));
            more = mine.get(limit - 1).seq();
        }
        long[] seqs = mine.stream().mapToLong(org.colossus.server.journal.Entry::seq).toArray();
        var placed = log.leavesOf(seqs);
        List<AuditEntry> out = new ArrayList<>(mine.size());
        List<Long> indices = new ArrayList<>();
        var b64 = java.util.Base64.getEncoder();
        for (int i = 0; i < mine.size(); i++) {
            var e = mine.get(i);
            var pl = placed.get(i);
            indices.add(pl.leaf());
            List<AuditNodeLeaf> nodes = new ArrayList<>(pl.nodeLeaves().size());
            for (var n : pl.nodeLeaves()) {
                indices.add(n.leaf());
                nodes.add(AuditNodeLeaf.of(n.leaf(), n.data(), base64));
            }
            String canonical = e.canonicalJson();
            out.add(new AuditEntry(e.seq(), pl.leaf(), base64 ? null : canonical,
                    base64 ? b64.encodeToString(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)) : null,
                    b64.encodeToString(log.opening(e.seq())), nodes));
        }
        List<String> proof = indices.isEmpty() ? List.of()
                : b64(log.multiProof(indices.stream().mapToLong(Long::longValue).toArray(), treeSize));
        json(ctx, 200, new AuditEntryPage(treeSize, out, more, proof));
    }

    /** ?size=N: a recent checkpoint's tree size (default: the latest), so pages fetched in turn prove one tree. */
    private static long checkpointSize(Context ctx, org.colossus.server.audit.AuditLog log) {
        long latest = log.checkpointSize();
        long size = queryLong(ctx, "size", 1, latest, latest);
        if (log.seqAt(size) < 0) {
            throw Problem.invalid("size", size, "the tree size of a recent checkpoint; fetch the latest checkpoint again");
        }
        return size;
    }

    private static final java.util.regex.Pattern SEAL_CONTEXT =
            java.util.regex.Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");
    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private void recordSeal(Context ctx) {
        Principal p = principal(ctx);
        Bodies.RecordSeal b = body(ctx, Bodies.RecordSeal.class);
        if (b.context() == null || !SEAL_CONTEXT.matcher(b.context()).matches() || b.context().length() > 256) {
            throw Problem.invalid("context", b.context() == null ? null : Bodies.clip(b.context()), "tenant/run/step");
        }
        if (!b.context().startsWith(p.tenant() + "/")) {
            throw Problem.invalid("context", Bodies.clip(b.context()), "a context of your own tenant, " + p.tenant() + "/run/step");
        }
        if (b.manifestSha256() == null || !SHA256_HEX.matcher(b.manifestSha256()).matches()) {
            throw Problem.invalid("manifestSha256", b.manifestSha256() == null ? null : Bodies.clip(b.manifestSha256()),
                    "64 lowercase hex digits");
        }
        if (b.shards() == null || b.shards() < 1 || b.shards() > 1_000_000) {
            throw Problem.invalid("shards", b.shards(), "an integer from 1 to 1000000");
        }
        if (b.bytes() == null || b.bytes() < 0 || b.bytes() > Bodies.MAX_CHECKPOINT_BYTES) {
            throw Problem.invalid("bytes", b.bytes(), "an integer from 0 to " + Bodies.MAX_CHECKPOINT_BYTES + " (1 PiB)");
        }
        write(org.colossus.server.engine.Commands.recordSeal(p.tenant(),
                new org.colossus.server.journal.Payload.CheckpointSealed(b.context(), b.manifestSha256(), b.shards(), b.bytes())));
        json(ctx, 201, new SealRecorded(b.context(), b.manifestSha256()));
    }

    private void auditNodeLeaves(Context ctx) {
        boolean base64 = base64Encoding(ctx);
        Bodies.NodeLeavesQuery q = body(ctx, Bodies.NodeLeavesQuery.class);
        var log = audit();
        long latest = log.checkpointSize();
        long size = q.size() == null ? latest : q.size();
        if (size < 1 || size > latest || log.seqAt(size) < 0) {
            throw Problem.invalid("size", q.size(), "the tree size of a recent checkpoint (latest " + latest + ")");
        }
        List<Long> indices = q.indices() == null ? List.of() : q.indices();
        List<Bodies.NodeAfter> after = q.after() == null ? List.of() : q.after();
        if (indices.size() > 20_000) {
            throw Problem.invalid("indices", indices.size() + " indices", "at most 20,000");
        }
        if (after.size() > 20_000) {
            throw Problem.invalid("after", after.size() + " nodes", "at most 20,000");
        }
        int nodes = read(s -> s.fleet().nodeCount());
        java.util.TreeMap<Long, AuditNodeLeaf> items = new java.util.TreeMap<>();
        for (int i = 0; i < indices.size(); i++) {
            Long idx = indices.get(i);
            if (idx == null || idx < 0 || idx >= size) {
                throw Problem.invalid("indices[" + i + "]", idx, "a leaf index below the tree size " + size);
            }
        }
        var found = log.nodeLeavesAt(new java.util.TreeSet<>(indices));
        if (found.size() != new java.util.HashSet<>(indices).size()) {
            java.util.Set<Long> have = new java.util.HashSet<>();
            found.forEach(n -> have.add(n.leaf()));
            Long missing = indices.stream().filter(i -> !have.contains(i)).findFirst().orElse(null);
            throw Problem.invalid("indices", missing, "the index of a node leaf");
        }
        for (var n : found) {
            items.put(n.leaf(), AuditNodeLeaf.of(n.leaf(), n.data(), base64));
        }
        List<long[]> pairs = new ArrayList<>(after.size());
        for (int i = 0; i < after.size(); i++) {
            Bodies.NodeAfter a = after.get(i);
            if (a == null || a.node() == null || a.node() < 0 || a.node() >= nodes) {
                throw Problem.invalid("after[" + i + "].node", a == null ? null : a.node(), "a node from 0 to " + (nodes - 1));
            }
            if (a.leaf() == null || a.leaf() < -1 || a.leaf() >= size) {
                throw Problem.invalid("after[" + i + "].leaf", a.leaf(), "a leaf index from -1 to " + (size - 1));
            }
            pairs.add(new long[] {a.node(), a.leaf()});
        }
        for (var n : log.nextNodeLeaves(pairs, size)) {
            items.put(n.leaf(), AuditNodeLeaf.of(n.leaf(), n.data(), base64));
        }
        List<String> proof = items.isEmpty() ? List.of()
                : b64(log.multiProof(items.keySet().stream().mapToLong(Long::longValue).toArray(), size));
        json(ctx, 200, new NodeLeaves(size, List.copyOf(items.values()), proof));
    }

    private void auditNode(Context ctx) {
        boolean base64 = base64Encoding(ctx);
        int node = nodeId(ctx);
        int nodes = read(s -> s.fleet().nodeCount());
        if (node >= nodes) {
            throw Problem.notFound("node", node);
        }
        var log = audit();
        long treeSize = checkpointSize(ctx, log);
        long from = queryLong(ctx, "from", 0, Long.MAX_VALUE, 0);
        long to = queryLong(ctx, "to", 0, Long.MAX_VALUE, Long.MAX_VALUE);
        long since = queryLong(ctx, "since", Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);
        long until = queryLong(ctx, "until", Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        int limit = (int) queryLong(ctx, "limit", 1, 10_000, 10_000);
        List<AuditNodeLeaf> items = new ArrayList<>();
        Long more = null;
        long cursor = from;
        while (more == null && cursor < treeSize && cursor <= to) {
            var page = log.nodeHistory(node, cursor, Math.min(to, treeSize - 1), limit + 1);
            for (var n : page) {
                cursor = n.leaf() + 1;
                if (n.timeMillis() < since || n.timeMillis() > until) {
                    continue;
                }
                if (items.size() == limit) {
                    more = items.get(items.size() - 1).index();
                    break;
                }
                items.add(AuditNodeLeaf.of(n.leaf(), n.data(), base64));
            }
            if (page.size() <= limit) {
                break;
            }
        }
        List<String> proof = items.isEmpty() ? List.of()
                : b64(log.multiProof(items.stream().mapToLong(AuditNodeLeaf::index).toArray(), treeSize));
        json(ctx, 200, new NodeHistory(node, treeSize, items, more, proof));
    }

}
