package org.colossus.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FleetLoaderTest {
    private final FleetLoader loader = new FleetLoader(Catalog.standard());

    static final String GOOD = """
            name: lab-fleet
            description: two pods, mixed hardware
            facility:
              site: somewhere
              powerCapacity: 20 MW
              pue: 1.25
              powerSources:
                - name: grid
                  kind: grid
                  capacity: 15 MW
                  emissionFactor: 400 kgCO2e/MWh
                - name: bess
                  kind: battery
                  capacity: 5 MW
                  energy: 20 MWh
                  emissionFactor: 0 kgCO2e/MWh
            network:
              fabric: 400G InfiniBand
            pods:
              - count: 1
                hall: hall-a
                oversubscription: 2
                racks:
                  - count: 4
                    nodeType: hgx-h100
                    nodesPerRack: 4
              - count: 1
                racks:
                  - count: 2
                    nodeType: gb200-nvl72-tray
            """;

    @Test
    void parse_goodFile_readsEveryField() {
        FleetSpec spec = loader.parse("lab.yaml", GOOD);
        assertThat(spec.name()).isEqualTo("lab-fleet");
        assertThat(spec.networkFabric()).isEqualTo("400G InfiniBand");
        assertThat(spec.facility().powerCapacityWatts()).isEqualTo(20e6);
        assertThat(spec.facility().pue()).isEqualTo(1.25);
        assertThat(spec.facility().powerSources()).hasSize(2);
        PowerSource battery = spec.facility().powerSources().get(1);
        assertThat(battery.kind()).isEqualTo(PowerSourceKind.BATTERY);
        assertThat(battery.energyWattHours()).isEqualTo(20e6);
        assertThat(spec.podGroups()).hasSize(2);
        assertThat(spec.podGroups().get(0).oversubscription()).isEqualTo(2.0);
        assertThat(spec.podGroups().get(1).hall()).isEqualTo("hall-0");
        RackGroup nvl = spec.podGroups().get(1).rackGroups().get(0);
        assertThat(nvl.nodesPerRack()).as("NVL72 racks default to one NVLink domain").isEqualTo(18);
        assertThat(nvl.gpusPerRack()).isEqualTo(72);
    }

    @Test
    void load_fileOnDisk_namesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-fleet.yaml");
        Files.writeString(file, GOOD.replace("count: 4", "count: -4"));
        assertThatThrownBy(() -> loader.load(file))
                .hasMessage(file + ": pods[0].racks[0].count = -4: expected a whole number >= 1");
        assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
                .hasMessage(dir.resolve("absent.yaml") + ": no such file");
    }

    /** GOOD with a nodeNames list of {@code count} names {@code n000...}, the one at {@code odd} replaced. */
    private static String named(int count, int odd, String oddName) {
        StringBuilder b = new StringBuilder(GOOD).append("nodeNames:\n");
        for (int i = 0; i < count; i++) {
            b.append("  - ").append(i == odd ? oddName : String.format("n%03d", i)).append('\n');
        }
        return b.toString();
    }

    @Test
    void parse_nodeNames_bindEachNodeToItsClusterName() {
        Fleet f = Fleet.build(loader.parse("f.yaml", named(52, -1, null)));
        assertThat(f.hasNodeNames()).isTrue();
        assertThat(f.nodeName(0)).isEqualTo("n000");
        assertThat(f.nodeName(51)).isEqualTo("n051");
        assertThat(f.nodeNamed("n017")).isEqualTo(17);
        assertThat(f.nodeNamed("nope")).isEqualTo(-1);
        assertThat(Fleet.build(loader.parse("f.yaml", GOOD)).hasNodeNames()).isFalse();
        // The extremes of a name: one character, and 64.
        assertThat(Fleet.build(loader.parse("f.yaml", named(52, 3, "x"))).nodeName(3)).isEqualTo("x");
        String longest = "a" + "b".repeat(63);
        assertThat(Fleet.build(loader.parse("f.yaml", named(52, 3, longest))).nodeNamed(longest)).isEqualTo(3);
    }

    @Test
    void parse_badNodeNames_areRejectedNamingTheEntry() {
        assertThatThrownBy(() -> loader.parse("f.yaml", named(51, -1, null)))
                .hasMessageContaining("nodeNames").hasMessageContaining("51 node names for 52 nodes");
        assertThatThrownBy(() -> loader.parse("f.yaml", named(53, -1, null)))
                .hasMessageContaining("53 node names for 52 nodes");
        assertThatThrownBy(() -> loader.parse("f.yaml", named(52, 5, "n004")))
                .hasMessageContaining("nodeNames[5]").hasMessageContaining("duplicate node name");
        assertThatThrownBy(() -> loader.parse("f.yaml", named(52, 5, "'gpu 5'")))
                .hasMessageContaining("nodeNames[5]").hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> loader.parse("f.yaml", named(52, 5, "a" + "b".repeat(64))))
                .hasMessageContaining("at most 64 characters");
    }

    static Stream<Arguments> badFleets() {
        return Stream.of(
                Arguments.of("unknown top-level key", GOOD.replace("network:", "netwrok:"),
                        "f.yaml: netwrok: unknown key; expected one of: name, description, facility, network, pods, nodeNames"),
                Arguments.of("unknown nested key", GOOD.replace("nodesPerRack: 4", "nodesPerRak: 4"),
                        "f.yaml: pods[0].racks[0].nodesPerRak: unknown key; expected one of: count, nodeType, nodesPerRack, gpusPerRack"),
                Arguments.of("energy unit for power", GOOD.replace("powerCapacity: 20 MW", "powerCapacity: 20 MWh"),
                        "f.yaml: facility.powerCapacity = '20 MWh': 'MWh' is a unit of energy, not of power; expected"
                                + " a power with a unit (W, kW, MW, GW), e.g. '150 MW'"),
                Arguments.of("bare number without unit", GOOD.replace("powerCapacity: 20 MW", "powerCapacity: 20"),
                        "f.yaml: facility.powerCapacity = 20: expected a power with a unit (W, kW, MW, GW), e.g. '150 MW'"),
                Arguments.of("unknown unit", GOOD.replace("capacity: 15 MW", "capacity: 15 horsepower"),
                        "f.yaml: facility.powerSources[0].capacity = '15 horsepower': unknown unit 'horsepower'; expected"
                                + " a power with a unit (W, kW, MW, GW), e.g. '150 MW'"),
                Arguments.of("zero power", GOOD.replace("capacity: 15 MW", "capacity: 0 MW"),
                        "f.yaml: facility.powerSources[0].capacity = '0 MW': expected a power with a unit (W, kW, MW, GW),"
                                + " e.g. '150 MW' greater than zero"),
                Arguments.of("negative count", GOOD.replace("- count: 1\n    hall", "- count: -1\n    hall"),
                        "f.yaml: pods[0].count = -1: expected a whole number >= 1"),
                Arguments.of("fractional count", GOOD.replace("count: 4", "count: 4.5"),
                        "f.yaml: pods[0].racks[0].count = 4.5: expected a whole number >= 1"),
                Arguments.of("73 GPUs in an NVL72 rack", GOOD.replace("nodeType: gb200-nvl72-tray",
                                "nodeType: gb200-nvl72-tray\n        gpusPerRack: 73"),
                        "f.yaml: pods[1].racks[0].gpusPerRack = 73: expected a whole number of NVLink domains of node"
                                + " type gb200-nvl72-tray (72 GPUs each)"),
                Arguments.of("19 trays in an NVL72 rack", GOOD.replace("nodeType: gb200-nvl72-tray",
                                "nodeType: gb200-nvl72-tray\n        nodesPerRack: 19"),
                        "f.yaml: pods[1].racks[0].nodesPerRack = 19: expected a whole number of NVLink domains of node"
                                + " type gb200-nvl72-tray (18 nodes each)"),
                Arguments.of("nodesPerRack and gpusPerRack disagree", GOOD.replace("nodesPerRack: 4",
                                "nodesPerRack: 4\n        gpusPerRack: 64"),
                        "f.yaml: pods[0].racks[0].gpusPerRack = 64: disagrees with nodesPerRack = 4 (32 GPUs of node"
                                + " type hgx-h100); give one of the two"),
                Arguments.of("node type that does not exist", GOOD.replace("nodeType: hgx-h100", "nodeType: hgx-h1000"),
                        "f.yaml: pods[0].racks[0].nodeType = 'hgx-h1000': unknown node type; expected one of: hgx-a100,"
                                + " hgx-h100, hgx-h800, hgx-h200, hgx-b200, hgx-b300, gb200-nvl72-tray, gb300-nvl72-tray"),
                Arguments.of("PUE below 1", GOOD.replace("pue: 1.25", "pue: 0.9"),
                        "f.yaml: facility.pue = 0.9: expected a number from 1 to 3"),
                Arguments.of("oversubscription below 1", GOOD.replace("oversubscription: 2", "oversubscription: 0.5"),
                        "f.yaml: pods[0].oversubscription = 0.5: expected a number >= 1"),
                Arguments.of("battery without energy", GOOD.replace("      energy: 20 MWh\n", ""),
                        "f.yaml: facility.powerSources[1].energy: missing; this key is required"),
                Arguments.of("energy on a grid source", GOOD.replace("capacity: 15 MW", "capacity: 15 MW\n      energy: 1 MWh"),
                        "f.yaml: facility.powerSources[0].energy = '1 MWh': only a battery stores energy; remove this key or set kind: battery"),
                Arguments.of("unknown power source kind", GOOD.replace("kind: grid", "kind: coal-plant"),
                        "f.yaml: facility.powerSources[0].kind = 'coal-plant': unknown power source kind; expected one of:"
                                + " grid, gas-turbine, battery, solar, wind, nuclear, diesel"),
                Arguments.of("emission factor in wrong unit", GOOD.replace("400 kgCO2e/MWh", "400 MW"),
                        "f.yaml: facility.powerSources[0].emissionFactor = '400 MW': 'MW' is a unit of power, not of"
                                + " emission factor; expected an emission factor with a unit (kgCO2e/MWh, gCO2e/kWh,"
                                + " tCO2e/MWh, lbCO2e/MWh), e.g. '400 kgCO2e/MWh'"),
                Arguments.of("missing facility", GOOD.substring(0, GOOD.indexOf("facility:")) + GOOD.substring(GOOD.indexOf("network:")),
                        "f.yaml: facility: missing; this key is required"),
                Arguments.of("empty pod list", GOOD.substring(0, GOOD.indexOf("pods:")) + "pods: []\n",
                        "f.yaml: pods: expected a list with at least one entry"),
                Arguments.of("pods not a list", GOOD.substring(0, GOOD.indexOf("pods:")) + "pods: 3\n",
                        "f.yaml: pods = 3: expected a list"),
                Arguments.of("bad fleet name", GOOD.replace("name: lab-fleet", "name: My Fleet"),
                        "f.yaml: name = 'My Fleet': expected a name of lower-case letters, digits, '.', '_' or '-' (at most 63 characters)"),
                Arguments.of("duplicate key", GOOD.replace("pue: 1.25", "pue: 1.25\n  pue: 1.3"),
                        "f.yaml: not valid YAML (line 7, column 6): Duplicate field 'pue'"),
                Arguments.of("not YAML", "name: [unclosed\n", null),
                Arguments.of("empty document", "", "f.yaml: the document is empty; expected a mapping of keys"),
                Arguments.of("top level is a list", "- a\n- b\n", "f.yaml: (top level): expected a mapping of keys at the top level"),
                Arguments.of("more GPUs than supported", GOOD.replace("count: 4", "count: 600000"),
                        "f.yaml: pods[0].racks[0]: the fleet grows past 16777216 GPUs here; at most 16777216 GPUs are supported in one fleet"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFleets")
    void parse_badInput_isRejectedWithPathAndExpectation(String what, String yaml, String expectedMessage) {
        var thrown = assertThatThrownBy(() -> loader.parse("f.yaml", yaml)).isInstanceOf(FleetException.class);
        if (expectedMessage == null) {
            thrown.hasMessageStartingWith("f.yaml: not valid YAML (line ");
        } else {
            thrown.hasMessage(expectedMessage);
        }
    }
}
