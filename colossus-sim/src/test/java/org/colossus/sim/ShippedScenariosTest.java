package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.colossus.fleet.Catalog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario the repository ships loads: its fleet resolves and its workload is read (not run: some take minutes). */
class ShippedScenariosTest {
    static List<Path> scenarios() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("..", "scenarios"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void load_shippedScenario_resolvesFleetAndWorkload(Path file) {
        Scenario s = Scenario.load(file, Catalog.standard());
        assertThat(s.fleet().gpuCount()).isPositive();
        assertThat(s.workload().size()).isPositive();
    }
}
