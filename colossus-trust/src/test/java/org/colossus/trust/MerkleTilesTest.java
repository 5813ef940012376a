package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every complete subtree the tree stores is found again from the tiles alone, at sizes around tile boundaries. */
class MerkleTilesTest {
    /** A tree over memory that keeps every node, and the tiles built from levels 0, 8 and 16. */
    private static final class AllNodes implements MerkleTree.NodeStore {
        final Map<Long, byte[]> nodes = new HashMap<>();
        final Map<Long, ByteArrayOutputStream> tiles = new HashMap<>();

        static long key(int level, long index) {
            return ((long) level << 56) | index;
        }

        @Override
        public byte[] get(int level, long index) {
            return nodes.get(key(level, index));
        }

        @Override
        public void put(int level, long index, byte[] hash) {
            nodes.put(key(level, index), hash);
            if (level % MerkleTiles.HEIGHT == 0) {
                long tile = key(MerkleTiles.tileLevel(level), index >>> MerkleTiles.HEIGHT);
                ByteArrayOutputStream t = tiles.computeIfAbsent(tile, k -> new ByteArrayOutputStream());
                assertThat(t.size()).isEqualTo((index & 255) * 32); // hashes arrive in order, without gaps
                t.writeBytes(hash);
            }
        }

        byte[] tile(int level, long index) {
            ByteArrayOutputStream t = tiles.get(key(MerkleTiles.tileLevel(level), MerkleTiles.tileIndex(level, index)));
            return t == null ? null : t.toByteArray();
        }
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {1, 2, 255, 256, 257, 511, 4096, 65535, 65536, 65537, 70_001})
    void node_everyStoredSubtree_computedFromItsTile(long size) {
        AllNodes all = new AllNodes();
        MerkleTree tree = new MerkleTree(all, 0);
        SplittableRandom r = new SplittableRandom(size);
        for (long i = 0; i < size; i++) {
            tree.append(Long.toString(r.nextLong()).getBytes());
        }
        Map<Long, byte[][]> expanded = new HashMap<>();
        Map<Long, MerkleTiles.Lazy> lazy = new HashMap<>();
        for (var e : all.nodes.entrySet()) {
            int level = (int) (e.getKey() >>> 56);
            long index = e.getKey() & ((1L << 56) - 1);
            byte[] tile = all.tile(level, index);
            assertThat(MerkleTiles.node(tile, level, index)).as("node %d/%d", level, index).isEqualTo(e.getValue());
            if (tile.length == MerkleTiles.FULL_BYTES) {
                byte[][] x = expanded.computeIfAbsent(AllNodes.key(MerkleTiles.tileLevel(level),
                        MerkleTiles.tileIndex(level, index)), k -> MerkleTiles.expand(tile));
                assertThat(MerkleTiles.node(x, level, index)).as("expanded %d/%d", level, index).isEqualTo(e.getValue());
                MerkleTiles.Lazy z = lazy.computeIfAbsent(AllNodes.key(MerkleTiles.tileLevel(level),
                        MerkleTiles.tileIndex(level, index)), k -> new MerkleTiles.Lazy(tile));
                assertThat(z.node(level, index)).as("lazy %d/%d", level, index).isEqualTo(e.getValue());
                byte[] up = all.nodes.get(AllNodes.key(8 * (MerkleTiles.tileLevel(level) + 1),
                        MerkleTiles.tileIndex(level, index)));
                if (up != null) {
                    assertThat(z.root()).as("root of the tile of %d/%d", level, index).isEqualTo(up);
                }
            }
        }
        // A subtree the tree does not have yet (the right edge) is not in its tile either.
        int level = 63 - Long.numberOfLeadingZeros(size) + 1;
        if (level % MerkleTiles.HEIGHT != 0) {
            assertThat(MerkleTiles.node(all.tile(level, 0), level, 0)).isNull();
        }
        assertThat(MerkleTiles.node((byte[]) null, 3, 0)).isNull();
    }

    @org.junit.jupiter.api.RepeatedTest(value = 3, name = "seed {currentRepetition}")
    void lazy_sharedBetweenThreads_everyNodeAsExpanded(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
        byte[] tile = new byte[MerkleTiles.FULL_BYTES];
        new SplittableRandom(info.getCurrentRepetition()).nextBytes(tile);
        byte[][] expanded = MerkleTiles.expand(tile);
        MerkleTiles.Lazy lazy = new MerkleTiles.Lazy(tile);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                all.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < 2000; i++) {
                        int h = r.nextInt(MerkleTiles.HEIGHT);
                        int at = r.nextInt(MerkleTiles.WIDTH >> h);
                        assertThat(lazy.node(h, at)).isEqualTo(MerkleTiles.node(expanded, h, at));
                    }
                }));
            }
            for (var f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        byte[] copy = lazy.node(3, 1);
        copy[0] ^= 1; // callers get copies: the tile's nodes cannot be changed through them
        assertThat(lazy.node(3, 1)).isEqualTo(MerkleTiles.node(expanded, 3, 1));
    }
}
