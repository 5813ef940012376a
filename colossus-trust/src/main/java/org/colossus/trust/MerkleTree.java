package org.colossus.trust;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 9162 Merkle tree over a {@link NodeStore}. Only complete (perfect, aligned) subtrees are stored:
 * node (level, index) covers leaves [index * 2^level, (index + 1) * 2^level). Appending a leaf stores it and the
 * parents it completes, O(log n) hashes and writes, never a rebuild; any earlier tree's root, inclusion proofs
 * (section 2.1.3.1) and consistency proofs (section 2.1.4.1) are computed from the stored subtrees.
 *
 * <p>Not thread-safe for appends; reads of sizes already appended may run concurrently if the store allows it.
 */
public final class MerkleTree {
    /** Where the complete subtrees live: memory for tests and benchmarks, the journal's database in the server. */
    public interface NodeStore {
        byte[] get(int level, long index);

        void put(int level, long index, byte[] hash);
    }

    private final NodeStore store;
    private long size;

    /** A tree over {@code store} that already holds {@code size} leaves. */
    public MerkleTree(NodeStore store, long size) {
        this.store = store;
        this.size = size;
    }

    public long size() {
        return size;
    }

    /** Appends the leaf hash of {@code data}; returns its index. */
    public long append(byte[] data) {
        return appendLeafHash(Hashes.leaf(data));
    }

    public long appendLeafHash(byte[] leafHash) {
        long index = size;
        store.put(0, index, leafHash);
        byte[] hash = leafHash;
        long i = index;
        int level = 0;
        while ((i & 1) == 1) {
            hash = Hashes.node(store.get(level, i - 1), hash);
            i >>>= 1;
            level++;
            store.put(level, i, hash);
        }
        size = index + 1;
        return index;
    }

    public byte[] root() {
        return root(size);
    }

    /** MTH(D[0:n]) for any n up to the current size. */
    public byte[] root(long n) {
        check(n);
        return n == 0 ? Hashes.emptyRoot() : hash(0, n);
    }

    /** MTH(D[start:end]) where the range is one the RFC's recursion produces (start aligned to the split). */
    private byte[] hash(long start, long end) {
        long width = end - start;
        if (Long.bitCount(width) == 1 && start % width == 0) {
            return store.get(Long.numberOfTrailingZeros(width), start / width);
        }
        long k = Long.highestOneBit(width - 1);
        return Hashes.node(hash(start, start + k), hash(start + k, end));
    }

    /** The audit path of leaf {@code index} in the tree of size {@code n} (RFC 9162 section 2.1.3.1). */
    public List<byte[]> inclusionProof(long index, long n) {
        check(n);
        if (index < 0 || index >= n) {
            throw new TrustException("leaf index " + index + " is not in a tree of size " + n);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, n, path);
        return path;
    }

    private void path(long m, long start, long end, List<byte[]> out) {
        long width = end - start;
        if (width == 1) {
            return;
        }
        long k = Long.highestOneBit(width - 1);
        if (m < k) {
            path(m, start, start + k, out);
            out.add(hash(start + k, end));
        } else {
            path(m - k, start + k, end, out);
            out.add(hash(start, start + k));
        }
    }

    /** The consistency proof from the tree of size {@code m} to the one of size {@code n} (section 2.1.4.1). */
    public List<byte[]> consistencyProof(long m, long n) {
        check(n);
        if (m < 1 || m > n) {
            throw new TrustException("consistency from size " + m + " to " + n + ": expected 1 <= first size <= second size");
        }
        List<byte[]> proof = new ArrayList<>();
        if (m < n) {
            subproof(m, 0, n, true, proof);
        }
        return proof;
    }

    private void subproof(long m, long start, long end, boolean complete, List<byte[]> out) {
        long width = end - start;
        if (m == width) {
            if (!complete) {
                out.add(hash(start, end));
            }
            return;
        }
        long k = Long.highestOneBit(width - 1);
        if (m <= k) {
            subproof(m, start, start + k, complete, out);
            out.add(hash(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, out);
            out.add(hash(start, start + k));
        }
    }

    /**
     * A proof that the leaves at {@code indices} (ascending, distinct) are in the tree of size {@code n}: the hashes
     * of the maximal subtrees of the RFC's recursion that contain none of them, in depth-first order. For many
     * leaves of one tenant this is far smaller than one audit path each, since shared path nodes appear once.
     * {@link ProofVerifier#rootFromMultiProof} recomputes the root.
     */
    public List<byte[]> multiProof(long[] indices, long n) {
        check(n);
        ProofVerifier.checkIndices(indices, n);
        List<byte[]> out = new ArrayList<>();
        if (indices.length > 0) {
            multi(indices, 0, indices.length, 0, n, out);
        }
        return out;
    }

    private void multi(long[] idx, int lo, int hi, long start, long end, List<byte[]> out) {
        if (lo == hi) {
            out.add(hash(start, end));
            return;
        }
        if (end - start == 1) {
            return;
        }
        long mid = start + Long.highestOneBit(end - start - 1);
        int split = lo;
        while (split < hi && idx[split] < mid) {
            split++;
        }
        multi(idx, lo, split, start, mid, out);
        multi(idx, split, hi, mid, end, out);
    }

    private void check(long n) {
        if (n < 0 || n > size) {
            throw new TrustException("tree size " + n + " is not between 0 and the log's size " + size);
        }
    }
}
