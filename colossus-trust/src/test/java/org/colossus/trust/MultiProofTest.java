package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultiProofTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void multiProof_randomLeafSets_recomputeTheRootAndRejectTampering(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MerkleTreeTest.MemoryStore store = new MerkleTreeTest.MemoryStore();
        MerkleTree tree = new MerkleTree(store, 0);
        List<byte[]> leaves = new ArrayList<>();
        int size = 1 + random.nextInt(700);
        for (int i = 0; i < size; i++) {
            byte[] d = ("leaf " + seed + " " + i).getBytes(StandardCharsets.UTF_8);
            leaves.add(Hashes.leaf(d));
            tree.append(d);
        }
        for (int round = 0; round < 20; round++) {
            long n = 1 + random.nextInt(size);
            TreeSet<Long> pick = new TreeSet<>();
            int count = 1 + random.nextInt((int) Math.min(n, 40));
            while (pick.size() < count) {
                pick.add((long) random.nextInt((int) n));
            }
            long[] idx = pick.stream().mapToLong(Long::longValue).toArray();
            List<byte[]> hashes = pick.stream().map(i -> leaves.get(i.intValue())).toList();
            List<byte[]> proof = tree.multiProof(idx, n);
            byte[] root = ProofVerifier.rootFromMultiProof(n, idx, hashes, proof);
            assertThat(root).as("n=%d leaves=%s", n, pick).isEqualTo(tree.root(n));
            if (idx.length == 1) {
                assertThat(proof).hasSameSizeAs(tree.inclusionProof(idx[0], n));
            }
            // A changed leaf gives another root; a missing or extra proof hash is refused.
            List<byte[]> changed = new ArrayList<>(hashes);
            changed.set(0, Hashes.leaf("forged".getBytes(StandardCharsets.UTF_8)));
            assertThat(ProofVerifier.rootFromMultiProof(n, idx, changed, proof)).isNotEqualTo(tree.root(n));
            if (!proof.isEmpty()) {
                assertThatThrownBy(() -> ProofVerifier.rootFromMultiProof(n, idx, hashes, proof.subList(1, proof.size())))
                        .isInstanceOf(TrustException.class).hasMessageContaining("fewer");
            }
            List<byte[]> longer = new ArrayList<>(proof);
            longer.add(new byte[32]);
            assertThatThrownBy(() -> ProofVerifier.rootFromMultiProof(n, idx, hashes, longer))
                    .isInstanceOf(TrustException.class).hasMessageContaining("more");
        }
    }

    @ParameterizedTest(name = "indices {0}")
    @ValueSource(strings = {"3,3", "4,2", "-1", "9"})
    void multiProof_badIndices_refused(String list) {
        long[] idx = java.util.Arrays.stream(list.split(",")).mapToLong(Long::parseLong).toArray();
        MerkleTree tree = new MerkleTree(new MerkleTreeTest.MemoryStore(), 0);
        for (int i = 0; i < 9; i++) {
            tree.append(new byte[] {(byte) i});
        }
        assertThatThrownBy(() -> tree.multiProof(idx, 9)).isInstanceOf(TrustException.class);
    }
}
