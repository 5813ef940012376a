package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.Hashes;
import org.colossus.trust.NoteKey;
import org.colossus.trust.ProofVerifier;
import org.colossus.trust.SignedNote;
import org.colossus.trust.TrustException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The transparency log over a live server's journal: signed checkpoints, inclusion of a tenant's own entries, consistency. */
class AuditLogTest {
    @TempDir
    Path dir;

    static List<String> kinds() {
        return Databases.kinds();
    }

    private static List<byte[]> hashes(JsonNode arr) {
        List<byte[]> out = new ArrayList<>();
        arr.forEach(n -> out.add(Base64.getDecoder().decode(n.asText())));
        return out;
    }

    private static Checkpoint checkpoint(Api api, String token, NoteKey.Verifier key) {
        SignedNote note = SignedNote.parse(api.get("/api/v1/audit/checkpoint", token).body());
        note.verify(key);
        return Checkpoint.parse(note.text());
    }

    /** What `colossus audit verify` will do for one tenant: every own entry is in the signed tree. */
    private static int verifyOwnEntries(Api api, String token, Checkpoint cp) {
        JsonNode entries = api.get("/api/v1/audit/entries", token).json().get("items");
        for (JsonNode e : entries) {
            long index = e.get("index").asLong();
            byte[] leaf = Hashes.leaf(e.get("canonical").asText().getBytes(StandardCharsets.UTF_8));
            JsonNode proof = api.get("/api/v1/audit/proof/inclusion?index=" + index + "&size=" + cp.size(), token).json();
            ProofVerifier.verifyInclusion(index, cp.size(), leaf, hashes(proof.get("proof")), cp.root());
        }
        return entries.size();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void tenant_verifiesOwnEntriesAndLogConsistency_acrossARestart(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        NoteKey.Verifier key;
        Checkpoint first;
        String a;
        String b;
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            String op = s.operatorToken();
            a = TestServers.tenant(api, op, "lab-a");
            b = TestServers.tenant(api, op, "lab-b");
            TestServers.contract(api, op, "lab-a", "on-demand", 64);
            TestServers.contract(api, op, "lab-b", "on-demand", 64);
            TestServers.job(api, a, "alpha-secret", 16, "on-demand", 3600);
            TestServers.job(api, b, "beta-secret", 8, "on-demand", 3600);
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            key = NoteKey.parseVerifier(api.get("/api/v1/audit/key", a).body());
            first = checkpoint(api, a, key);
            assertThat(first.size()).isEqualTo(s.engine().committedSeq());
            assertThat(verifyOwnEntries(api, a, first)).isGreaterThanOrEqualTo(4); // contract, submit, placement, ...
            String own = api.get("/api/v1/audit/entries", a).body();
            assertThat(own).contains("alpha-secret").doesNotContain("beta-secret").doesNotContain("lab-b");
        }
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            assertThat(SignedNote.parse(api.get("/api/v1/audit/checkpoint", a).body()).text())
                    .startsWith(key.name() + "\n"); // the same log key after a restart
            TestServers.job(api, a, "alpha-2", 8, "on-demand", 600);
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            Checkpoint second = checkpoint(api, a, key);
            assertThat(second.size()).isGreaterThan(first.size());
            JsonNode proof = api.get("/api/v1/audit/proof/consistency?from=" + first.size() + "&to=" + second.size(), a).json();
            ProofVerifier.verifyConsistency(first.size(), second.size(), hashes(proof.get("proof")), first.root(), second.root());
            verifyOwnEntries(api, a, second);
            assertThat(api.get("/api/v1/audit/proof/inclusion?index=0&size=" + (second.size() + 5), a).status())
                    .isEqualTo(422);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void entryEditedInTheDatabase_failsTheTenantsInclusionCheck(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        String a;
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            a = TestServers.tenant(api, s.operatorToken(), "lab-a");
            TestServers.contract(api, s.operatorToken(), "lab-a", "on-demand", 64);
            TestServers.job(api, a, "run", 16, "on-demand", 3600);
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
        }
        // The operator rewrites the job's name in the journal table.
        try (var store = org.colossus.server.journal.JdbcStore.open(
                config.dbUrl() != null ? config.dbUrl() : "jdbc:h2:file:" + dir.toAbsolutePath().resolve("colossus"), null, null)) {
            var conn = java.sql.DriverManager.getConnection(config.dbUrl() != null ? config.dbUrl()
                    : "jdbc:h2:file:" + dir.toAbsolutePath().resolve("colossus"));
            try (conn) {
                int n = conn.createStatement().executeUpdate(
                        "UPDATE journal SET payload = REPLACE(payload, '\"run\"', '\"nur\"') WHERE type = 'job.submitted'");
                assertThat(n).isEqualTo(1);
            }
        }
        // Replay cannot see it (a name is not a scheduler decision), but the edited entry is no longer the leaf that
        // was signed into the tree: the tenant's inclusion check of its own entry fails.
        try (var store = ColossusServer.openStore(config)) {
            var entries = store.range(1, 1000);
            var edited = entries.stream().filter(e -> e.type().equals("job.submitted")).findFirst().orElseThrow();
            assertThat(edited.payload()).contains("\"nur\"");
            org.colossus.trust.MerkleTree tree = new org.colossus.trust.MerkleTree(new org.colossus.trust.MerkleTree.NodeStore() {
                @Override
                public byte[] get(int level, long index) {
                    return store.merkleNode(level, index);
                }

                @Override
                public void put(int level, long index, byte[] hash) {
                    throw new UnsupportedOperationException();
                }
            }, store.merkleLeaves());
            long size = tree.size();
            long index = edited.seq() - 1;
            assertThatThrownBy(() -> ProofVerifier.verifyInclusion(index, size, Hashes.leaf(edited.canonicalBytes()),
                    tree.inclusionProof(index, size), tree.root())).isInstanceOf(TrustException.class)
                    .hasMessageContaining("different root");
        }
    }
}
