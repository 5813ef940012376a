package org.colossus.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private final Catalog catalog = Catalog.standard();

    @Test
    void standard_requiredModels_presentWithTheirPrecisions() {
        assertThat(catalog.gpus()).extracting(GpuModel::id)
                .contains("a100-sxm-80gb", "h100-sxm-80gb", "h200-sxm-141gb", "b200", "gb200", "gb300");
        GpuModel h100 = catalog.requireGpu("h100-sxm-80gb");
        assertThat(h100.denseTflops()).containsOnlyKeys(Precision.FP64, Precision.TF32, Precision.BF16, Precision.FP8);
        assertThat(h100.denseTflops(Precision.BF16)).hasValue(989);
        assertThat(h100.denseTflops(Precision.FP4)).isEmpty();
        GpuModel gb200 = catalog.requireGpu("gb200");
        assertThat(gb200.denseTflops()).containsOnlyKeys(Precision.values());
        assertThat(gb200.nvlinkDomainGpus()).isEqualTo(72);
        assertThat(gb200.hbmBytes()).isEqualTo(186e9);
        assertThat(catalog.requireGpu("a100-sxm-80gb").denseTflops(Precision.FP8)).isEmpty();
    }

    @Test
    void standard_everyFigure_citesASource() {
        for (GpuModel gpu : catalog.gpus()) {
            List<String> figures = new ArrayList<>();
            gpu.denseTflops().keySet().forEach(p -> figures.add(p.key()));
            figures.addAll(List.of("hbm", "hbmBandwidth", "nvlinkBandwidth", "nvlinkDomainGpus", "scaleOutBandwidth", "tdp"));
            assertThat(gpu.sources()).as(gpu.id()).containsOnlyKeys(figures.toArray(String[]::new));
            assertThat(gpu.sources().values()).as(gpu.id()).allSatisfy(s -> assertThat(s).isNotBlank());
        }
        for (NodeType type : catalog.nodeTypes()) {
            assertThat(type.sources()).as(type.id()).containsKey("maxPower");
        }
    }

    @Test
    void standard_nodeTypes_agreeWithTheirGpuNvlinkDomain() {
        for (NodeType type : catalog.nodeTypes()) {
            assertThat(type.gpusPerNvlinkDomain()).as(type.id()).isEqualTo(type.gpu().nvlinkDomainGpus());
            assertThat(type.maxPowerWatts()).as(type.id()).isGreaterThan(type.gpusPerNode() * type.gpu().tdpWatts());
        }
        assertThat(catalog.nodeType("gb200-nvl72-tray")).hasValueSatisfying(t -> {
            assertThat(t.gpusPerNode()).isEqualTo(4);
            assertThat(t.nodesPerNvlinkDomain()).isEqualTo(18);
        });
    }

    /** The catalog carries the same facts as the researched ground truth in data/ground-truth. */
    @Test
    void standard_gpuFigures_matchGroundTruthSpecs() throws Exception {
        Path csv = Path.of(CatalogTest.class.getResource("/ground-truth/gpu-specs.csv").toURI());
        List<String> lines = Files.readAllLines(csv);
        List<String> header = parseCsvLine(lines.get(0));
        int checked = 0;
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = new HashMap<>();
            List<String> cells = parseCsvLine(line);
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < cells.size() ? cells.get(i) : "");
            }
            if (!row.get("kind").equals("gpu")) {
                continue;
            }
            GpuModel gpu = catalog.requireGpu(row.get("name"));
            assertThat(gpu.nvlinkDomainGpus()).as(gpu.id()).isEqualTo(Integer.parseInt(row.get("nvlink_domain_gpus")));
            assertThat(gpu.nvlinkBytesPerSecond() / 1e9).as(gpu.id())
                    .isEqualTo(Double.parseDouble(row.get("nvlink_bw_per_gpu_GBps_bidir")));
            assertRate(gpu, Precision.BF16, row.get("bf16_dense_tflops"));
            assertRate(gpu, Precision.FP8, row.get("fp8_dense_tflops"));
            assertRate(gpu, Precision.FP4, row.get("fp4_dense_tflops"));
            assertThat(gpu.hbmBytes() / 1e9).as(gpu.id()).isEqualTo(Double.parseDouble(row.get("hbm_gb")));
            assertThat(gpu.hbmBytesPerSecond() / 1e12).as(gpu.id())
                    .isCloseTo(Double.parseDouble(row.get("hbm_bw_TBps")), within(1e-9));
            assertThat(gpu.tdpWatts()).as(gpu.id()).isEqualTo(Double.parseDouble(row.get("tdp_w")));
            assertThat(gpu.scaleOutBytesPerSecond() * 8 / 1e9).as(gpu.id())
                    .isEqualTo(Double.parseDouble(row.get("scaleout_gbps_per_gpu")));
            checked++;
        }
        assertThat(checked).isEqualTo(catalog.gpus().size());
    }

    private static void assertRate(GpuModel gpu, Precision p, String cell) {
        if (cell.isEmpty()) {
            assertThat(gpu.denseTflops(p)).as(gpu.id() + " " + p).isEmpty();
        } else {
            assertThat(gpu.denseTflops(p)).as(gpu.id() + " " + p).hasValue(Double.parseDouble(cell));
        }
    }

    private static List<String> parseCsvLine(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    private static final String GPU = """
            references:
              ds: "a datasheet"
            gpus:
              - id: x1
                name: X1
                architecture: test
                denseTflops: {bf16: 100}
                hbm: 80 GB
                hbmBandwidth: 3 TB/s
                nvlinkBandwidth: 900 GB/s
                nvlinkDomainGpus: 8
                scaleOutBandwidth: 400 Gbps
                tdp: 700 W
                sources: {bf16: ds, hbm: ds, hbmBandwidth: ds, nvlinkBandwidth: ds, nvlinkDomainGpus: ds, scaleOutBandwidth: ds, tdp: ds}
            nodeTypes:
              - id: n1
                name: N1
                gpu: x1
                gpusPerNode: 8
                nodesPerNvlinkDomain: 1
                maxPower: 10 kW
                sources: {maxPower: ds}
            """;

    @Test
    void parse_wellFormedCatalog_readsUnitsToSi() {
        Catalog c = Catalog.parse("c.yaml", GPU);
        GpuModel x = c.requireGpu("X1");
        assertThat(x.hbmBytesPerSecond()).isEqualTo(3e12);
        assertThat(x.scaleOutBytesPerSecond()).isEqualTo(50e9);
        assertThat(c.nodeType("n1")).hasValueSatisfying(t -> assertThat(t.maxPowerWatts()).isEqualTo(10_000));
    }

    @Test
    void parse_figureWithoutSource_isRejected() {
        String yaml = GPU.replace("tdp: ds}", "}");
        assertThatThrownBy(() -> Catalog.parse("c.yaml", yaml)).isInstanceOf(FleetException.class)
                .hasMessage("c.yaml: gpus[0].sources.tdp: missing; every figure needs a source (a key of 'references')");
    }

    @Test
    void parse_unknownReference_isRejected() {
        String yaml = GPU.replace("{maxPower: ds}", "{maxPower: nowhere}");
        assertThatThrownBy(() -> Catalog.parse("c.yaml", yaml))
                .hasMessage("c.yaml: nodeTypes[0].sources.maxPower = 'nowhere': unknown reference; expected a key of 'references'");
    }

    @Test
    void parse_nodeTypeDisagreeingWithNvlinkDomain_isRejected() {
        String yaml = GPU.replace("nodesPerNvlinkDomain: 1", "nodesPerNvlinkDomain: 2");
        assertThatThrownBy(() -> Catalog.parse("c.yaml", yaml))
                .hasMessage("c.yaml: nodeTypes[0].nodesPerNvlinkDomain = 2: gpusPerNode x nodesPerNvlinkDomain = 16 GPUs,"
                        + " but an NVLink domain of x1 has 8 GPUs");
    }

    @Test
    void requireGpu_unknownName_listsKnownIds() {
        assertThatThrownBy(() -> catalog.requireGpu("h1000")).isInstanceOf(FleetException.class)
                .hasMessageStartingWith("unknown GPU model 'h1000'; expected one of: a100-sxm-80gb, h100-sxm-80gb");
    }
}
