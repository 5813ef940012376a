package org.colossus.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetSummaryTest {
    @Test
    void of_mixedFleet_sumsPerModelAndDropsPrecisionsSomeGpusLack() {
        FleetSpec spec = new FleetLoader(Catalog.standard()).parse("lab.yaml", FleetLoaderTest.GOOD);
        FleetSummary s = FleetSummary.of(Fleet.build(spec));
        // pod 0: 4 racks x 4 HGX H100 = 128 GPUs; pod 1: 2 NVL72 racks = 144 GB200
        assertThat(s.gpus()).isEqualTo(272);
        assertThat(s.gpusByModel()).extracting(FleetSummary.ModelCount::model, FleetSummary.ModelCount::gpus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("h100-sxm-80gb", 128),
                        org.assertj.core.groups.Tuple.tuple("gb200", 144));
        assertThat(s.nvlinkDomainsBySize()).containsExactly(new FleetSummary.DomainSize(8, 16),
                new FleetSummary.DomainSize(72, 2));
        assertThat(s.peakDensePflops()).as("H100 has no FP4").containsOnlyKeys("fp64", "tf32", "bf16", "fp8");
        assertThat(s.peakDensePflops().get("bf16")).isEqualTo(486.6); // 128 x 989 + 144 x 2500 TFLOPS
        // 272 NICs x 400 Gb/s; pod 0 (128 GPUs) is 2:1 oversubscribed
        assertThat(s.scaleOutInjectionTbps()).isEqualTo(108.8);
        assertThat(s.podUplinkTbps()).isEqualTo(25.6 + 57.6);
        assertThat(s.halls()).isEqualTo(2);
        // 16 x 10.2 kW + 36 x 7.33 kW = 426.9 kW; x 1.25
        assertThat(s.itPowerMW()).isEqualTo(0.427);
        assertThat(s.facilityPowerMW()).isEqualTo(0.534);
        assertThat(s.facilityCapacityMW()).isEqualTo(20.0);
        assertThat(s.powerSources()).extracting(FleetSummary.Source::kind).containsExactly("grid", "battery");
    }
}
