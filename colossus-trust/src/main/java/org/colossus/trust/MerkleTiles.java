package org.colossus.trust;

import java.util.Arrays;

/**
 * The tile layout of C2SP tlog-tiles: tile (L, N) holds the hashes of tree level 8·L at indices [256·N, 256·N + w),
 * w ≤ 256 (w < 256 only for the rightmost, partial tile of a level). Every complete subtree of the tree is either one
 * of those hashes or is computed from at most 128 of them inside one tile: node (8·L + h, i) with 0 ≤ h < 8 covers
 * level-8·L hashes [i·2^h, (i + 1)·2^h), which lie in tile (L, i·2^h / 256). Storing tiles instead of every node
 * writes one row per 256 leaves instead of about two per leaf.
 */
public final class MerkleTiles {
    public static final int HEIGHT = 8;
    public static final int WIDTH = 1 << HEIGHT;
    public static final int HASH_BYTES = 32;
    public static final int FULL_BYTES = WIDTH * HASH_BYTES;

    private MerkleTiles() {
    }

    /** The tile level of tree level {@code level}'s node. */
    public static int tileLevel(int level) {
        return level / HEIGHT;
    }

    /** The index, within its tile level, of the tile node ({@code level}, {@code index}) is computed from. */
    public static long tileIndex(int level, long index) {
        return (index << (level % HEIGHT)) >>> HEIGHT;
    }

    /**
     * Node ({@code level}, {@code index}) from the bytes of its tile (as {@link #tileIndex} names it), or null if the
     * tile does not hold all the hashes it needs yet.
     */
    public static byte[] node(byte[] tile, int level, long index) {
        int h = level % HEIGHT;
        int first = (int) ((index << h) & (WIDTH - 1));
        int count = 1 << h;
        if (tile == null || (first + count) * HASH_BYTES > tile.length) {
            return null;
        }
        if (count == 1) {
            return Arrays.copyOfRange(tile, first * HASH_BYTES, (first + 1) * HASH_BYTES);
        }
        byte[] row = new byte[count / 2 * HASH_BYTES];
        for (int i = 0; i < count / 2; i++) {
            Hashes.node(tile, (first + 2 * i) * HASH_BYTES, (first + 2 * i + 1) * HASH_BYTES, row, i * HASH_BYTES);
        }
        for (int n = count / 2; n > 1; n >>= 1) {
            for (int i = 0; i < n / 2; i++) {
                Hashes.node(row, 2 * i * HASH_BYTES, (2 * i + 1) * HASH_BYTES, row, i * HASH_BYTES);
            }
        }
        return Arrays.copyOf(row, HASH_BYTES);
    }

    /**
     * Every node a full tile determines, by inner height: {@code result[h]} holds the 256 / 2^h hashes of height h,
     * concatenated (255 hashes computed once, so that later lookups are copies).
     */
    public static byte[][] expand(byte[] fullTile) {
        if (fullTile.length != FULL_BYTES) {
            throw new IllegalArgumentException("a full tile has " + FULL_BYTES + " bytes, not " + fullTile.length);
        }
        byte[][] levels = new byte[HEIGHT][];
        levels[0] = fullTile;
        for (int h = 1; h < HEIGHT; h++) {
            byte[] below = levels[h - 1];
            int n = WIDTH >> h;
            byte[] out = new byte[n * HASH_BYTES];
            for (int i = 0; i < n; i++) {
                Hashes.node(below, 2 * i * HASH_BYTES, (2 * i + 1) * HASH_BYTES, out, i * HASH_BYTES);
            }
            levels[h] = out;
        }
        return levels;
    }

    /**
     * A full tile whose inner nodes are computed when first asked for, and kept. A proof needs only the inner nodes
     * over leaves it does not prove: for a page of a tenant's entries that is a fraction of the 255 that
     * {@link #expand} computes, and for one inclusion proof at most seven. Safe to share between threads: each node
     * is published through an atomic array, so a reader sees all of its bytes or computes it again.
     */
    public static final class Lazy {
        private final byte[] tile;
        // Height h (1..7), position i: slot (256 >> h) + i, so slots 2..255.
        private final java.util.concurrent.atomic.AtomicReferenceArray<byte[]> inner =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(WIDTH);

        public Lazy(byte[] fullTile) {
            if (fullTile.length != FULL_BYTES) {
                throw new IllegalArgumentException("a full tile has " + FULL_BYTES + " bytes, not " + fullTile.length);
            }
            this.tile = fullTile;
        }

        /** The tile's own bytes: its 256 hashes (not to be modified). */
        public byte[] bytes() {
            return tile;
        }

        /** Node ({@code level}, {@code index}), which this tile determines (see {@link #tileIndex}); a fresh copy. */
        public byte[] node(int level, long index) {
            int h = level % HEIGHT;
            int at = (int) (index & ((WIDTH >> h) - 1));
            if (h == 0) {
                return Arrays.copyOfRange(tile, at * HASH_BYTES, (at + 1) * HASH_BYTES);
            }
            return inner(h, at).clone();
        }

        private byte[] inner(int h, int at) {
            int slot = (WIDTH >> h) + at;
            byte[] x = inner.get(slot);
            if (x != null) {
                return x;
            }
            if (h == 1) {
                x = new byte[HASH_BYTES];
                Hashes.node(tile, 2 * at * HASH_BYTES, (2 * at + 1) * HASH_BYTES, x, 0);
            } else {
                x = Hashes.node(inner(h - 1, 2 * at), inner(h - 1, 2 * at + 1));
            }
            inner.set(slot, x);
            return x;
        }

        /** The root of the tile: node (8 (L + 1), N) of the tree. */
        public byte[] root() {
            return Hashes.node(inner(7, 0), inner(7, 1));
        }
    }

    /** Node ({@code level}, {@code index}) from an {@link #expand expanded} full tile. */
    public static byte[] node(byte[][] expanded, int level, long index) {
        int h = level % HEIGHT;
        int at = (int) (index & ((WIDTH >> h) - 1));
        return Arrays.copyOfRange(expanded[h], at * HASH_BYTES, (at + 1) * HASH_BYTES);
    }
}
