package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Selection gives exactly what sorting gave, on every shape of input a result meets (and some it should not). */
class QuantilesTest {
    private static final double[] QS = {0.5, 0.9, 0.99};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void quantiles_randomInputs_equalTheSortedElements(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 300; round++) {
            int n = random.nextInt(3) == 0 ? random.nextInt(40) : random.nextInt(20_000);
            double[] values = new double[n + random.nextInt(5)]; // spare room past n is ignored
            int shape = random.nextInt(6);
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (shape) {
                    case 0 -> random.nextDouble() * 1e6;                     // distinct
                    case 1 -> random.nextInt(4) == 0 ? random.nextInt(3600) : 0; // mostly zero waits
                    case 2 -> i;                                             // sorted
                    case 3 -> n - i;                                         // reversed
                    case 4 -> 7;                                             // all equal
                    default -> (i % 2 == 0 ? i : n - i) + random.nextInt(2); // organ pipe with ties
                };
            }
            double[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            double[] expected = new double[QS.length];
            for (int q = 0; q < QS.length; q++) {
                expected[q] = SimResult.at(sorted, QS[q]);
            }
            double[] selected = SimResult.quantiles(values.clone(), n, QS);
            assertThat(selected).as("seed %d round %d shape %d n %d", seed, round, shape, n).containsExactly(expected);
        }
    }

    @ParameterizedTest(name = "n {0}")
    @ValueSource(ints = {0, 1, 2, 100})
    void quantiles_medianOfSmallInputs_isElementHalfN(int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = n - i;
        }
        assertThat(SimResult.quantiles(values, n, 0.5)[0]).isEqualTo(n == 0 ? 0 : n / 2 + 1);
    }
}
