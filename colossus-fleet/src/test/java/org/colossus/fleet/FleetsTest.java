package org.colossus.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetsTest {
    static final Catalog CATALOG = Catalog.standard();

    @Test
    void resolve_uniformSpec_isValidated() {
        assertThat(Fleets.resolve("uniform:100x8", CATALOG).gpuCount()).isEqualTo(800);
        assertThatThrownBy(() -> Fleets.resolve("uniform:100", CATALOG)).isInstanceOf(FleetException.class)
                .hasMessage("'uniform:100': expected uniform:HOSTSxGPUS with positive whole numbers, e.g. uniform:12500x8");
    }

    @Test
    void resolve_presetAndUniform_giveTheSameFleetsAsBefore() {
        assertThat(Fleets.resolve("colossus2", CATALOG).gpuCount()).isEqualTo(110_592);
        assertThat(Fleets.resolve("uniform:12500x8", CATALOG).nodeCount()).isEqualTo(12_500);
    }
}
