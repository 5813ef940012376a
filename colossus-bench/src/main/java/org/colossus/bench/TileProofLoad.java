package org.colossus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.colossus.server.audit.AuditLog;
import org.colossus.server.journal.JdbcStore;
import org.colossus.server.journal.Store;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.Hashes;
import org.colossus.trust.MerkleTiles;
import org.colossus.trust.ProofVerifier;
import org.colossus.trust.SignedNote;

/**
 * Inclusion proofs served by the server's audit log from a real database at 10,000,000 leaves (issue 6: under 1 ms):
 * writes the tiles of a 10M-leaf tree (random leaf hashes, every higher tile computed from the ones below) straight
 * into the store, opens {@link AuditLog} on it (frontier rebuilt from the tiles, checkpoint signed), then times
 * proofs of random leaves and verifies each against the signed root. The first proofs find the tile cache cold.
 * <pre>java -Xmx3g -cp colossus-bench/target/benchmarks.jar org.colossus.bench.TileProofLoad DIR [LEAVES=10000000] [--db URL]</pre>
 * With --db the database's audit tables are replaced (use a scratch database); without, DIR holds an H2 file.
 */
public final class TileProofLoad {
    private TileProofLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long leaves = args.length > 1 && !args[1].startsWith("--") ? Long.parseLong(args[1]) : 10_000_000;
        String db = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--db")) {
                db = args[++i];
            }
        }
        Files.createDirectories(dir);
        byte[] level0 = new byte[Math.toIntExact(leaves * 32)];
        new SplittableRandom(7).nextBytes(level0);
        try (JdbcStore store = db == null ? JdbcStore.h2(dir) : JdbcStore.open(db, null, null)) {
            if (store.lastSeq() != 0) {
                throw new IllegalStateException("the journal is not empty: use a scratch database or directory");
            }
            boolean written = store.auditProgress().leaves() == leaves; // by an earlier run, from the same seed
            if (!written) {
                store.tamper("DELETE FROM merkle_tile", "DELETE FROM audit_node_leaf", "DELETE FROM audit_event",
                        "DELETE FROM audit_holding", "UPDATE audit_progress SET seq = 0, leaves = 0");
            }
            long t0 = System.nanoTime();
            byte[] hashes = level0;
            List<Store.MerkleTile> batch = new ArrayList<>();
            long rows = 0;
            for (int level = 0; !written && hashes.length > 0; level++) {
                int n = hashes.length / 32;
                byte[] up = new byte[(n / MerkleTiles.WIDTH) * 32];
                for (int t = 0; t * MerkleTiles.WIDTH < n; t++) {
                    int from = t * MerkleTiles.FULL_BYTES;
                    byte[] tile = Arrays.copyOfRange(hashes, from, Math.min(hashes.length, from + MerkleTiles.FULL_BYTES));
                    batch.add(new Store.MerkleTile(level, t, tile));
                    if (tile.length == MerkleTiles.FULL_BYTES) {
                        byte[][] x = MerkleTiles.expand(tile);
                        Hashes.node(x[7], 0, 32, up, t * 32); // the tile's root: node (8 * (level + 1), t)
                    }
                    if (batch.size() == 2000) {
                        store.putAudit(new Store.AuditWrite(List.copyOf(batch), List.of(), List.of(), List.of(), List.of(),
                                new Store.AuditProgress(0, 0)));
                        rows += batch.size();
                        batch.clear();
                    }
                }
                hashes = up;
            }
            if (!written) {
                store.putAudit(new Store.AuditWrite(List.copyOf(batch), List.of(), List.of(), List.of(), List.of(),
                        new Store.AuditProgress(0, leaves)));
                rows += batch.size();
                System.out.printf(Locale.ROOT, "%d leaves: %d tiles written in %.1f s (%s)%n", leaves, rows,
                        (System.nanoTime() - t0) / 1e9, store.describe());
            } else {
                System.out.printf(Locale.ROOT, "%d leaves: tiles written by an earlier run (%s)%n", leaves,
                        store.describe());
            }
            long o0 = System.nanoTime();
            try (AuditLog log = AuditLog.open(store, dir, new SecureRandom(), 0)) {
                System.out.printf(Locale.ROOT, "audit log opened on it in %.2f s%n", (System.nanoTime() - o0) / 1e9);
                SignedNote note = log.checkpoint(false);
                note.verify(log.verifier());
                Checkpoint cp = Checkpoint.parse(note.text());
                if (cp.size() != leaves) {
                    throw new IllegalStateException("checkpoint size " + cp.size() + ", expected " + leaves);
                }
                SplittableRandom random = new SplittableRandom(11);
                for (String phase : new String[] {"first 2,000 (cache cold)", "next 2,000", "next 2,000"}) {
                    long[] nanos = new long[2000];
                    for (int i = 0; i < nanos.length; i++) {
                        long idx = random.nextLong(leaves);
                        long p0 = System.nanoTime();
                        List<byte[]> proof = log.inclusionProof(idx, leaves);
                        nanos[i] = System.nanoTime() - p0;
                        byte[] leaf = Arrays.copyOfRange(level0, (int) idx * 32, (int) idx * 32 + 32);
                        ProofVerifier.verifyInclusion(idx, leaves, leaf, proof, cp.root());
                    }
                    Arrays.sort(nanos);
                    System.out.printf(Locale.ROOT, "inclusion proofs at %d leaves, %s: median %.3f ms, p99 %.3f ms,"
                            + " max %.3f ms; every proof verified against the signed root%n", leaves, phase,
                            nanos[1000] / 1e6, nanos[1980] / 1e6, nanos[1999] / 1e6);
                }
            }
        }
    }
}
