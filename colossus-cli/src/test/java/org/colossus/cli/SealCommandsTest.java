package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.colossus.fleet.FailureModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys, seal and unseal through the command line, as a tenant would run them. */
class SealCommandsTest {
    @TempDir
    Path dir;

    private ColossusCliTest.Result run(String... args) {
        return ColossusCliTest.run(args);
    }

    @Test
    void keysSealUnseal_roundTripRangeRotateAndRefusals() throws Exception {
        Path pass = dir.resolve("pass");
        Files.writeString(pass, "a long tenant passphrase\n");
        Path keys = dir.resolve("lab-a.keyset");
        var init = run("keys", "init", "--out", keys.toString(), "--passphrase-file", pass.toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("created", "primary", "600000 iterations");
        assertThat(Files.readString(keys)).startsWith("colossus-keyset/v1\n").doesNotContain("AES");
        assertThat(run("keys", "init", "--out", keys.toString(), "--passphrase-file", pass.toString()).err())
                .contains("exists; a keyset is never overwritten");

        Path ckpt = dir.resolve("ckpt");
        Files.createDirectories(ckpt);
        byte[] shard = new byte[(2 << 20) + 999];
        for (int i = 0; i < shard.length; i++) {
            shard[i] = (byte) (i * 31 + 7);
        }
        Files.write(ckpt.resolve("model.safetensors"), shard);
        Files.writeString(ckpt.resolve("meta.json"), "{\"step\":1200}");
        var seal = run("seal", "--keyset", keys.toString(), "--in", ckpt.toString(), "--out", dir.resolve("sealed").toString(),
                "--context", "lab-a/run-7/step-1200", "--passphrase-file", pass.toString());
        assertThat(seal.exitCode()).as(seal.err()).isZero();
        assertThat(seal.out()).contains("sealed 2 shard(s)", "lab-a/run-7/step-1200");
        assertThat(Files.readString(dir.resolve("sealed/manifest.json"))).contains("\"colossus-seal/v3\"",
                "\"segmentTagsSha256\"",
                "\"associatedData\"", "model.safetensors", "\"context\" : \"lab-a/run-7/step-1200\"");

        var unseal = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("out").toString(), "--context", "lab-a/run-7/step-1200", "--passphrase-file", pass.toString());
        assertThat(unseal.exitCode()).as(unseal.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("out/model.safetensors"))).isEqualTo(shard);
        // Plaintext only its owner can read, and never written over an existing file unless --force.
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("out/model.safetensors")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Files.writeString(dir.resolve("out/meta.json"), "mine");
        var again = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("out").toString(), "--passphrase-file", pass.toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("meta.json exists", "--force");
        assertThat(Files.readString(dir.resolve("out/meta.json"))).isEqualTo("mine");
        var forced = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("out").toString(), "--passphrase-file", pass.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.readString(dir.resolve("out/meta.json"))).isEqualTo("{\"step\":1200}");

        var range = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("slice.bin").toString(), "--shard", "model.safetensors", "--range", "2097150:10",
                "--passphrase-file", pass.toString());
        assertThat(range.exitCode()).as(range.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("slice.bin"))).isEqualTo(Arrays.copyOfRange(shard, 2097150, 2097160));

        var check = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--verify-only",
                "--context", "lab-a/run-7/step-1200", "--passphrase-file", pass.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out()).contains("every shard decrypts and matches the manifest; nothing written");
        assertThat(run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--verify-only",
                "--out", dir.resolve("o1").toString(), "--passphrase-file", pass.toString()).err())
                .contains("--verify-only writes nothing: leave out --out");
        assertThat(dir.resolve("o1")).doesNotExist();

        // A store that drops a shard's entry from manifest.json (or empties the list) restores nothing, without the log.
        Path manifest = dir.resolve("sealed/manifest.json");
        String original = Files.readString(manifest);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(original);
        ((com.fasterxml.jackson.databind.node.ArrayNode) tree.get("shards")).remove(0);
        Files.writeString(manifest, tree.toPrettyString());
        var dropped = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("o4").toString(), "--context", "lab-a/run-7/step-1200", "--passphrase-file", pass.toString());
        assertThat(dropped.exitCode()).isNotZero();
        assertThat(dropped.err()).contains("does not match its authenticator");
        assertThat(dir.resolve("o4/meta.json")).doesNotExist();
        assertThat(dir.resolve("o4/model.safetensors")).doesNotExist();
        Files.writeString(manifest, original);

        // Another step expected: refused. Wrong passphrase: refused. A flipped byte: refused, nothing written.
        assertThat(run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("o2").toString(), "--context", "lab-a/run-7/step-1300", "--passphrase-file", pass.toString())
                .err()).contains("error: the manifest is for lab-a/run-7/step-1200, not the expected lab-a/run-7/step-1300");
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "not the passphrase at all");
        assertThat(run("keys", "show", "--keyset", keys.toString(), "--passphrase-file", wrong.toString()).err())
                .contains("passphrase does not open this keyset");
        Path sealed = dir.resolve("sealed/model.safetensors.sealed");
        byte[] b = Files.readAllBytes(sealed);
        b[b.length / 2] ^= 0x40;
        Files.write(sealed, b);
        var tampered = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("o3").toString(), "--passphrase-file", pass.toString());
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.err()).contains("shard model.safetensors: does not decrypt");
        try (var left = Files.list(dir.resolve("o3"))) {
            assertThat(left.toList()).isEmpty();
        }
        var tamperedCheck = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(),
                "--verify-only", "--passphrase-file", pass.toString());
        assertThat(tamperedCheck.exitCode()).isEqualTo(1);
        assertThat(tamperedCheck.err()).contains("shard model.safetensors: does not decrypt", "does not authenticate");

        var rotate = run("keys", "rotate", "--keyset", keys.toString(), "--passphrase-file", pass.toString());
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        assertThat(rotate.out()).contains("new primary key", "2 keys in all");
        assertThat(run("keys", "show", "--keyset", keys.toString(), "--passphrase-file", pass.toString()).out().lines()
                .toList()).hasSize(2).anyMatch(l -> l.endsWith("primary"));
        Files.write(sealed, Arrays.copyOf(b, b.length)); // still tampered: refused under the rotated keyset too
        b[b.length / 2] ^= 0x40;
        Files.write(sealed, b);
        var after = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("sealed").toString(), "--out",
                dir.resolve("o4").toString(), "--passphrase-file", pass.toString());
        assertThat(after.exitCode()).as("the old key still opens what it sealed: " + after.err()).isZero();
    }

    @Test
    void sealRecord_thenUnsealCheckLog_catchesARollback() throws Exception {
        var server = org.colossus.server.ColossusServer.start(org.colossus.server.ServerConfig.defaults().withDataDir(
                dir.resolve("data")).withListen("127.0.0.1", 0).withFleet("uniform:4x8")
                .withFailures(FailureModel.OFF), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try (server) {
            String url = server.url();
            var created = run("tenant", "create", "lab-a", "--url", url, "--token", server.operatorToken());
            String token = created.out().replaceAll("(?s).*api key \\(shown once\\): (\\S+).*", "$1");
            Path pass = dir.resolve("pass");
            Files.writeString(pass, "a long tenant passphrase");
            Path keys = dir.resolve("k");
            assertThat(run("keys", "init", "--out", keys.toString(), "--passphrase-file", pass.toString()).exitCode()).isZero();
            Path ckpt = dir.resolve("ckpt");
            Files.createDirectories(ckpt);
            for (String step : new String[] {"step-1100", "step-1200"}) {
                Files.writeString(ckpt.resolve("weights.bin"), "weights at " + step);
                var seal = run("seal", "--keyset", keys.toString(), "--in", ckpt.toString(), "--out",
                        dir.resolve(step).toString(), "--context", "lab-a/run-7/" + step, "--record",
                        "--passphrase-file", pass.toString(), "--url", url, "--token", token);
                assertThat(seal.exitCode()).as(seal.err()).isZero();
                assertThat(seal.out()).contains("recorded in the operator's journal (manifest SHA-256");
            }
            var old = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("step-1100").toString(), "--out",
                    dir.resolve("o1").toString(), "--check-log", "--passphrase-file", pass.toString(), "--url", url,
                    "--token", token);
            assertThat(old.exitCode()).isEqualTo(1);
            assertThat(old.err()).contains("rollback: lab-a/run-7/step-1100 was recorded at entry",
                    "a newer checkpoint of the run, lab-a/run-7/step-1200");
            var latest = run("unseal", "--keyset", keys.toString(), "--in", dir.resolve("step-1200").toString(), "--out",
                    dir.resolve("o2").toString(), "--check-log", "--passphrase-file", pass.toString(), "--url", url,
                    "--token", token);
            assertThat(latest.exitCode()).as(latest.err()).isZero();
            assertThat(Files.readString(dir.resolve("o2/weights.bin"))).isEqualTo("weights at step-1200");
            // A context of another tenant is refused and changes nothing.
            var foreign = run("seal", "--keyset", keys.toString(), "--in", ckpt.toString(), "--out",
                    dir.resolve("x").toString(), "--context", "lab-b/run-1/step-1", "--record",
                    "--passphrase-file", pass.toString(), "--url", url, "--token", token);
            assertThat(foreign.err()).contains("context = 'lab-b/run-1/step-1': expected a context of your own tenant, lab-a/run/step");
            // The records are the tenant's own audit entries and verify like the rest.
            var verify = run("audit", "verify", "--log-key", dir.resolve("data/audit.vkey").toString(), "--state",
                    dir.resolve("a.state").toString(), "--url", url, "--token", token);
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains("PASSED");
        }
    }

    /** Checkpoints sealed before v3 (test vector made by the last v2 version, resources/seal-v2) still unseal. */
    @Test
    void unseal_v2ManifestFromTheLastVersion_restoresEveryByteAndRefusesAlterations() throws Exception {
        Path vector = Path.of(SealCommandsTest.class.getResource("/seal-v2/k.keyset").toURI()).getParent();
        Path sealed = dir.resolve("sealed");
        try (var walk = Files.walk(vector.resolve("sealed"))) {
            for (Path f : walk.toList()) {
                Path to = sealed.resolve(vector.resolve("sealed").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Path pass = dir.resolve("pass");
        Files.writeString(pass, "v2 test vector passphrase\n");
        String keys = vector.resolve("k.keyset").toString();
        String manifest = Files.readString(sealed.resolve("manifest.json"));
        assertThat(manifest).contains("\"colossus-seal/v2\"", "\"ciphertextSha256\"");

        var unseal = run("unseal", "--keyset", keys, "--in", sealed.toString(), "--out", dir.resolve("out").toString(),
                "--context", "lab-a/run-7/step-1200", "--passphrase-file", pass.toString());
        assertThat(unseal.exitCode()).as(unseal.err()).isZero();
        for (String name : new String[] {"model.bin", "opt/state.bin"}) {
            assertThat(Files.readAllBytes(dir.resolve("out").resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(vector.resolve("in").resolve(name)));
        }
        var verify = run("unseal", "--keyset", keys, "--in", sealed.toString(), "--verify-only", "--passphrase-file",
                pass.toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();

        // A recorded digest changed, the format relabelled (either way), a sealed byte flipped: each refused.
        String[][] alterations = {
                {"\"ciphertextSha256\" : \"d4", "\"ciphertextSha256\" : \"e4", "does not match its authenticator"},
                {"colossus-seal/v2", "colossus-seal/v3", "records segmentTagsSha256 (64 hex digits) and no other"},
                {"\"ciphertextSha256\"", "\"segmentTagsSha256\"", "records ciphertextSha256 (64 hex digits)"},
        };
        for (String[] a : alterations) {
            assertThat(manifest).contains(a[0]);
            Files.writeString(sealed.resolve("manifest.json"), manifest.replace(a[0], a[1]));
            var refused = run("unseal", "--keyset", keys, "--in", sealed.toString(), "--verify-only",
                    "--passphrase-file", pass.toString());
            assertThat(refused.exitCode()).as(a[1]).isNotZero();
            assertThat(refused.err()).as(a[1]).contains(a[2]);
        }
        Files.writeString(sealed.resolve("manifest.json"), manifest);
        byte[] b = Files.readAllBytes(sealed.resolve("model.bin.sealed"));
        b[100] ^= 1;
        Files.write(sealed.resolve("model.bin.sealed"), b);
        var flipped = run("unseal", "--keyset", keys, "--in", sealed.toString(), "--verify-only", "--passphrase-file",
                pass.toString());
        assertThat(flipped.exitCode()).isNotZero();
        assertThat(flipped.err()).contains("model.bin", "does not decrypt");
    }
}
