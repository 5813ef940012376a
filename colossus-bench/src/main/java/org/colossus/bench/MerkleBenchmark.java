package org.colossus.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.colossus.trust.Hashes;
import org.colossus.trust.MerkleTiles;
import org.colossus.trust.MerkleTree;
import org.colossus.trust.ProofVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transparency log's hot paths on a 10,000,000-leaf tree held in flat per-level arrays: appending a leaf
 * (hash + the parents it completes), serving an inclusion proof for a random leaf at the full size, and verifying
 * one. Run: {@code java -jar colossus-bench/target/benchmarks.jar Merkle}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class MerkleBenchmark {
    static final int LEAVES = 10_000_000;

    /** Level l holds (capacity >> l) hashes of 32 bytes in one array. */
    static final class FlatStore implements MerkleTree.NodeStore {
        final byte[][] levels = new byte[40][];

        FlatStore(long capacity) {
            for (int l = 0; l < levels.length && (capacity >> l) > 0; l++) {
                levels[l] = new byte[(int) ((capacity >> l) + 1) * 32];
            }
        }

        @Override
        public byte[] get(int level, long index) {
            byte[] out = new byte[32];
            System.arraycopy(levels[level], (int) index * 32, out, 0, 32);
            return out;
        }

        @Override
        public void put(int level, long index, byte[] hash) {
            System.arraycopy(hash, 0, levels[level], (int) index * 32, 32);
        }
    }

    /**
     * The server's layout ({@code MerkleTiles}, C2SP tlog-tiles): only levels 0, 8, 16, ... kept, 256 hashes per tile;
     * every other node recomputed from its tile on each read, as on a cache miss in the server.
     */
    static final class TileStore implements MerkleTree.NodeStore {
        final java.util.Map<Long, byte[]> tiles = new java.util.HashMap<>();

        TileStore(FlatStore flat, long leaves) {
            for (int t = 0; MerkleTiles.HEIGHT * t < flat.levels.length && (leaves >> (MerkleTiles.HEIGHT * t)) > 0; t++) {
                long count = leaves >> (MerkleTiles.HEIGHT * t);
                for (long n = 0; n * MerkleTiles.WIDTH < count; n++) {
                    long from = n * MerkleTiles.WIDTH;
                    long to = Math.min(count, from + MerkleTiles.WIDTH);
                    tiles.put(key(t, n), java.util.Arrays.copyOfRange(flat.levels[MerkleTiles.HEIGHT * t],
                            (int) from * 32, (int) to * 32));
                }
            }
        }

        static long key(int tileLevel, long index) {
            return ((long) tileLevel << 56) | index;
        }

        @Override
        public byte[] get(int level, long index) {
            return MerkleTiles.node(tiles.get(key(MerkleTiles.tileLevel(level), MerkleTiles.tileIndex(level, index))),
                    level, index);
        }

        @Override
        public void put(int level, long index, byte[] hash) {
            throw new UnsupportedOperationException("read-only");
        }
    }

    MerkleTree big;
    MerkleTree bigTiles;
    MerkleTree growing;
    MerkleTree.NodeStore bigStore;
    byte[] entry = new byte[300];
    SplittableRandom random = new SplittableRandom(1);
    byte[] bigRoot;
    long provenLeaf;
    List<byte[]> proof;

    @Setup(Level.Trial)
    public void build() {
        bigStore = new FlatStore(LEAVES);
        big = new MerkleTree(bigStore, 0);
        byte[] d = new byte[64];
        for (int i = 0; i < LEAVES; i++) {
            d[0] = (byte) i;
            d[1] = (byte) (i >>> 8);
            d[2] = (byte) (i >>> 16);
            big.append(d);
        }
        bigRoot = big.root();
        FlatStore flat = (FlatStore) bigStore;
        bigTiles = new MerkleTree(new TileStore(flat, LEAVES), LEAVES);
        provenLeaf = 7_654_321;
        proof = big.inclusionProof(provenLeaf, LEAVES);
        growing = new MerkleTree(new FlatStore(1L << 24), 0);
        random.nextBytes(entry);
    }

    /** One journal entry's leaf: SHA-256 of ~300 bytes, then the parents it completes. */
    @Benchmark
    public long append() {
        if (growing.size() == (1L << 24) - 1) {
            growing = new MerkleTree(new FlatStore(1L << 24), 0);
        }
        return growing.append(entry);
    }

    @Benchmark
    public List<byte[]> inclusionProofAt10M() {
        return big.inclusionProof(random.nextLong(LEAVES), LEAVES);
    }

    /** The same proof with its nodes computed from tiles (at most 127 hashes per node; no cache). */
    @Benchmark
    public List<byte[]> inclusionProofAt10MFromTiles() {
        return bigTiles.inclusionProof(random.nextLong(LEAVES), LEAVES);
    }

    @Benchmark
    public List<byte[]> consistencyProofAt10M() {
        return big.consistencyProof(1 + random.nextLong(LEAVES - 1), LEAVES);
    }

    @Benchmark
    public boolean verifyInclusionAt10M() {
        byte[] d = new byte[64];
        d[0] = (byte) provenLeaf;
        d[1] = (byte) (provenLeaf >>> 8);
        d[2] = (byte) (provenLeaf >>> 16);
        ProofVerifier.verifyInclusion(provenLeaf, LEAVES, Hashes.leaf(d), proof, bigRoot);
        return true;
    }
}
