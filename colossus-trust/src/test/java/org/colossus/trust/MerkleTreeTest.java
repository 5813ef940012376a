package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MerkleTreeTest {
    static final class MemoryStore implements MerkleTree.NodeStore {
        final Map<Long, byte[]>[] levels;
        int writes;

        @SuppressWarnings("unchecked")
        MemoryStore() {
            levels = new Map[64];
            for (int i = 0; i < 64; i++) {
                levels[i] = new HashMap<>();
            }
        }

        @Override
        public byte[] get(int level, long index) {
            byte[] h = levels[level].get(index);
            if (h == null) {
                throw new AssertionError("no node " + level + "/" + index);
            }
            return h;
        }

        @Override
        public void put(int level, long index, byte[] hash) {
            writes++;
            levels[level].put(index, hash);
        }
    }

    /** MTH straight from RFC 9162 section 2.1.1, recursively over the leaves. */
    static byte[] reference(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return Hashes.emptyRoot();
        }
        if (n == 1) {
            return Hashes.leaf(leaves.get(from));
        }
        int k = Integer.highestOneBit(n - 1);
        return Hashes.node(reference(leaves, from, from + k), reference(leaves, from + k, to));
    }

    @Test
    void emptyTree_rootIsSha256OfNothing() {
        MerkleTree t = new MerkleTree(new MemoryStore(), 0);
        assertThat(java.util.Base64.getEncoder().encodeToString(t.root()))
                .isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void rootsAndProofs_ofEveryPrefix_matchTheRfcAndVerify(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MemoryStore store = new MemoryStore();
        MerkleTree t = new MerkleTree(store, 0);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            byte[] d = new byte[random.nextInt(40)];
            random.nextBytes(d);
            leaves.add(d);
            t.append(d);
        }
        assertThat(store.writes).isLessThan(2 * 130); // each leaf and the parents it completes: amortized < 2
        for (int n = 1; n <= leaves.size(); n++) {
            byte[] root = t.root(n);
            assertThat(root).isEqualTo(reference(leaves, 0, n));
            for (int m = 0; m < n; m += 1 + random.nextInt(7)) {
                ProofVerifier.verifyInclusion(m, n, Hashes.leaf(leaves.get(m)), t.inclusionProof(m, n), root);
            }
            for (int m = 1; m <= n; m += 1 + random.nextInt(7)) {
                ProofVerifier.verifyConsistency(m, n, t.consistencyProof(m, n), t.root(m), root);
            }
        }
    }

    @Test
    void tamperedLeaf_failsInclusionAndConsistency() {
        MerkleTree honest = new MerkleTree(new MemoryStore(), 0);
        MerkleTree forged = new MerkleTree(new MemoryStore(), 0);
        for (int i = 0; i < 20; i++) {
            byte[] d = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            honest.append(d);
            forged.append(i == 7 ? "entry 7 (edited)".getBytes(StandardCharsets.UTF_8) : d);
        }
        byte[] root = honest.root();
        assertThatThrownBy(() -> ProofVerifier.verifyInclusion(7, 20, Hashes.leaf("entry 7 (edited)".getBytes(StandardCharsets.UTF_8)),
                forged.inclusionProof(7, 20), root)).hasMessageContaining("different root");
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(10, 20, forged.consistencyProof(10, 20), honest.root(10),
                forged.root(20))).hasMessageContaining("rewritten before size 10");
        assertThat(Arrays.equals(honest.root(7), forged.root(7))).isTrue();
    }
}
