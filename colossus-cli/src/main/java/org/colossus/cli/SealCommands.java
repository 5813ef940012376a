package org.colossus.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.colossus.trust.TrustException;
import org.colossus.trust.seal.Sealer;
import org.colossus.trust.seal.TenantKeyset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colossus keys}, {@code seal} and {@code unseal}: a tenant's checkpoint keys, held by the tenant only
 * (docs/trust.md). The operator never sees the keyset or its passphrase.
 */
final class SealCommands {
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** A shard records one digest, as its manifest's format says; the other is left out, not written as null. */
    private static final ObjectMapper MANIFEST_WRITER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private SealCommands() {
    }

    /** Where the passphrase comes from: a file, $COLOSSUS_KEYSET_PASSPHRASE, or the terminal. */
    static class Passphrase {
        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "Read the keyset passphrase from this file (default: $COLOSSUS_KEYSET_PASSPHRASE, else a prompt).")
        Path file;

        char[] read(boolean confirm) {
            if (file != null) {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
                } catch (IOException e) {
                    throw new CliException("--passphrase-file " + file + ": " + e.getMessage());
                }
            }
            String env = System.getenv("COLOSSUS_KEYSET_PASSPHRASE");
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new CliException("no passphrase: set COLOSSUS_KEYSET_PASSPHRASE, pass --passphrase-file, or run in a terminal");
            }
            char[] p = console.readPassword("keyset passphrase: ");
            if (confirm) {
                char[] again = console.readPassword("again: ");
                if (!Arrays.equals(p, again)) {
                    throw new CliException("the passphrases differ");
                }
            }
            return p;
        }
    }

    static TenantKeyset open(Path keysetFile, Passphrase passphrase) {
        String text;
        try {
            text = Files.readString(keysetFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("--keyset " + keysetFile + ": " + e.getMessage());
        }
        char[] p = passphrase.read(false);
        try {
            return TenantKeyset.decode(text, p);
        } catch (TrustException e) {
            throw new CliException("--keyset " + keysetFile + ": " + e.getMessage());
        } finally {
            Arrays.fill(p, '\0');
        }
    }

    static void write(Path file, String text, boolean replace) {
        if (!replace && Files.exists(file)) {
            throw new CliException(file + " exists; a keyset is never overwritten (use 'keys rotate')");
        }
        OwnerFiles.writeOrFail(file, text, replace, "file");
    }

    /** The keyset file and its passphrase, shared by every command that opens a keyset. */
    static class KeysetOptions extends Passphrase {
        @Option(names = "--keyset", required = true, paramLabel = "FILE", description = "The tenant's keyset file.")
        Path keyset;

        TenantKeyset open() {
            return SealCommands.open(keyset, this);
        }
    }

    /** Encrypts {@code keyset} under {@code passphrase} into {@code file}, then wipes the passphrase. */
    private static void store(Path file, TenantKeyset keyset, char[] passphrase, boolean replace) {
        try {
            write(file, keyset.encode(passphrase, new SecureRandom()), replace);
        } catch (TrustException e) {
            throw new CliException(e.getMessage());
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "A tenant's checkpoint keyset (Tink).",
            subcommands = {KeysInit.class, KeysRotate.class, KeysShow.class})
    static final class Keys {
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a keyset (streaming AEAD AES256_GCM_HKDF_1MB), encrypted under the passphrase.")
    static final class KeysInit implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The keyset file to create.")
        Path out;

        @picocli.CommandLine.Mixin
        Passphrase passphrase;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (Files.exists(out)) {
                throw new CliException("--out " + out + " exists; a keyset is never overwritten (use 'keys rotate')");
            }
            TenantKeyset k = TenantKeyset.generate();
            store(out, k, passphrase.read(true), false);
            spec.commandLine().getOut().println("keyset " + out + " created: key " + Integer.toUnsignedString(k.primaryKeyId())
                    + " (primary), encrypted under the passphrase (PBKDF2-HMAC-SHA256, "
                    + TenantKeyset.PBKDF2_ITERATIONS + " iterations). Keep both; the operator has neither.");
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new primary key; the old ones stay to decrypt what they sealed.")
    static final class KeysRotate implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        KeysetOptions keys;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TenantKeyset rotated = keys.open().rotate();
            store(keys.keyset, rotated, keys.read(false), true);
            spec.commandLine().getOut().println("keyset " + keys.keyset + ": new primary key "
                    + Integer.toUnsignedString(rotated.primaryKeyId()) + "; " + rotated.keyIds().size() + " keys in all");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "List a keyset's key ids (never the keys).")
    static final class KeysShow implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        KeysetOptions keys;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TenantKeyset k = keys.open();
            PrintWriter out = spec.commandLine().getOut();
            for (int id : k.keyIds()) {
                out.println(Integer.toUnsignedString(id) + (id == k.primaryKeyId() ? "  primary" : ""));
            }
            return 0;
        }
    }

    @Command(name = "seal", mixinStandardHelpOptions = true,
            description = {"Encrypt checkpoint shards (a file or a directory, whole files) with the keyset's primary key;",
                    "writes NAME.sealed for each and manifest.json (name, length, SHA-256 of the segments' tags, key id,",
                    "associated data binding tenant/run/step and the name)."})
    static final class Seal implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        KeysetOptions keys;

        @Option(names = "--in", required = true, paramLabel = "DIR|FILE")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--context", required = true, paramLabel = "TENANT/RUN/STEP")
        String context;

        @Option(names = "--record", description = "Also record the manifest's SHA-256 in the operator's journal and audit"
                + " log (needs the server: --url/--token or $COLOSSUS_URL/$COLOSSUS_TOKEN, a tenant's token).")
        boolean record;

        @picocli.CommandLine.Mixin
        ApiClient api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                Sealer.context(context);
            } catch (TrustException e) {
                throw new CliException("--" + e.getMessage());
            }
            Sealer.warmUpInBackground(bytesUnder(in));
            TenantKeyset k = keys.open();
            long t0 = System.nanoTime();
            Sealer.Manifest m;
            try {
                m = Sealer.sealAll(k, in, out, context);
            } catch (TrustException e) {
                throw new CliException(e.getMessage());
            }
            try {
                write(out.resolve(MANIFEST), MANIFEST_WRITER.writeValueAsString(m) + "\n", true);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write the manifest", e);
            }
            long bytes = m.shards().stream().mapToLong(Sealer.Shard::plaintextBytes).sum();
            double s = (System.nanoTime() - t0) / 1e9;
            spec.commandLine().getOut().printf(java.util.Locale.ROOT, "sealed %d shard(s), %d bytes, for %s with key %s in"
                            + " %.2f s (%.0f MB/s); manifest %s%n", m.shards().size(), bytes, context,
                    Integer.toUnsignedString(k.primaryKeyId()), s, bytes / 1e6 / s, out.resolve(MANIFEST));
            if (record) {
                var body = ApiClient.MAPPER.createObjectNode();
                body.put("context", context);
                body.put("manifestSha256", manifestSha256(out.resolve(MANIFEST)));
                body.put("shards", m.shards().size());
                body.put("bytes", bytes);
                api.post("/api/v1/checkpoints", body);
                spec.commandLine().getOut().println("recorded in the operator's journal (manifest SHA-256 "
                        + body.get("manifestSha256").asText() + "); `audit verify` proves it is in the log");
            }
            return 0;
        }
    }

    /** The bytes of the regular files under {@code in} (0 where it cannot tell: sealing reports why). */
    private static long bytesUnder(Path in) {
        try (var walk = Files.walk(in)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    static String manifestSha256(Path manifest) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(manifest)));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new CliException("cannot read " + manifest + ": " + e.getMessage());
        }
    }

    @Command(name = "unseal", mixinStandardHelpOptions = true,
            description = {"Decrypt a sealed checkpoint after checking it against its manifest; all shards or none.",
                    "With --shard and --range, decrypt only a byte range of one shard; with --verify-only, check every",
                    "shard without writing any plaintext."})
    static final class Unseal implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        KeysetOptions keys;

        @Option(names = "--in", required = true, paramLabel = "DIR", description = "The sealed directory (with manifest.json).")
        Path in;

        @Option(names = "--out", paramLabel = "DIR|FILE", description = "Where the plaintext goes (not with --verify-only).")
        Path out;

        @Option(names = "--verify-only", description = "Decrypt and check every shard against the manifest, keep nothing.")
        boolean verifyOnly;

        @Option(names = "--context", paramLabel = "TENANT/RUN/STEP",
                description = "Refuse a checkpoint of any other context (e.g. an older step served instead).")
        String context;

        @Option(names = "--shard", paramLabel = "NAME", description = "Only this shard (with --range).")
        String shard;

        @Option(names = "--range", paramLabel = "OFFSET:LENGTH", description = "Bytes of --shard to decrypt into --out.")
        String range;

        @Option(names = "--force", description = "Replace files already at the output (by default unseal refuses to).")
        boolean force;

        @Option(names = "--check-log", description = "Refuse unless this manifest is the latest one recorded for its run in"
                + " the operator's journal (seal --record): catches a rollback to an older checkpoint.")
        boolean checkLog;

        @picocli.CommandLine.Mixin
        ApiClient api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Sealer.Manifest m;
            Path manifest = in.resolve(MANIFEST);
            try {
                m = READER.readValue(manifest.toFile(), Sealer.Manifest.class);
            } catch (IOException e) {
                throw new CliException("--in " + in + ": cannot read " + MANIFEST + ": " + e.getMessage());
            }
            if (m.shards() == null || m.context() == null) {
                throw new CliException(manifest + ": no context or shards");
            }
            if ((shard == null) != (range == null)) {
                throw new CliException("--shard and --range go together");
            }
            if (verifyOnly == (out != null)) {
                throw new CliException(verifyOnly ? "--verify-only writes nothing: leave out --out"
                        : "--out is required (or --verify-only)");
            }
            if (verifyOnly && shard != null) {
                throw new CliException("--verify-only checks whole shards: leave out --shard and --range");
            }
            if (checkLog) {
                checkLatest(m, manifest);
            }
            if (shard == null) {
                Sealer.warmUpInBackground(m.shards().stream().mapToLong(Sealer.Shard::plaintextBytes).sum());
            }
            TenantKeyset k = keys.open();
            try {
                if (shard != null) {
                    String[] r = range.split(":");
                    long off;
                    int len;
                    try {
                        off = Long.parseLong(r[0]);
                        len = Integer.parseInt(r[1]);
                    } catch (RuntimeException e) {
                        throw new CliException("--range " + range + ": expected OFFSET:LENGTH in bytes");
                    }
                    Sealer.checkManifest(k, m, context);
                    Sealer.Shard s = m.shards().stream().filter(x -> x.name().equals(shard)).findFirst()
                            .orElseThrow(() -> new CliException("--shard " + shard + ": not in the manifest"));
                    byte[] bytes = Sealer.readRange(k, in.resolve(s.name() + ".sealed"), s, off, len);
                    Path abs = out.toAbsolutePath();
                    Files.createDirectories(abs.getParent());
                    if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        if (!force) {
                            throw new CliException(out + " exists; unseal never replaces a file unless told to (--force)");
                        }
                        Files.delete(abs);
                    }
                    try (var ch = Sealer.ownerOnly(abs)) {
                        ch.write(java.nio.ByteBuffer.wrap(bytes));
                    }
                    spec.commandLine().getOut().println("unsealed bytes " + off + ".." + (off + len) + " of " + shard
                            + " into " + out);
                    return 0;
                }
                long t0 = System.nanoTime();
                long bytes = m.shards().stream().mapToLong(Sealer.Shard::plaintextBytes).sum();
                if (verifyOnly) {
                    Sealer.verifyAll(k, m, in, context);
                    double s = (System.nanoTime() - t0) / 1e9;
                    spec.commandLine().getOut().printf(java.util.Locale.ROOT, "verified %d shard(s), %d bytes, of %s in"
                            + " %.2f s (%.0f MB/s): every shard decrypts and matches the manifest; nothing written%n",
                            m.shards().size(), bytes, m.context(), s, bytes / 1e6 / s);
                    return 0;
                }
                Sealer.unsealAll(k, m, in, out, context, force);
                double s = (System.nanoTime() - t0) / 1e9;
                spec.commandLine().getOut().printf(java.util.Locale.ROOT, "unsealed %d shard(s), %d bytes, of %s into %s in"
                        + " %.2f s (%.0f MB/s); every shard matched the manifest%n", m.shards().size(), bytes, m.context(),
                        out, s, bytes / 1e6 / s);
            } catch (Sealer.OutputExists e) {
                throw new CliException(e.getMessage() + " (--force)");
            } catch (TrustException e) {
                throw new CliException(e.getMessage());
            } catch (IOException e) {
                throw new CliException("cannot write " + out + ": " + e.getMessage());
            }
            return 0;
        }

        /** The tenant's own checkpoint.sealed entries for this run (from the audit endpoint): the last must be this. */
        private void checkLatest(Sealer.Manifest m, Path manifest) {
            String hash = manifestSha256(manifest);
            String run = m.context().substring(0, m.context().lastIndexOf('/') + 1);
            // Everything committed so far into a checkpoint first: the audit endpoint serves what a checkpoint covers.
            new org.colossus.client.AuditClient(api.baseUrl(), api.token(), 1).checkpoint();
            long after = 0;
            long mineAt = -1;
            long latestAt = -1;
            String latestContext = null;
            while (true) {
                var page = api.get("/api/v1/audit/entries?limit=10000&after=" + after);
                for (var e : page.path("items")) {
                    try {
                        var entry = ApiClient.MAPPER.readTree(e.get("canonical").asText());
                        if (!"checkpoint.sealed".equals(entry.path("type").asText())) {
                            continue;
                        }
                        var p = entry.path("payload");
                        if (!p.path("context").asText().startsWith(run)) {
                            continue;
                        }
                        long seq = entry.path("seq").asLong();
                        if (p.path("manifestSha256").asText().equals(hash)) {
                            mineAt = seq;
                        }
                        latestAt = seq;
                        latestContext = p.path("context").asText();
                    } catch (IOException ex) {
                        throw new CliException("audit entry " + e.path("seq").asLong() + ": " + ex.getMessage());
                    }
                }
                if (!page.hasNonNull("next")) {
                    break;
                }
                after = page.get("next").asLong();
            }
            if (mineAt < 0) {
                throw new CliException("this checkpoint (" + m.context() + ", manifest SHA-256 " + hash + ") was never"
                        + " recorded in the journal; refusing (--check-log)");
            }
            if (latestAt != mineAt) {
                throw new CliException("rollback: " + m.context() + " was recorded at entry " + mineAt + ", but a newer"
                        + " checkpoint of the run, " + latestContext + ", was recorded at entry " + latestAt);
            }
        }
    }
}
