package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TilePathTest {
    @ParameterizedTest(name = "{0} {1} {2} = {3}")
    @CsvSource({"0, 0, 256, 0/000", "0, 1234067, 256, 0/x001/x234/067", "2, 5, 17, 2/005.p/17",
        "63, 999999999999999999, 1, 63/x999/x999/x999/x999/x999/999.p/1"})
    void toString_andParse_roundTripTheC2spExamples(int level, long index, int width, String path) {
        TilePath t = new TilePath(level, index, width);
        assertThat(t).hasToString(path);
        int slash = path.indexOf('/');
        assertThat(TilePath.parse(path.substring(0, slash), path.substring(slash + 1))).isEqualTo(t);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"64, 000, level", "x, 000, level", "0, 1, index", "0, abc, index", "0, 001/002, index",
        "0, x001/x002/x003/x004/x005/x006/007, index", "0, 000.p/0, width", "0, 000.p/256, width", "0, 000.p/07, width"})
    void parse_badPaths_nameThePart(String level, String index, String part) {
        assertThatThrownBy(() -> TilePath.parse(level, index)).isInstanceOfSatisfying(TilePath.Invalid.class,
                e -> assertThat(e.part()).isEqualTo(part));
    }
}
