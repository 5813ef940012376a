package org.colossus.bench;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.colossus.trust.seal.Sealer;
import org.colossus.trust.seal.TenantKeyset;

/**
 * Seal and unseal throughput of a large checkpoint shard (issue 7), to compare with {@code openssl speed -evp
 * aes-256-gcm} on the same machine. Also reports the JVM's peak heap use, which must not grow with the file.
 * <pre>java -Xmx256m -cp colossus-bench/target/benchmarks.jar org.colossus.bench.SealThroughput DIR [MiB=2048]</pre>
 */
public final class SealThroughput {
    private SealThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 2048;
        Files.createDirectories(dir);
        Path plain = dir.resolve("shard.safetensors");
        if (!Files.exists(plain) || Files.size(plain) != mib << 20) {
            SplittableRandom r = new SplittableRandom(1);
            byte[] block = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(plain)) {
                for (long i = 0; i < mib; i++) {
                    for (int j = 0; j < block.length; j += 8) {
                        long v = r.nextLong();
                        for (int k = 0; k < 8; k++) {
                            block[j + k] = (byte) (v >>> (8 * k));
                        }
                    }
                    out.write(block);
                }
            }
        }
        TenantKeyset keyset = TenantKeyset.generate();
        Path sealed = dir.resolve("shard.sealed");
        Path back = dir.resolve("shard.unsealed");
        for (int run = 1; run <= 3; run++) {
            long t0 = System.nanoTime();
            Sealer.Shard s = Sealer.seal(keyset, plain, sealed, "bench/run/1", "shard.safetensors");
            double seal = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            Sealer.unseal(keyset, sealed, back, s);
            double unseal = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "run %d: %d MiB sealed in %.2f s (%.0f MB/s), unsealed and verified in %.2f s"
                            + " (%.0f MB/s); ciphertext overhead %d bytes%n", run, mib, seal, s.plaintextBytes() / 1e6 / seal,
                    unseal, s.plaintextBytes() / 1e6 / unseal, Files.size(sealed) - s.plaintextBytes());
        }
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "peak heap used: %.1f MiB (max %d MiB)%n", peak / 1048576.0,
                Runtime.getRuntime().maxMemory() >> 20);
        Files.deleteIfExists(sealed);
        Files.deleteIfExists(back);
    }
}
