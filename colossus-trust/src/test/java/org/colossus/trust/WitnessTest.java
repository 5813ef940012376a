package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WitnessTest {
    static final String ORIGIN = "colossus.test/log";
    final SecureRandom random = new SecureRandom();
    final NoteKey.Signer logKey = NoteKey.generate(ORIGIN, random);
    final Map<String, Witness.Latest> memory = new HashMap<>();
    final Witness.State state = new Witness.State() {
        @Override
        public Optional<Witness.Latest> latest(String origin) {
            return Optional.ofNullable(memory.get(origin));
        }

        @Override
        public void store(String origin, Witness.Latest latest) {
            memory.put(origin, latest);
        }
    };
    final Witness witness = new Witness(NoteKey.generate("witness.test/w1", random), Map.of(ORIGIN, logKey.verifier()),
            state, InstantSource.fixed(Instant.parse("2026-11-25T00:00:00Z")));
    final MerkleTree tree = new MerkleTree(new MerkleTreeTest.MemoryStore(), 0);

    private void grow(int n) {
        for (int i = 0; i < n; i++) {
            tree.append(("entry " + tree.size()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private String signed(long size, byte[] root, NoteKey.Signer by) {
        return SignedNote.sign(new Checkpoint(ORIGIN, size, root).text(), by).encode();
    }

    @Test
    void consistentCheckpoints_areCosigned_andTheCosignatureVerifies() {
        grow(10);
        SignedNote.Line first = witness.addCheckpoint(0, List.of(), signed(10, tree.root(), logKey));
        grow(7);
        String note = signed(17, tree.root(), logKey);
        SignedNote.Line second = witness.addCheckpoint(10, tree.consistencyProof(10, 17), note);
        SignedNote cosigned = SignedNote.parse(note).withSignature(second);
        assertThat(Cosignature.verify(SignedNote.parse(cosigned.encode()), witness.verifier()))
                .isEqualTo(Instant.parse("2026-11-25T00:00:00Z").getEpochSecond());
        assertThat(Cosignature.count(cosigned, List.of(witness.verifier(),
                NoteKey.generate("witness.test/w2", random).asCosigner().verifier()))).isEqualTo(1);
        assertThat(first.signature()).hasSize(72);
        assertThat(NoteKey.parseVerifier(witness.verifier().encode()).keyId()).isEqualTo(witness.verifier().keyId());
    }

    @Test
    void rollbackForkSplitViewAndForgery_areRefused() {
        grow(10);
        witness.addCheckpoint(0, List.of(), signed(10, tree.root(), logKey));
        // Rollback: a smaller tree.
        assertThatThrownBy(() -> witness.addCheckpoint(10, List.of(), signed(8, tree.root(8), logKey)))
                .isInstanceOfSatisfying(Witness.Refusal.class, r -> assertThat(r.status()).isEqualTo(400))
                .hasMessageContaining("rollback");
        // Stale client: it thinks the witness is at 5.
        assertThatThrownBy(() -> witness.addCheckpoint(5, List.of(), signed(12, tree.root(), logKey)))
                .isInstanceOfSatisfying(Witness.Refusal.class, r -> assertThat(r.latestSize()).isEqualTo(10));
        // Split view: same size, another root.
        MerkleTree other = new MerkleTree(new MerkleTreeTest.MemoryStore(), 0);
        for (int i = 0; i < 12; i++) {
            other.append(("entry " + (i == 3 ? "3 edited" : i)).getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> witness.addCheckpoint(10, List.of(), signed(10, other.root(10), logKey)))
                .hasMessageContaining("split view");
        // Fork: a rewritten history regrown past the witnessed size.
        assertThatThrownBy(() -> witness.addCheckpoint(10, other.consistencyProof(10, 12), signed(12, other.root(), logKey)))
                .isInstanceOfSatisfying(Witness.Refusal.class, r -> assertThat(r.status()).isEqualTo(422))
                .hasMessageContaining("not consistent");
        // Forgery: signed by a key that is not the log's.
        grow(2);
        assertThatThrownBy(() -> witness.addCheckpoint(10, tree.consistencyProof(10, 12),
                signed(12, tree.root(), NoteKey.generate(ORIGIN, random))))
                .isInstanceOfSatisfying(Witness.Refusal.class, r -> assertThat(r.status()).isEqualTo(403));
        // None of that moved the witness.
        assertThat(memory.get(ORIGIN).size()).isEqualTo(10);
    }
}
