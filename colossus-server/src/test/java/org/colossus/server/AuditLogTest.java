package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.colossus.client.AuditClient;
import org.colossus.trust.Checkpoint;
import org.colossus.trust.NoteKey;
import org.colossus.trust.ProofVerifier;
import org.colossus.trust.SignedNote;
import org.colossus.trust.TenantVerifier;
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

    /** What `colossus audit verify` does for one tenant. */
    private static TenantVerifier.Report verify(ColossusServer s, String token, String tenant, NoteKey.Verifier key,
                                                TenantVerifier.State previous) {
        return new TenantVerifier(new AuditClient(s.url(), token, 3), key, tenant).verify(previous);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void tenant_verifiesOwnEntriesAndLogConsistency_acrossARestart(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        NoteKey.Verifier key;
        Checkpoint first;
        TenantVerifier.State state;
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
            assertThat(s.audit().checkpointSeq()).isEqualTo(s.engine().committedSeq());
            assertThat(first.size()).isGreaterThan(s.engine().committedSeq()); // node leaves follow placements
            TenantVerifier.Report report = verify(s, a, "lab-a", key, null);
            assertThat(report.failures()).isEmpty();
            assertThat(report.evidence()).anyMatch(l -> l.contains("own entries")).anyMatch(l -> l.contains("exclusivity: 2 nodes"));
            state = report.next();
            // The same entries as text and as base64.
            JsonNode asText = api.get("/api/v1/audit/entries", a).json().get("items");
            JsonNode asB64 = api.get("/api/v1/audit/entries?encoding=base64", a).json().get("items");
            assertThat(asB64.size()).isEqualTo(asText.size()).isPositive();
            for (int i = 0; i < asText.size(); i++) {
                assertThat(new String(Base64.getDecoder().decode(asB64.get(i).get("canonicalBase64").asText()),
                        StandardCharsets.UTF_8)).isEqualTo(asText.get(i).get("canonical").asText());
                assertThat(asB64.get(i).has("canonical")).isFalse();
                for (int j = 0; j < asText.get(i).get("nodeLeaves").size(); j++) {
                    assertThat(new String(Base64.getDecoder().decode(asB64.get(i).get("nodeLeaves").get(j)
                            .get("dataBase64").asText()), StandardCharsets.UTF_8))
                            .isEqualTo(asText.get(i).get("nodeLeaves").get(j).get("data").asText());
                }
            }
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
            TenantVerifier.Report report = verify(s, a, "lab-a", key, state);
            assertThat(report.failures()).isEmpty();
            assertThat(report.evidence()).anyMatch(l -> l.contains("consistency: size"));
            assertThat(verify(s, b, "lab-b", key, null).failures()).isEmpty();
            assertThat(api.get("/api/v1/audit/proof/inclusion?index=0&size=" + (second.size() + 5), a).status())
                    .isEqualTo(422);
        }
    }

    /**
     * A state seen once on H2 after a SIGKILL: the rightmost Merkle tile holds more hashes than the progress row
     * (written in the same transaction) says the tree has. The server refused to start; now it rebuilds the log from
     * the journal, and a tenant's earlier checkpoint is still consistent with the rebuilt one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void open_tileAheadOfProgress_rebuildsTheLogWithTheSameRoots(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        ServerConfig config = Databases.configure(TestServers.config(dir, clock), kind, dir);
        String a;
        NoteKey.Verifier key;
        Checkpoint before;
        TenantVerifier.State state;
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            a = TestServers.tenant(api, s.operatorToken(), "lab-a");
            TestServers.contract(api, s.operatorToken(), "lab-a", "on-demand", 64);
            TestServers.job(api, a, "run", 16, "on-demand", 3600);
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            key = NoteKey.parseVerifier(api.get("/api/v1/audit/key", a).body());
            before = checkpoint(api, a, key);
            TenantVerifier.Report report = verify(s, a, "lab-a", key, null);
            assertThat(report.failures()).isEmpty();
            state = report.next();
        }
        String url = config.dbUrl() != null ? config.dbUrl() : "jdbc:h2:file:" + dir.toAbsolutePath().resolve("colossus");
        try (var conn = java.sql.DriverManager.getConnection(url)) {
            assertThat(conn.createStatement().executeUpdate(
                    "UPDATE audit_progress SET seq = seq - 1, leaves = leaves - 1 WHERE id = 1")).isEqualTo(1);
        }
        assertRebuiltWithTheSameRoots(config, a, key, before, state);
        // A reset killed part-way (on H2 each table is truncated in its own commit, the progress zeroed first and the
        // tiles last): holdings and events gone, node leaves and tiles left. The next start finds the tiles ahead of
        // the zero progress and resets again; no holding is inserted twice.
        try (var conn = java.sql.DriverManager.getConnection(url)) {
            var st = conn.createStatement();
            st.executeUpdate("UPDATE audit_progress SET seq = 0, leaves = 0 WHERE id = 1");
            st.executeUpdate("DELETE FROM audit_holding");
            st.executeUpdate("DELETE FROM audit_event");
        }
        assertRebuiltWithTheSameRoots(config, a, key, before, state);
    }

    private void assertRebuiltWithTheSameRoots(ServerConfig config, String a, NoteKey.Verifier key, Checkpoint before,
                                               TenantVerifier.State state) throws Exception {
        try (ColossusServer s = TestServers.start(config)) {
            Api api = new Api(s.url());
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            Checkpoint after = checkpoint(api, a, key);
            assertThat(after.size()).isEqualTo(before.size());
            assertThat(after.root()).isEqualTo(before.root());
            TenantVerifier.Report report = verify(s, a, "lab-a", key, state);
            assertThat(report.failures()).isEmpty();
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
        // was signed into the tree: the tenant's inclusion check of its own entry fails and names it.
        try (ColossusServer s = TestServers.start(config)) {
            NoteKey.Verifier key = NoteKey.parseVerifier(new AuditClient(s.url(), a, 100).key());
            TenantVerifier.Report report = verify(s, a, "lab-a", key, null);
            assertThat(report.ok()).isFalse();
            assertThat(report.failures()).anyMatch(f -> f.contains("(job.submitted) as served now is not the leaf"));
        }
    }

    @org.junit.jupiter.api.Test
    void auditAndCheckpointEndpoints_badInput_422NamingTheFieldAndNothingJournaled() throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        try (ColossusServer s = TestServers.start(TestServers.config(dir, clock))) {
            Api api = new Api(s.url());
            String a = TestServers.tenant(api, s.operatorToken(), "lab-a");
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            long before = s.engine().committedSeq();
            String[][] bad = {
                {"GET", "/api/v1/audit/entries?size=999999", "size"},
                {"GET", "/api/v1/audit/nodes/3?limit=0", "limit"},
                {"GET", "/api/v1/audit/entries?encoding=utf7", "encoding"},
                {"GET", "/api/v1/audit/nodes/3?encoding=hex", "encoding"},
                {"POST", "/api/v1/audit/node-leaves?encoding=b64|{}", "encoding"},
                {"GET", "/api/v1/audit/proof/inclusion?index=-1", "index"},
                {"POST", "/api/v1/audit/node-leaves|{\"indices\":[0]}", "indices"},
                {"POST", "/api/v1/audit/node-leaves|{\"after\":[{\"node\":99999,\"leaf\":0}]}", "after[0].node"},
                {"POST", "/api/v1/audit/node-leaves|{\"size\":123456789}", "size"},
                {"POST", "/api/v1/checkpoints|{\"context\":\"lab-a/run/1\",\"manifestSha256\":\"xyz\",\"shards\":1,\"bytes\":1}",
                        "manifestSha256"},
                {"POST", "/api/v1/checkpoints|{\"context\":\"lab-b/run/1\",\"manifestSha256\":\"" + "a".repeat(64)
                        + "\",\"shards\":1,\"bytes\":1}", "context"},
                {"POST", "/api/v1/checkpoints|{\"context\":\"lab-a/run\",\"manifestSha256\":\"" + "a".repeat(64)
                        + "\",\"shards\":1,\"bytes\":1}", "context"},
                {"POST", "/api/v1/checkpoints|{\"context\":\"lab-a/run/1\",\"manifestSha256\":\"" + "a".repeat(64)
                        + "\",\"shards\":0,\"bytes\":1}", "shards"},
            };
            for (String[] b : bad) {
                Api.Response r;
                if (b[0].equals("GET")) {
                    r = api.get(b[1], a);
                } else {
                    String[] pb = b[1].split("\\|", 2);
                    r = api.post(pb[0], a, pb[1]);
                }
                assertThat(r.status()).as(b[1] + ": " + r.body()).isEqualTo(422);
                assertThat(r.json().get("detail").asText()).as(b[1]).startsWith(b[2]);
            }
            assertThat(s.engine().committedSeq()).isEqualTo(before);
            // The operator cannot record a tenant's checkpoint.
            assertThat(api.post("/api/v1/checkpoints", s.operatorToken(), "{\"context\":\"lab-a/run/1\"}").status())
                    .isEqualTo(403);
        }
    }

    /** C2SP tlog-tiles path of tile (level, index): the index in 3-digit groups, all but the last prefixed with x. */
    static String tilePath(int level, long index, int width) {
        return "/api/v1/audit/tile/" + new org.colossus.trust.TilePath(level, index, width);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void tiles_recomputeTheCheckpointRoot_andRefuseBadPaths(String kind) throws Exception {
        ManualClock clock = new ManualClock(TestServers.START);
        try (ColossusServer s = TestServers.start(Databases.configure(TestServers.config(dir, clock), kind, dir))) {
            Api api = new Api(s.url());
            String a = TestServers.tenant(api, s.operatorToken(), "lab-a");
            TestServers.contract(api, s.operatorToken(), "lab-a", "on-demand", 64);
            for (int i = 0; i < 300; i++) {
                TestServers.job(api, a, "job-" + i, 8, "on-demand", 3600);
            }
            s.audit().awaitCheckpoint(s.engine().committedSeq(), 5000);
            NoteKey.Verifier key = NoteKey.parseVerifier(api.get("/api/v1/audit/key", a).body());
            Checkpoint cp = checkpoint(api, a, key);
            long n = cp.size();
            assertThat(n).isGreaterThan(256);
            // Fetch the tiles a client needs for the tree of size n, as a tlog-tiles client would, then recompute
            // the root from them alone.
            java.util.Map<String, byte[]> tiles = new java.util.HashMap<>();
            for (int level = 0; (n >>> (8 * level)) > 0; level++) {
                long hashes = n >>> (8 * level);
                for (long t = 0; t * 256 < hashes; t++) {
                    int width = (int) Math.min(256, hashes - t * 256);
                    Api.Bytes r = api.getBytes(tilePath(level, t, width), a);
                    assertThat(r.status()).as(tilePath(level, t, width)).isEqualTo(200);
                    assertThat(r.body()).hasSize(width * 32);
                    assertThat(r.cacheControl()).isEqualTo(width == 256 ? "public, max-age=31536000, immutable"
                            : "public, max-age=60");
                    tiles.put(level + "/" + t, r.body());
                }
            }
            org.colossus.trust.MerkleTree fromTiles = new org.colossus.trust.MerkleTree(
                    new org.colossus.trust.MerkleTree.NodeStore() {
                        @Override
                        public byte[] get(int level, long index) {
                            return org.colossus.trust.MerkleTiles.node(tiles.get(
                                    org.colossus.trust.MerkleTiles.tileLevel(level) + "/"
                                            + org.colossus.trust.MerkleTiles.tileIndex(level, index)), level, index);
                        }

                        @Override
                        public void put(int level, long index, byte[] hash) {
                            throw new UnsupportedOperationException();
                        }
                    }, n);
            assertThat(fromTiles.root()).isEqualTo(cp.root());
            // A prefix of a tile is served as a partial tile; beyond the checkpoint is 404; bad paths are 422.
            assertThat(api.getBytes(tilePath(0, 0, 5), a).body()).isEqualTo(java.util.Arrays.copyOf(tiles.get("0/0"), 160));
            assertThat(api.getBytes(tilePath(0, n / 256 + 1, 256), a).status()).isEqualTo(404);
            assertThat(api.getBytes("/api/v1/audit/tile/0/x001/234", a).status()).isEqualTo(404);
            for (String[] bad : new String[][] {{"/api/v1/audit/tile/0/abc", "index"}, {"/api/v1/audit/tile/0/1", "index"},
                    {"/api/v1/audit/tile/0/000.p/256", "width"}, {"/api/v1/audit/tile/0/000.p/0", "width"},
                    {"/api/v1/audit/tile/64/000", "level"}, {"/api/v1/audit/tile/x/000", "level"}}) {
                Api.Response r = api.get(bad[0], a);
                assertThat(r.status()).as(bad[0]).isEqualTo(422);
                assertThat(r.json().get("field").asText()).as(bad[0]).isEqualTo(bad[1]);
            }
        }
    }
}
