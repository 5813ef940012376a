package org.colossus.bench;

import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How long a cold JVM's AES-GCM takes to reach its compiled intrinsic, which sized {@code Sealer}'s warm-up (issue
 * 22): {@code calls} encrypt-and-decrypt calls of {@code bytes} bytes, then {@code mib} 1 MiB calls in both
 * directions, reporting MB/s per 64 MiB. Run it in a fresh JVM each time, with and without bin/colossus's
 * {@code -XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.*::*,0.05}:
 * <pre>java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.GcmWarmUp 30000 1024 256</pre>
 */
public final class GcmWarmUp {
    private GcmWarmUp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: GcmWarmUp CALLS BYTES MIB");
            System.exit(2);
        }
        int calls = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        int mib = Integer.parseInt(args[2]);
        long t0 = System.nanoTime();
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec k = new SecretKeySpec(new byte[32], "AES");
        byte[] plain = new byte[size];
        byte[] sealed = new byte[size + 16];
        byte[] iv = new byte[12];
        for (int i = 0; i < calls; i++) {
            iv[0] = (byte) i;
            iv[1] = (byte) (i >>> 8);
            iv[2] = (byte) (i >>> 16);
            var spec = new GCMParameterSpec(128, iv);
            c.init(Cipher.ENCRYPT_MODE, k, spec);
            int n = c.doFinal(plain, 0, plain.length, sealed, 0);
            c.init(Cipher.DECRYPT_MODE, k, spec);
            c.doFinal(sealed, 0, n, plain, 0);
        }
        long t1 = System.nanoTime();
        byte[] p = new byte[1 << 20];
        byte[] s = new byte[(1 << 20) + 16];
        StringBuilder rates = new StringBuilder();
        long last = t1;
        for (int i = 0; i < mib; i++) {
            iv[3] = (byte) i;
            iv[4] = (byte) (i >> 8);
            iv[5] = 1; // never an IV of the warm-up calls
            var spec = new GCMParameterSpec(128, iv);
            c.init(Cipher.ENCRYPT_MODE, k, spec);
            int n = c.doFinal(p, 0, p.length, s, 0);
            c.init(Cipher.DECRYPT_MODE, k, spec);
            c.doFinal(s, 0, n, p, 0);
            if ((i + 1) % 64 == 0) {
                long t = System.nanoTime();
                rates.append(String.format(Locale.ROOT, " %.0f", 64 * 2 * 1.048576e6 / ((t - last) / 1e3)));
                last = t;
            }
        }
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "warm-up %d x %d B: %.3f s; then %d MiB encrypted and decrypted in %.3f s;"
                + " MB/s per 64 MiB:%s%n", calls, size, (t1 - t0) / 1e9, mib, (t2 - t1) / 1e9, rates);
    }
}
