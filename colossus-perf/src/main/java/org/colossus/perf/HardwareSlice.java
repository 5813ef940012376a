package org.colossus.perf;

import org.colossus.fleet.Catalog;
import org.colossus.fleet.GpuModel;
import org.colossus.fleet.NodeType;

/**
 * The GPUs a run gets: a model, a count, and the interconnect around them.
 *
 * @param nvlinkBytesPerSecond per GPU, both directions together (catalog convention)
 * @param scaleOutBytesPerSecond per GPU NIC, one direction
 * @param wattsPerGpu wall power per GPU at full load, including its share of the node (CPUs, NICs, switches)
 */
public record HardwareSlice(GpuModel gpu, int gpus, int nvlinkDomainGpus, double nvlinkBytesPerSecond,
                            double scaleOutBytesPerSecond, double wattsPerGpu) {

    public HardwareSlice {
        if (gpus < 1 || nvlinkDomainGpus < 1) {
            throw new PerfException("a hardware slice needs at least one GPU and an NVLink domain of at least one GPU");
        }
    }

    /** The catalog's figures for {@code gpus} GPUs of this model, power from its node type. */
    public static HardwareSlice of(GpuModel gpu, int gpus, Catalog catalog) {
        double watts = catalog.nodeTypes().stream().filter(t -> t.gpu().equals(gpu)).findFirst()
                .map(t -> t.maxPowerWatts() / t.gpusPerNode())
                .orElse(gpu.tdpWatts() * 1.4);
        return new HardwareSlice(gpu, gpus, gpu.nvlinkDomainGpus(), gpu.nvlinkBytesPerSecond(),
                gpu.scaleOutBytesPerSecond(), watts);
    }

    /** Node types of the catalog that carry this GPU, for messages. */
    static String nodeTypesOf(GpuModel gpu, Catalog catalog) {
        return String.join(", ", catalog.nodeTypes().stream().filter(t -> t.gpu().equals(gpu)).map(NodeType::id).toList());
    }

    public HardwareSlice withGpus(int count) {
        return new HardwareSlice(gpu, count, nvlinkDomainGpus, nvlinkBytesPerSecond, scaleOutBytesPerSecond, wattsPerGpu);
    }
}
