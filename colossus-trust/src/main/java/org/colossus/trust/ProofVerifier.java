package org.colossus.trust;

import java.util.Arrays;
import java.util.List;

/**
 * The verifiers of RFC 9162 sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency). Indices and sizes are unsigned
 * 64-bit values (Java longs read as unsigned), so proofs about trees near 2^64 leaves are checked, not overflowed.
 * Every failure is a {@link TrustException} saying why.
 */
public final class ProofVerifier {
    private ProofVerifier() {
    }

    /** Checks that {@code leafHash} is leaf {@code index} of the tree of {@code size} whose root is {@code root}. */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        byte[] computed = rootFromInclusion(index, size, leafHash, proof);
        if (!Arrays.equals(computed, root)) {
            throw new TrustException("inclusion proof for leaf " + Long.toUnsignedString(index) + " in tree size "
                    + Long.toUnsignedString(size) + " gives a different root");
        }
    }

    static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (Long.compareUnsigned(index, size) >= 0) {
            throw new TrustException("leaf index " + Long.toUnsignedString(index) + " is not below the tree size "
                    + Long.toUnsignedString(size));
        }
        hashLength(leafHash, "leaf hash");
        // Step 1-2: fn = index, sn = size - 1, r = leaf hash.
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            hashLength(p, "proof element");
            if (sn == 0) {
                throw new TrustException("inclusion proof has " + proof.size() + " elements, more than the tree needs");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Hashes.node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = Hashes.node(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new TrustException("inclusion proof has " + proof.size() + " elements, fewer than the tree needs");
        }
        return r;
    }

    /** Checks that the tree of {@code size1} with {@code root1} is a prefix of the one of {@code size2} with {@code root2}. */
    public static void verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2) {
        if (Long.compareUnsigned(size1, size2) > 0) {
            throw new TrustException("consistency from size " + Long.toUnsignedString(size1) + " to the smaller size "
                    + Long.toUnsignedString(size2));
        }
        if (size1 == 0) {
            throw new TrustException("a consistency proof from the empty tree is meaningless");
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new TrustException("consistency between equal sizes takes an empty proof; got " + proof.size()
                        + " elements");
            }
            if (!Arrays.equals(root1, root2)) {
                throw new TrustException("two different roots for the same tree size " + Long.toUnsignedString(size1)
                        + " (a split view)");
            }
            return;
        }
        hashLength(root1, "first root");
        hashLength(root2, "second root");
        if (proof.isEmpty()) {
            throw new TrustException("consistency proof from " + Long.toUnsignedString(size1) + " to "
                    + Long.toUnsignedString(size2) + " is empty");
        }
        for (byte[] p : proof) {
            hashLength(p, "proof element");
        }
        // RFC 9162 section 2.1.4.2.
        List<byte[]> path = proof;
        if (Long.bitCount(size1) == 1) {
            path = new java.util.ArrayList<>(proof.size() + 1);
            path.add(root1);
            path.addAll(proof);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                throw new TrustException("consistency proof has more elements than the trees need");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Hashes.node(c, fr);
                sr = Hashes.node(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = Hashes.node(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new TrustException("consistency proof has fewer elements than the trees need");
        }
        if (!Arrays.equals(fr, root1)) {
            throw new TrustException("consistency proof does not lead to the first root: the log was rewritten before size "
                    + Long.toUnsignedString(size1));
        }
        if (!Arrays.equals(sr, root2)) {
            throw new TrustException("consistency proof does not lead to the second root");
        }
    }

    /**
     * The root of the tree of size {@code n} computed from the leaf hashes at {@code indices} (ascending, distinct)
     * and a {@link MerkleTree#multiProof}; compare it with a signed checkpoint's root.
     */
    public static byte[] rootFromMultiProof(long n, long[] indices, List<byte[]> leafHashes, List<byte[]> proof) {
        checkIndices(indices, n);
        if (leafHashes.size() != indices.length) {
            throw new TrustException(indices.length + " leaf indices but " + leafHashes.size() + " leaf hashes");
        }
        if (indices.length == 0) {
            throw new TrustException("a multi-leaf proof needs at least one leaf");
        }
        int[] next = {0};
        byte[] root = multi(indices, leafHashes, 0, indices.length, 0, n, proof, next);
        if (next[0] != proof.size()) {
            throw new TrustException("multi-leaf proof has " + proof.size() + " hashes, more than the " + next[0]
                    + " the tree needs");
        }
        return root;
    }

    private static byte[] multi(long[] idx, List<byte[]> leaves, int lo, int hi, long start, long end,
                                List<byte[]> proof, int[] next) {
        if (lo == hi) {
            if (next[0] == proof.size()) {
                throw new TrustException("multi-leaf proof has " + proof.size() + " hashes, fewer than the tree needs");
            }
            byte[] h = proof.get(next[0]++);
            hashLength(h, "proof element");
            return h;
        }
        if (end - start == 1) {
            byte[] h = leaves.get(lo);
            hashLength(h, "leaf hash");
            return h;
        }
        long mid = start + Long.highestOneBit(end - start - 1);
        int split = lo;
        while (split < hi && idx[split] < mid) {
            split++;
        }
        byte[] left = multi(idx, leaves, lo, split, start, mid, proof, next);
        byte[] right = multi(idx, leaves, split, hi, mid, end, proof, next);
        return Hashes.node(left, right);
    }

    static void checkIndices(long[] indices, long n) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new TrustException("leaf index " + indices[i] + " is not in a tree of size " + n);
            }
            if (i > 0 && indices[i] <= indices[i - 1]) {
                throw new TrustException("leaf indices must ascend without repeats; " + indices[i] + " follows "
                        + indices[i - 1]);
            }
        }
    }

    private static void hashLength(byte[] h, String what) {
        if (h == null || h.length != Hashes.SIZE) {
            throw new TrustException(what + " has " + (h == null ? 0 : h.length) + " bytes; expected " + Hashes.SIZE);
        }
    }
}
