package org.colossus.perf;

/**
 * What one configuration costs per step and per GPU. Memory is for the busiest pipeline stage.
 *
 * @param microbatches per data-parallel replica per step: gbs / (dp x mbs)
 * @param modelFlopsPerToken the documented convention (docs/planner.md#flop-convention): 6 x active matmul
 *     weights + causal attention, forward and backward, no recomputation
 * @param mfu model TFLOP/s per GPU / the GPU's dense peak at the GEMM precision
 */
public record Estimate(
        ModelSpec model,
        HardwareSlice hardware,
        ParallelConfig config,
        int dp,
        int microbatches,
        Memory memory,
        StepTime step,
        double tokensPerSecondPerGpu,
        double modelFlopsPerToken,
        double modelTflopsPerGpu,
        double mfu) {

    /** Bytes per GPU on the busiest stage, by component. */
    public record Memory(double weightsBytes, double gradientsBytes, double optimizerBytes, double activationsBytes,
                         double buffersBytes, double totalBytes, double capacityBytes) {
        public boolean fits() {
            return totalBytes <= capacityBytes;
        }
    }

    /**
     * One optimizer step. {@code stepSeconds} = compute + exposed communication + bubble + optimizer + overhead.
     * The exposed parts are what is left after overlap; the bubble is the idle pipeline time (p-1)/(v m).
     */
    public record StepTime(double stepSeconds, double computeSeconds, double tpCommSeconds, double cpCommSeconds,
                           double epCommSeconds, double ppCommSeconds, double dpCommSeconds, double bubbleSeconds,
                           double optimizerSeconds, double overheadSeconds) {
    }

    public double tokensPerStep() {
        return (double) config.gbs() * config.seqLen();
    }
}
