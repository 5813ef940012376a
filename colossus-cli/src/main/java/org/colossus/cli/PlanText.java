package org.colossus.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.colossus.perf.Estimate;
import org.colossus.perf.RunPlan;

/** Human-readable and JSON forms of planner results. */
final class PlanText {
    private PlanText() {
    }

    static String gb(double bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f s", s);
    }

    static String duration(double seconds) {
        double days = seconds / 86400;
        return days >= 1 ? String.format(Locale.ROOT, "%.1f days", days)
                : String.format(Locale.ROOT, "%.1f hours", seconds / 3600);
    }

    static String money(double usd) {
        if (usd >= 1e6) {
            return String.format(Locale.ROOT, "$%.2fM", usd / 1e6);
        }
        return String.format(Locale.ROOT, "$%,.0f", usd);
    }

    static String estimate(RunPlan plan) {
        Estimate e = plan.estimate();
        var c = e.config();
        var mem = e.memory();
        var st = e.step();
        StringBuilder b = new StringBuilder();
        b.append(e.model().name()).append(" on ").append(FleetText.number(e.hardware().gpus())).append(" x ")
                .append(e.hardware().gpu().name()).append('\n');
        b.append("  ").append(c.describe()).append(String.format(Locale.ROOT, " (dp %d, %d micro-batches per step)%n",
                e.dp(), e.microbatches()));
        b.append(String.format(Locale.ROOT, "%nMemory per GPU (busiest stage)   %s%n", mem.fits()
                ? "fits: " + gb(mem.totalBytes()) + " of " + gb(mem.capacityBytes()) + " usable"
                : "DOES NOT FIT: needs " + gb(mem.totalBytes()) + " of " + gb(mem.capacityBytes()) + " usable ("
                + gb(mem.totalBytes() - mem.capacityBytes()) + " over)"));
        row(b, "weights", gb(mem.weightsBytes()));
        row(b, "gradients", gb(mem.gradientsBytes()));
        row(b, "optimizer", gb(mem.optimizerBytes()));
        row(b, "activations", gb(mem.activationsBytes()));
        row(b, "buffers", gb(mem.buffersBytes()));
        b.append(String.format(Locale.ROOT, "%nStep time                        %s%n", seconds(st.stepSeconds())));
        row(b, "compute", seconds(st.computeSeconds()));
        row(b, "exposed TP comm", seconds(st.tpCommSeconds()));
        row(b, "exposed CP comm", seconds(st.cpCommSeconds()));
        row(b, "exposed EP comm", seconds(st.epCommSeconds()));
        row(b, "exposed PP comm", seconds(st.ppCommSeconds()));
        row(b, "exposed DP comm", seconds(st.dpCommSeconds()));
        row(b, "pipeline bubble", seconds(st.bubbleSeconds()));
        row(b, "optimizer step", seconds(st.optimizerSeconds()));
        row(b, "(of which overhead)", seconds(st.overheadSeconds()));
        b.append(String.format(Locale.ROOT, "%nThroughput                       %,.0f tokens/s/GPU (%,.0f tokens/s in total)%n",
                e.tokensPerSecondPerGpu(), e.tokensPerSecondPerGpu() * e.hardware().gpus()));
        b.append(String.format(Locale.ROOT, "Model FLOPs                      %.0f TFLOP/s/GPU, MFU %.1f%% of the %s dense peak%n",
                e.modelTflopsPerGpu(), e.mfu() * 100, c.precision().peak().key().toUpperCase(Locale.ROOT)));
        b.append(String.format(Locale.ROOT, "%nRun of %s tokens%n", tokens(plan.tokens())));
        row(b, "time to train", duration(plan.timeToTrainSeconds()) + String.format(Locale.ROOT,
                " (%s without failures; goodput %.1f%%: %.2f interruptions/day, checkpoint every %.0f min)",
                duration(plan.idealSeconds()), plan.goodput().fraction() * 100, plan.goodput().interruptionsPerHour() * 24,
                plan.goodput().intervalSeconds() / 60));
        row(b, "GPU-hours", FleetText.number(plan.gpuHours(), 0));
        row(b, "cost", money(plan.costUsd()) + String.format(Locale.ROOT, " at $%.2f per GPU-hour", plan.pricePerGpuHourUsd()));
        row(b, "energy", String.format(Locale.ROOT, "%,.0f MWh IT, %,.0f MWh at the meter (PUE %.2f)", plan.itEnergyMWh(),
                plan.facilityEnergyMWh(), plan.pue()));
        return b.toString().stripTrailing();
    }

