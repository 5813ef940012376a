package org.colossus.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetsTest {
    private static final Catalog CATALOG = Catalog.standard();

    @Test
    void colossus1_isAHundredThousandH100InHgxNodes() {
        Fleet fleet = Fleet.build(Presets.load("colossus1", CATALOG));
        assertThat(fleet.gpuCount()).isEqualTo(100_352);
        assertThat(fleet.nodeCount()).isEqualTo(12_544);
        assertThat(fleet.domainCount()).as("one NVLink domain per HGX node").isEqualTo(12_544);
        assertThat(fleet.rackCount()).isEqualTo(1_568);
        assertThat(fleet.podCount()).isEqualTo(14);
        assertThat(fleet.gpuModel(0).id()).isEqualTo("h100-sxm-80gb");

        FleetSummary s = FleetSummary.of(fleet);
        assertThat(s.peakDensePflops()).containsOnlyKeys("fp64", "tf32", "bf16", "fp8");
        assertThat(s.peakDensePflops().get("bf16")).isEqualTo(99_248.1); // 100,352 x 989 TFLOPS
        assertThat(s.hbmTotalTB()).isEqualTo(8_028.2);                   // 100,352 x 80 GB
        assertThat(s.scaleOutInjectionTbps()).isEqualTo(40_140.8);        // 100,352 x 400 Gb/s
        assertThat(s.itPowerMW()).isEqualTo(127.949);                    // 12,544 x 10.2 kW
        assertThat(s.facilityPowerMW()).isEqualTo(153.539);              // x PUE 1.2
        assertThat(s.facilityHeadroomMW()).isPositive();
    }

    @Test
    void colossus2_isOverAHundredThousandGb200InNvl72Racks() {
        Fleet fleet = Fleet.build(Presets.load("colossus2", CATALOG));
        assertThat(fleet.gpuCount()).isEqualTo(110_592).isGreaterThanOrEqualTo(100_000);
        assertThat(fleet.nodeCount()).isEqualTo(27_648);
        assertThat(fleet.domainCount()).as("one 72-GPU NVLink domain per rack").isEqualTo(1_536);
        assertThat(fleet.rackCount()).isEqualTo(1_536);
        assertThat(fleet.podCount()).isEqualTo(16);
        assertThat(fleet.halls()).containsExactly("hall-a", "hall-b");
        for (int d = 0; d < fleet.domainCount(); d++) {
            assertThat(fleet.gpusInDomain(d)).isEqualTo(72);
        }
        FleetSummary s = FleetSummary.of(fleet);
        assertThat(s.peakDensePflops().get("fp4")).isEqualTo(1_105_920.0); // 110,592 x 10 PFLOPS
        assertThat(s.itPowerMW()).isEqualTo(202.66);                       // 27,648 trays x 7.33 kW
    }

    @Test
    void resolve_presetNameOrFile_bothWork(@TempDir Path dir) throws Exception {
        assertThat(Presets.resolve("colossus2", CATALOG).name()).isEqualTo("colossus2");
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, FleetLoaderTest.GOOD);
        assertThat(Presets.resolve(file.toString(), CATALOG).name()).isEqualTo("lab-fleet");
    }

    @Test
    void resolve_neitherPresetNorFile_saysSo(@TempDir Path dir) {
        assertThatThrownBy(() -> Presets.resolve("colossus3", CATALOG)).isInstanceOf(FleetException.class)
                .hasMessage("'colossus3' is neither a preset (colossus1, colossus2) nor an existing fleet file");
        assertThatThrownBy(() -> Presets.resolve(dir.toString(), CATALOG))
                .hasMessage(dir + ": is a directory; expected a fleet YAML file");
    }
}
