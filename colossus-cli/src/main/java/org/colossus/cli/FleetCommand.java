package org.colossus.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.FleetSummary;
import org.colossus.fleet.Fleets;
import org.colossus.fleet.GpuModel;
import org.colossus.fleet.NodeType;
import org.colossus.fleet.Precision;
import org.colossus.fleet.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colossus fleet ...}: what a fleet is made of, and the hardware catalog behind it. */
@Command(name = "fleet",
        mixinStandardHelpOptions = true,
        description = "Inspect fleets (presets or your own YAML file) and the hardware catalog.",
        subcommands = {FleetCommand.Show.class, FleetCommand.PresetsCmd.class, FleetCommand.CatalogCmd.class,
                FleetCommand.Import.class})
final class FleetCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Summarize a fleet: GPUs by model, nodes, NVLink domains, racks, pods; peak dense PFLOPS "
                    + "per precision; total HBM; scale-out bandwidth; IT and facility power.",
                    "FLEET is a preset name (colossus1, colossus2) or a path to a fleet YAML file "
                            + "(format: docs/fleet-format.md)."})
    static final class Show implements Runnable {
        @Parameters(paramLabel = "FLEET", description = "Preset name, fleet YAML file, or uniform:HOSTSxGPUS.")
        String fleet;

        @picocli.CommandLine.Mixin
        FormatOption output;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            FleetSummary summary = FleetSummary.of(Fleets.resolve(fleet, Catalog.standard()));
            PrintWriter out = spec.commandLine().getOut();
            out.println(output.json() ? Json.write(summary) : FleetText.render(summary));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Write a fleet file from a running cluster: 'colossus fleet import slurm --out FILE' reads"
                    + " Slurm's nodes (GPU GRES and types) and topology.conf's switches (top-level switch = pod, leaf"
                    + " switch = rack) and maps Colossus node ids to Slurm node names (docs/slurm.md)."})
    static final class Import implements Runnable {
        @Parameters(paramLabel = "SOURCE", description = "slurm (the only source so far).")
        String source;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The fleet file to write.")
        java.nio.file.Path out;

        @Option(names = "--name", defaultValue = "slurm", description = "The fleet's name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--partition", paramLabel = "NAME", description = "Only this partition's nodes (default: all).")
        String partition;

        @Option(names = "--slurm-conf", paramLabel = "FILE", description = "The cluster's slurm.conf (default: Slurm's own).")
        java.nio.file.Path slurmConf;

        @Option(names = "--slurm-bin", paramLabel = "DIR", description = "Where Slurm's commands are (default: the PATH).")
        java.nio.file.Path slurmBin;

        @Option(names = "--node-type", paramLabel = "GRES_TYPE=NODE_TYPE",
                description = "A catalog node type for a GRES type where the guess is wrong, e.g. h100=hgx-h100.")
        Map<String, String> nodeTypes = new LinkedHashMap<>();

        @Option(names = "--pue", defaultValue = "1.3", description = "The facility's PUE to record (default: ${DEFAULT-VALUE}).")
        double pue;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            if (!"slurm".equals(source)) {
                throw new CliException("fleet import " + source + ": expected slurm");
            }
            var slurm = new org.colossus.server.dataplane.slurm.SlurmCommands(slurmBin, slurmConf, null);
            String yaml = org.colossus.server.dataplane.slurm.SlurmFleetImport.fleetYaml(slurm, Catalog.standard(),
                    new org.colossus.server.dataplane.slurm.SlurmFleetImport.Options(name, partition, nodeTypes, pue));
            // The file must load as it is written: a check here beats a refusal at serve time.
            Fleet f = Fleet.build(new org.colossus.fleet.FleetLoader(Catalog.standard()).parse(out.toString(), yaml));
            try {
                java.nio.file.Files.writeString(out, yaml);
            } catch (java.io.IOException e) {
                throw new CliException("--out " + out + ": " + e.getMessage());
            }
            spec.commandLine().getOut().println("wrote " + out + ": fleet '" + f.name() + "', " + f.nodeCount()
                    + " nodes, " + f.gpuCount() + " GPUs, " + f.rackCount() + " racks, " + f.podCount() + " pods");
        }
    }

    @Command(name = "presets", mixinStandardHelpOptions = true, description = "List the fleets shipped with Colossus.")
    static final class PresetsCmd implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            for (String name : Presets.NAMES) {
                var preset = Presets.load(name, Catalog.standard());
                out.printf("%-10s  %s%n", name, preset.description());
            }
        }
    }

    @Command(name = "catalog", mixinStandardHelpOptions = true,
            description = "List the GPU models and node types of the hardware catalog, with the source of every figure.")
    static final class CatalogCmd implements Runnable {
        @picocli.CommandLine.Mixin
        FormatOption output;

        @Option(names = "--sources", description = "Print the source of every figure (text format).")
        boolean sources;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            Catalog catalog = Catalog.standard();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                List<Object> gpus = new ArrayList<>();
                for (GpuModel g : catalog.gpus()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", g.id());
                    m.put("name", g.name());
                    m.put("architecture", g.architecture());
                    Map<String, Double> rates = new LinkedHashMap<>();
                    g.denseTflops().forEach((p, v) -> rates.put(p.key(), v));
                    m.put("denseTflops", rates);
                    m.put("hbmGB", g.hbmBytes() / 1e9);
                    m.put("hbmBandwidthTBps", g.hbmBytesPerSecond() / 1e12);
                    m.put("nvlinkBandwidthGBps", g.nvlinkBytesPerSecond() / 1e9);
                    m.put("nvlinkDomainGpus", g.nvlinkDomainGpus());
                    m.put("scaleOutGbps", g.scaleOutBytesPerSecond() * 8 / 1e9);
                    m.put("tdpWatts", g.tdpWatts());
                    m.put("sources", g.sources());
                    gpus.add(m);
                }
                doc.put("gpus", gpus);
                List<Object> types = new ArrayList<>();
                for (NodeType t : catalog.nodeTypes()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", t.id());
                    m.put("name", t.name());
                    m.put("gpu", t.gpu().id());
                    m.put("gpusPerNode", t.gpusPerNode());
                    m.put("nodesPerNvlinkDomain", t.nodesPerNvlinkDomain());
                    m.put("maxPowerWatts", t.maxPowerWatts());
                    m.put("sources", t.sources());
                    types.add(m);
                }
                doc.put("nodeTypes", types);
                out.println(Json.write(doc));
                return;
            }
            out.printf("%-16s %-26s %8s %8s %8s %8s %8s %6s %7s %7s %5s %6s %6s%n", "GPU", "name", "FP64", "TF32", "BF16",
                    "FP8", "FP4", "HBM", "HBM", "NVLink", "NVL", "NIC", "TDP");
            out.printf("%-16s %-26s %8s %8s %8s %8s %8s %6s %7s %7s %5s %6s %6s%n", "", "", "TFLOPS", "TFLOPS", "TFLOPS",
                    "TFLOPS", "TFLOPS", "GB", "TB/s", "GB/s", "GPUs", "Gb/s", "W");
            for (GpuModel g : catalog.gpus()) {
                out.printf("%-16s %-26s %8s %8s %8s %8s %8s %6.0f %7.2f %7.0f %5d %6.0f %6.0f%n", g.id(), g.name(),
                        rate(g, Precision.FP64), rate(g, Precision.TF32), rate(g, Precision.BF16), rate(g, Precision.FP8),
                        rate(g, Precision.FP4), g.hbmBytes() / 1e9, g.hbmBytesPerSecond() / 1e12,
                        g.nvlinkBytesPerSecond() / 1e9, g.nvlinkDomainGpus(), g.scaleOutBytesPerSecond() * 8 / 1e9,
                        g.tdpWatts());
                if (sources) {
                    g.sources().forEach((figure, source) -> out.printf("    %-18s %s%n", figure, source));
                }
            }
            out.println();
            out.printf("%-18s %-16s %9s %12s %10s%n", "node type", "GPU", "GPUs/node", "nodes/NVLink", "max power");
            for (NodeType t : catalog.nodeTypes()) {
                out.printf("%-18s %-16s %9d %12d %8.2f kW%n", t.id(), t.gpu().id(), t.gpusPerNode(),
                        t.nodesPerNvlinkDomain(), t.maxPowerWatts() / 1e3);
                if (sources) {
                    t.sources().forEach((figure, source) -> out.printf("    %-18s %s%n", figure, source));
                }
            }
            out.println();
            out.println("Dense tensor-core peaks per GPU; '-' = not supported. --sources prints where every figure comes from.");
        }

        private static String rate(GpuModel g, Precision p) {
            var v = g.denseTflops(p);
            return v.isPresent() ? FleetText.number(v.getAsDouble(), v.getAsDouble() < 10 ? 2 : 1) : "-";
        }
    }

    /**
     * A preset name, a fleet file or {@code uniform:HOSTSxGPUS}, as every command takes it; a refusal names the option
     * ({@code --fleet}) the value came from.
     */
    static Fleet resolve(String option, String value) {
        try {
            return Fleets.resolve(value, Catalog.standard());
        } catch (org.colossus.fleet.FleetException e) {
            // A uniform:HxG form's refusal quotes only the value; the option's name tells where it came from.
            throw value.startsWith("uniform:") ? new CliException(option + " " + e.getMessage()) : e;
        }
    }
}
