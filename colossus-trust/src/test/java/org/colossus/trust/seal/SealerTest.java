package org.colossus.trust.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.colossus.trust.TrustException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealed checkpoints: round trips, random access, and every tampering refused with nothing left behind. */
class SealerTest {
    static TenantKeyset keyset;
    static final char[] PASS = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        keyset = TenantKeyset.generate();
    }

    private Path checkpoint() throws IOException {
        Path in = dir.resolve("ckpt");
        Files.createDirectories(in.resolve("optim"));
        SplittableRandom r = new SplittableRandom(7);
        byte[] big = new byte[(3 << 20) + 12_345]; // three and a bit 1 MiB segments
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) r.nextInt();
        }
        Files.write(in.resolve("model-00001.safetensors"), big);
        Files.write(in.resolve("optim/state.bin"), Arrays.copyOf(big, 1000));
        Files.writeString(in.resolve("config.json"), "{\"step\":1200}");
        return in;
    }

    private static void assertSameTree(Path a, Path b) throws IOException {
        try (var walk = Files.walk(a)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readAllBytes(b.resolve(a.relativize(f).toString()))).as(f.toString())
                        .isEqualTo(Files.readAllBytes(f));
            }
        }
    }

    @Test
    void sealAll_thenUnsealAll_restoresEveryByte() throws IOException {
        Path in = checkpoint();
        Sealer.Manifest m = Sealer.sealAll(keyset, in, dir.resolve("sealed"), "lab-a/run-7/step-1200");
        assertThat(m.shards()).extracting(Sealer.Shard::name)
                .containsExactly("config.json", "model-00001.safetensors", "optim/state.bin");
        assertThat(m.shards().get(1).plaintextBytes()).isEqualTo((3 << 20) + 12_345);
        assertThat(m.shards()).allMatch(s -> s.keyId() == keyset.primaryKeyId());
        // Ciphertext is not plaintext: the safetensors header is not visible.
        assertThat(Files.readString(dir.resolve("sealed/config.json.sealed"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("step");
        Sealer.unsealAll(keyset, m, dir.resolve("sealed"), dir.resolve("out"), "lab-a/run-7/step-1200");
        assertSameTree(in, dir.resolve("out"));
    }

    @Test
    void readRange_decryptsOnlyTheSlice() throws IOException {
        Path in = checkpoint();
        Sealer.Manifest m = Sealer.sealAll(keyset, in, dir.resolve("sealed"), "lab-a/run-7/step-1200");
        byte[] plain = Files.readAllBytes(in.resolve("model-00001.safetensors"));
        Sealer.Shard s = m.shards().get(1);
        for (long off : new long[] {0, 1, (1 << 20) - 3, (2 << 20) + 77, plain.length - 100}) {
            byte[] got = Sealer.readRange(keyset, dir.resolve("sealed/model-00001.safetensors.sealed"), s, off, 100);
            assertThat(got).isEqualTo(Arrays.copyOfRange(plain, (int) off, (int) off + 100));
        }
        assertThatThrownBy(() -> Sealer.readRange(keyset, dir.resolve("sealed/model-00001.safetensors.sealed"), s,
                plain.length - 10, 100)).isInstanceOf(TrustException.class).hasMessageContaining("outside");
    }

    /** Each tampering is refused and leaves nothing in the output directory. */
    private void refused(Sealer.Manifest m, TenantKeyset k, String context, String message) throws IOException {
        Path out = dir.resolve("out-" + System.nanoTime());
        Files.createDirectories(out);
        assertThatThrownBy(() -> Sealer.unsealAll(k, m, dir.resolve("sealed"), out, context))
                .isInstanceOf(TrustException.class).hasMessageContaining(message);
        try (var left = Files.list(out)) {
            assertThat(left.toList()).as("nothing left behind").isEmpty();
        }
    }

    @Test
    void unsealAll_flippedBit_refused() throws IOException {
        Sealer.Manifest m = Sealer.sealAll(keyset, checkpoint(), dir.resolve("sealed"), "lab-a/run-7/step-1200");
        Path f = dir.resolve("sealed/model-00001.safetensors.sealed");
        byte[] b = Files.readAllBytes(f);
        b[(2 << 20) + 5] ^= 1;
        Files.write(f, b);
        refused(m, keyset, null, "does not decrypt");
    }

    @Test
    void unsealAll_truncated_refused() throws IOException {
        Sealer.Manifest m = Sealer.sealAll(keyset, checkpoint(), dir.resolve("sealed"), "lab-a/run-7/step-1200");
        Path f = dir.resolve("sealed/model-00001.safetensors.sealed");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, 2 << 20)); // cut at a segment boundary
        refused(m, keyset, null, "does not decrypt");
    }

    /**
     * The same bytes sealed again under the same key and context decrypt perfectly: only the manifest's digest (the
     * header and the segments' tags) tells the store's substitute from the sealed file.
     */
    @Test
    void unsealAll_anotherSealingOfTheSameShard_refusedByTheDigest() throws IOException {
        Path in = checkpoint();
        Sealer.Manifest m = Sealer.sealAll(keyset, in, dir.resolve("sealed"), "lab-a/run-7/step-1200");
        Sealer.Manifest again = Sealer.sealAll(keyset, in, dir.resolve("again"), "lab-a/run-7/step-1200");
        assertThat(again.shards().get(1).segmentTagsSha256()).isNotEqualTo(m.shards().get(1).segmentTagsSha256());
        Files.copy(dir.resolve("again/model-00001.safetensors.sealed"),
                dir.resolve("sealed/model-00001.safetensors.sealed"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refused(m, keyset, null, "its sealed file is not the one the manifest names (segment tags' SHA-256");
        Sealer.unsealAll(keyset, again, dir.resolve("again"), dir.resolve("restored"), "lab-a/run-7/step-1200");
    }

    @Test
    void unsealAll_swappedShards_refused() throws IOException {
        Sealer.Manifest m = Sealer.sealAll(keyset, checkpoint(), dir.resolve("sealed"), "lab-a/run-7/step-1200");
        Path a = dir.resolve("sealed/config.json.sealed");
        Path b = dir.resolve("sealed/optim/state.bin.sealed");
        Path t = dir.resolve("t");
        Files.move(a, t);
        Files.move(b, a);
        Files.move(t, b);
        refused(m, keyset, null, "does not decrypt");
    }

    @Test
    void unsealAll_shardFromAnotherStep_refused() throws IOException {
        Path in = checkpoint();
        Sealer.Manifest m = Sealer.sealAll(keyset, in, dir.resolve("sealed"), "lab-a/run-7/step-1200");
        Sealer.sealAll(keyset, in, dir.resolve("older"), "lab-a/run-7/step-1100");
        Files.copy(dir.resolve("older/config.json.sealed"), dir.resolve("sealed/config.json.sealed"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refused(m, keyset, null, "does not decrypt");
        // and a whole manifest of another step when this one is expected
        Sealer.Manifest older = Sealer.sealAll(keyset, in, dir.resolve("older"), "lab-a/run-7/step-1100");
        refused(older, keyset, "lab-a/run-7/step-1200", "not the expected lab-a/run-7/step-1200");
    }

    @Test
    void unsealAll_wrongKeyOrForgedContext_refused() throws IOException {
        Sealer.Manifest m = Sealer.sealAll(keyset, checkpoint(), dir.resolve("sealed"), "lab-a/run-7/step-1200");
        refused(m, TenantKeyset.generate(), null, "does not decrypt");
        List<Sealer.Shard> forged = m.shards().stream().map(s -> new Sealer.Shard(s.name(), s.plaintextBytes(),
                s.ciphertextSha256(), s.segmentTagsSha256(), s.keyId(), Sealer.associatedData("lab-a/run-7/step-9999", s.name()))).toList();
        // Without the key the forged manifest cannot carry a valid authenticator...
        refused(new Sealer.Manifest(m.format(), "lab-a/run-7/step-9999", forged, m.authenticator()), keyset, null,
                "authenticator does not open");
        // ...and even one authenticated by the key holder does not make the shards decrypt under another context.
        refused(Sealer.authenticated(keyset, "lab-a/run-7/step-9999", forged), keyset, null, "does not decrypt");
        refused(new Sealer.Manifest(m.format(), "lab-b/run-7/step-1200", m.shards(), m.authenticator()), keyset, null,
                "associated data");
    }

    /** Security review: deleting a shard's entry from manifest.json restored a partial checkpoint with exit 0. */
    @Test
    void unsealAll_manifestShardsDroppedAddedReorderedOrResized_refusedWithoutTheLog() throws IOException {
        Sealer.Manifest m = Sealer.sealAll(keyset, checkpoint(), dir.resolve("sealed"), "lab-a/run-7/step-1200");
        assertThat(m.shards()).hasSizeGreaterThanOrEqualTo(2);
        List<Sealer.Shard> all = m.shards();
        List<List<Sealer.Shard>> altered = new java.util.ArrayList<>();
        altered.add(List.of());                                            // "shards": []
        altered.add(all.subList(1, all.size()));                           // first entry deleted
        altered.add(all.subList(0, all.size() - 1));                       // last entry deleted
        List<Sealer.Shard> reversed = new java.util.ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        altered.add(reversed);                                             // reordered
        Sealer.Shard first = all.get(0);
        List<Sealer.Shard> resized = new java.util.ArrayList<>(all);
        resized.set(0, new Sealer.Shard(first.name(), first.plaintextBytes() + 1, null, first.segmentTagsSha256(), first.keyId(),
                first.associatedData()));
        altered.add(resized);                                              // a length changed
        List<Sealer.Shard> added = new java.util.ArrayList<>(all);
        Sealer.Manifest other = Sealer.sealAll(keyset, checkpoint(), dir.resolve("other"), "lab-a/run-7/step-1200");
        added.add(new Sealer.Shard("extra.bin", other.shards().get(0).plaintextBytes(),
                null, other.shards().get(0).segmentTagsSha256(), first.keyId(),
                Sealer.associatedData("lab-a/run-7/step-1200", "extra.bin")));
        altered.add(added);                                                // a shard added
        for (List<Sealer.Shard> shards : altered) {
            Sealer.Manifest forged = new Sealer.Manifest(m.format(), m.context(), shards, m.authenticator());
            refused(forged, keyset, "lab-a/run-7/step-1200", "does not match its authenticator");
            assertThatThrownBy(() -> Sealer.verifyAll(keyset, forged, dir.resolve("sealed"), null))
                    .hasMessageContaining("does not match its authenticator");
        }
        refused(new Sealer.Manifest(m.format(), m.context(), all, null), keyset, null, "has no authenticator");
        refused(new Sealer.Manifest(m.format(), m.context(), all, other.authenticator()), keyset, null,
                "does not match its authenticator");
        refused(new Sealer.Manifest("colossus-seal/v1", m.context(), all, null), keyset, null, "not authenticated");
        refused(new Sealer.Manifest(m.format(), m.context(), all, m.authenticator()), TenantKeyset.generate(), null,
                "authenticator does not open");
        Sealer.unsealAll(keyset, m, dir.resolve("sealed"), dir.resolve("restored"), "lab-a/run-7/step-1200");
    }

    @Test
    void keyset_rotateKeepsOldKeysAndFileRoundTrips() throws IOException {
        Sealer.Manifest m = Sealer.sealAll(keyset, checkpoint(), dir.resolve("sealed"), "lab-a/run-7/step-1200");
        TenantKeyset rotated = keyset.rotate();
        assertThat(rotated.keyIds()).hasSize(2).contains(keyset.primaryKeyId());
        assertThat(rotated.primaryKeyId()).isNotEqualTo(keyset.primaryKeyId());
        String file = rotated.encode(PASS, new SecureRandom());
        assertThat(file).startsWith("colossus-keyset/v1\nkdf pbkdf2-hmac-sha256 600000 ");
        TenantKeyset reopened = TenantKeyset.decode(file, PASS);
        Sealer.unsealAll(reopened, m, dir.resolve("sealed"), dir.resolve("out"), null); // old key still decrypts
        // The new primary alone cannot open what the old key sealed.
        refused(m, reopened.onlyPrimary(), null, "does not decrypt");
        assertThatThrownBy(() -> TenantKeyset.decode(file, "wrong passphrase!".toCharArray()))
                .isInstanceOf(TrustException.class).hasMessageContaining("passphrase does not open");
        String altered = file.replace("keyset A", "keyset B");
        assertThatThrownBy(() -> TenantKeyset.decode(altered.equals(file) ? file.substring(0, file.length() - 6) + "AAAA\n"
                : altered, PASS)).isInstanceOf(TrustException.class);
        assertThatThrownBy(() -> keyset.encode("short".toCharArray(), new SecureRandom()))
                .isInstanceOf(TrustException.class).hasMessageContaining("at least 12");
    }

    @Test
    void context_badForm_refused() {
        assertThatThrownBy(() -> Sealer.context("lab-a/run-7")).isInstanceOf(TrustException.class)
                .hasMessageContaining("tenant/run/step");
        assertThatThrownBy(() -> Sealer.context("lab a/run/step")).isInstanceOf(TrustException.class);
    }
}