    static String tokens(double tokens) {
        if (tokens >= 1e12) {
            return String.format(Locale.ROOT, "%.3gT", tokens / 1e12);
        }
        return String.format(Locale.ROOT, "%.3gB", tokens / 1e9);
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "  %-30s %s%n", label, value));
    }

    /** Stable JSON shape of a run plan, units in the names. */
    static Map<String, Object> json(RunPlan plan) {
        Estimate e = plan.estimate();
        var c = e.config();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tp", c.tp());
        config.put("pp", c.pp());
        config.put("vp", c.vp());
        config.put("cp", c.cp());
        config.put("ep", c.ep());
        config.put("dp", e.dp());
        config.put("mbs", c.mbs());
        config.put("gbs", c.gbs());
        config.put("seq", c.seqLen());
        config.put("microbatches", e.microbatches());
        config.put("precision", c.precision().key());
        config.put("recompute", c.recompute().key());
        config.put("sharding", c.sharding().key());
        config.put("dispatcher", c.dispatcher().key());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("weightsGB", e.memory().weightsBytes() / 1e9);
        memory.put("gradientsGB", e.memory().gradientsBytes() / 1e9);
        memory.put("optimizerGB", e.memory().optimizerBytes() / 1e9);
        memory.put("activationsGB", e.memory().activationsBytes() / 1e9);
        memory.put("buffersGB", e.memory().buffersBytes() / 1e9);
        memory.put("totalGB", e.memory().totalBytes() / 1e9);
        memory.put("capacityGB", e.memory().capacityBytes() / 1e9);
        memory.put("fits", e.memory().fits());
        var st = e.step();
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("stepSeconds", st.stepSeconds());
        step.put("computeSeconds", st.computeSeconds());
        step.put("tpCommSeconds", st.tpCommSeconds());
        step.put("cpCommSeconds", st.cpCommSeconds());
        step.put("epCommSeconds", st.epCommSeconds());
        step.put("ppCommSeconds", st.ppCommSeconds());
        step.put("dpCommSeconds", st.dpCommSeconds());
        step.put("bubbleSeconds", st.bubbleSeconds());
        step.put("optimizerSeconds", st.optimizerSeconds());
        step.put("overheadSeconds", st.overheadSeconds());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tokens", plan.tokens());
        run.put("idealSeconds", plan.idealSeconds());
        run.put("timeToTrainSeconds", plan.timeToTrainSeconds());
        run.put("timeToTrainDays", plan.timeToTrainSeconds() / 86400);
        run.put("goodputFraction", plan.goodput().fraction());
        run.put("interruptionsPerDay", plan.goodput().interruptionsPerHour() * 24);
        run.put("checkpointIntervalSeconds", plan.goodput().intervalSeconds());
        run.put("gpuHours", plan.gpuHours());
        run.put("pricePerGpuHourUsd", plan.pricePerGpuHourUsd());
        run.put("costUsd", plan.costUsd());
        run.put("itEnergyMWh", plan.itEnergyMWh());
        run.put("facilityEnergyMWh", plan.facilityEnergyMWh());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", e.model().id());
        doc.put("gpu", e.hardware().gpu().id());
        doc.put("gpus", e.hardware().gpus());
        doc.put("config", config);
        doc.put("memory", memory);
        doc.put("step", step);
        doc.put("tokensPerSecondPerGpu", e.tokensPerSecondPerGpu());
        doc.put("modelFlopsPerToken", e.modelFlopsPerToken());
        doc.put("modelTflopsPerGpu", e.modelTflopsPerGpu());
        doc.put("mfu", e.mfu());
        doc.put("run", run);
        return doc;
    }

    static List<Map<String, Object>> json(List<RunPlan> plans) {
        return plans.stream().map(PlanText::json).toList();
    }
}
