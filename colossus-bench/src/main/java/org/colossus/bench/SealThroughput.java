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

    /** The I/O floor: the same bytes read and written through the same 1 MiB buffers, no crypto. */
    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var in = java.nio.channels.FileChannel.open(from, java.nio.file.StandardOpenOption.READ);
             var out = java.nio.channels.FileChannel.open(to, java.nio.file.StandardOpenOption.CREATE,
                     java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
            while (in.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                buf.clear();
            }
        }
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
        Path copy = dir.resolve("shard.copy");
        double mb = (mib << 20) / 1e6;
        for (int run = 1; run <= 3; run++) {
            long t = System.nanoTime();
            copy(plain, copy);
            double io = (System.nanoTime() - t) / 1e9;
            Files.delete(copy);
            t = System.nanoTime();
            Sealer.Shard s = Sealer.seal(keyset, plain, sealed, "bench/run/1", "shard.safetensors");
            double seal = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            Sealer.seal(keyset, plain, Path.of("/dev/null"), "bench/run/1", "shard.safetensors");
            double sealNull = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            Sealer.unseal(keyset, sealed, back, s);
            double unseal = (System.nanoTime() - t) / 1e9;
            Files.delete(back);
            t = System.nanoTime();
            Sealer.verify(keyset, sealed, s);
            double verify = (System.nanoTime() - t) / 1e9;
            System.out.printf(Locale.ROOT, "run %d, %d MiB: copy file to file %.0f MB/s | seal file to file %.0f MB/s,"
                            + " to /dev/null %.0f MB/s | unseal file to file %.0f MB/s, verify only %.0f MB/s"
                            + " | ciphertext overhead %d bytes%n", run, mib, mb / io, mb / seal, mb / sealNull,
                    mb / unseal, mb / verify, Files.size(sealed) - s.plaintextBytes());
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
    }
}
