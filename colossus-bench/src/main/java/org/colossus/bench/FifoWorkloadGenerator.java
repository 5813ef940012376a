package org.colossus.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a workload "of the same kind" as data/bench/fifo-reference: GPUs per job drawn from the reference's
 * 100,000-job mix (1: 59.9%, 2: 10.0%, 4: 10.1%, 8: 11.9%, 16: 4.05%, 32: 1.98%, 64: 1.02%, 128: 1.02%), durations
 * uniform integers 60..14400 s, Poisson arrivals offering 0.95 of the cluster's GPU-seconds, 8 jobs per host.
 * Usage: {@code java -cp colossus-bench/target/benchmarks.jar org.colossus.bench.FifoWorkloadGenerator HOSTS JOBS SEED OUT.csv.gz}
 */
public final class FifoWorkloadGenerator {
    private static final int[] GPUS = {1, 2, 4, 8, 16, 32, 64, 128};
    private static final double[] SHARE = {59928, 9980, 10107, 11918, 4050, 1980, 1017, 1020};

    private FifoWorkloadGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: FifoWorkloadGenerator HOSTS JOBS SEED OUT.csv.gz");
            System.exit(2);
        }
        int hosts = Integer.parseInt(args[0]);
        int jobs = Integer.parseInt(args[1]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
        double total = 0;
        double meanGpus = 0;
        for (int i = 0; i < GPUS.length; i++) {
            total += SHARE[i];
        }
        for (int i = 0; i < GPUS.length; i++) {
            meanGpus += GPUS[i] * SHARE[i] / total;
        }
        double meanDuration = (60 + 14400) / 2.0;
        double ratePerSecond = 0.95 * hosts * 8 / (meanGpus * meanDuration);
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(Path.of(args[3])), 1 << 16), StandardCharsets.UTF_8))) {
            out.write("job_id,submit_time_s,num_gpus,duration_s\n");
            double t = 0;
            for (int j = 0; j < jobs; j++) {
                t += -Math.log(1 - random.nextDouble()) / ratePerSecond;
                double u = random.nextDouble() * total;
                int k = 0;
                while (u >= SHARE[k]) {
                    u -= SHARE[k++];
                }
                out.write(String.format(Locale.ROOT, "%d,%.3f,%d,%d%n", j, t, GPUS[k], 60 + random.nextInt(14400 - 60 + 1)));
            }
        }
    }
}
