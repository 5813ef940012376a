package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jobs CSV's fast row parser gives the same doubles as {@link Double#parseDouble}, bit for bit, and declines
 * (so that the checked path, with its errors, takes the row) whatever it does not handle exactly.
 */
class PlainRowTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void plainRow_randomDecimals_sameBitsAsParseDouble(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[4];
        for (int i = 0; i < 200_000; i++) {
            String[] cells = new String[4];
            for (int c = 0; c < 4; c++) {
                int intDigits = 1 + random.nextInt(9);
                int fracDigits = random.nextInt(Math.min(7, 16 - intDigits));
                StringBuilder b = new StringBuilder();
                for (int d = 0; d < intDigits; d++) {
                    b.append((char) ('0' + random.nextInt(10)));
                }
                if (fracDigits > 0) {
                    b.append('.');
                    for (int d = 0; d < fracDigits; d++) {
                        b.append((char) ('0' + random.nextInt(10)));
                    }
                }
                cells[c] = b.toString();
            }
            String line = String.join(",", cells);
            int mask = WorkloadReader.plainRow(line, out);
            assertThat(mask).as(line).isNotNegative();
            for (int c = 0; c < 4; c++) {
                assertThat(Double.doubleToRawLongBits(out[c])).as(line)
                        .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(cells[c])));
                assertThat((mask >> c) & 1).as(line).isEqualTo(cells[c].contains(".") ? 1 : 0);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "1,2,3", "1,2,3,4,5", "-1,2,3,4", "1,2e3,3,4", "1, 2,3,4", "1,2,3,.5", "1,2,3,5.",
        "1,2,3,1234567890123456", "1,2,3,1.23456789012345678", "1,2,3,4.5.6", "1,,3,4", "1,2,3,4 ", "1,2,3,0x10",
        "1,2,3,NaN", "\"1\",2,3,4"})
    void plainRow_anythingElse_declines(String line) {
        assertThat(WorkloadReader.plainRow(line, new double[4])).isEqualTo(-1);
    }
}
