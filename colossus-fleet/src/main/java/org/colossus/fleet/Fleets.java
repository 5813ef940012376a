package org.colossus.fleet;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A fleet from a preset name, a fleet file, or {@code uniform:HOSTSxGPUS} (identical hosts, no topology). */
public final class Fleets {
    private static final Pattern UNIFORM = Pattern.compile("uniform:(\\d{1,7})x(\\d{1,3})");

    private Fleets() {
    }

    public static Fleet resolve(String text, Catalog catalog) {
        if (text.startsWith("uniform:")) {
            Matcher m = UNIFORM.matcher(text);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
                throw new FleetException("'" + text + "': expected uniform:HOSTSxGPUS with positive whole numbers,"
                        + " e.g. uniform:12500x8");
            }
            return uniform(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), catalog);
        }
        return Fleet.build(Presets.resolve(text, catalog));
    }

    /**
     * {@code hosts} identical nodes of {@code gpusPerHost} GPUs in one pod and one rack: node i is host i, each node
     * its own NVLink domain, nothing else. GPU figures are H100's (they matter only to the planner).
     */
    public static Fleet uniform(int hosts, int gpusPerHost, Catalog catalog) {
        if ((long) hosts * gpusPerHost > (1L << 24)) {
            throw new FleetException("uniform fleet of " + hosts + " x " + gpusPerHost + " GPUs is larger than 16,777,216 GPUs");
        }
        var gpu = catalog.requireGpu("h100-sxm-80gb");
        NodeType host = new NodeType("uniform-" + gpusPerHost, "uniform host of " + gpusPerHost + " GPUs", gpu,
                gpusPerHost, 1, "", gpusPerHost * gpu.tdpWatts() * 1.4, Map.of());
        RackGroup rack = new RackGroup(1, host, hosts);
        PodGroup pod = new PodGroup(1, "hall-0", 1, List.of(rack));
        Facility facility = new Facility("", 1e12, 1.0, List.of());
        return Fleet.build(new FleetSpec("uniform-" + hosts + "x" + gpusPerHost, hosts + " identical hosts of "
                + gpusPerHost + " GPUs, no topology", facility, "", List.of(pod)));
    }
}
