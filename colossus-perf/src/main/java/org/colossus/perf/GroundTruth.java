package org.colossus.perf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.GpuModel;

/**
 * Rows of a ground-truth CSV in the format of data/ground-truth/training-throughput-v2.csv, turned into
 * (model, hardware, configuration, measured tokens/s/GPU). Every row either becomes a {@link Case} or is
 * skipped with a reason; model dimensions come from the row's own columns and notes, never the catalog.
 */
public final class GroundTruth {
    public static final List<String> COLUMNS = List.of("source", "table", "model", "params_b", "arch", "layers", "hidden",
            "ffn", "heads", "kv_heads", "vocab", "seq_len", "experts", "topk", "gpu", "num_gpus", "precision", "tp", "pp",
            "vp", "cp", "ep", "dp", "mbs", "gbs", "recompute", "measured_tflops_per_gpu", "measured_tokens_per_s_per_gpu",
            "measured_mfu", "notes");

    /** Columns the second version of the file adds at the end (data/ground-truth/README.md); optional. */
    public static final List<String> V2_COLUMNS = List.of("head_dim", "software", "flops_convention");

    /** The ground truth shipped inside this jar (a copy of data/ground-truth/training-throughput-v2.csv). */
    public static final String SHIPPED_NAME = "training-throughput-v2.csv (shipped)";
    private static final String SHIPPED_RESOURCE = "ground-truth/training-throughput-v2.csv";
    /**
     * Measurements the calibration never sees (data/ground-truth/held-out.csv: Megatron-Bridge's Qwen3 and Nemotron 3
     * Nano and Super tables and AutoModel rows transcribed after the fit), shipped to check how the model generalizes.
     */
    public static final String HELD_OUT_NAME = "held-out.csv (shipped)";
    private static final String HELD_OUT_RESOURCE = "ground-truth/held-out.csv";

    /**
     * A row that can be predicted. {@code assumptions} lists defaults used for cells the row leaves empty;
     * {@code software} is the release the row was measured with ("" where the source names none).
     */
    public record Case(int line, String label, String gpuFamily, ModelSpec model, HardwareSlice hardware,
                       ParallelConfig config, double measuredTokensPerSecondPerGpu, List<String> assumptions,
                       String software) {
        public Case {
            software = software == null ? "" : software;
        }

        public Case(int line, String label, String gpuFamily, ModelSpec model, HardwareSlice hardware,
                    ParallelConfig config, double measuredTokensPerSecondPerGpu, List<String> assumptions) {
            this(line, label, gpuFamily, model, hardware, config, measuredTokensPerSecondPerGpu, assumptions, "");
        }

        /**
         * What makes two rows the same configuration: everything but the release, the source's wording and the
         * measurement. Rows sharing it and differing in {@code software} are repeated measurements.
         */
        public String configurationKey() {
            return label + " | " + gpuFamily + " | " + hardware.gpus() + " | " + config + " | " + model.layers() + "x"
                    + model.hidden() + "x" + model.ffnHidden() + "x" + model.heads() + "x" + model.kvHeads() + "x"
                    + model.headDim() + "x" + model.vocab() + "x" + model.seqLen() + "x" + model.moe();
        }
    }

    public record Skipped(int line, String label, String reason) {
    }

    public record Parsed(List<Case> cases, List<Skipped> skipped) {
    }

    private static final Pattern DENSE_FIRST = Pattern.compile("first (\\d+) layers dense ffn (\\d+)");
    private static final Pattern SHARED = Pattern.compile("(\\d+) shared expert");
    private static final Pattern FSDP = Pattern.compile("FSDP=(\\d+)");
    private static final Pattern CATALOG_MODEL = Pattern.compile("catalog=([A-Za-z0-9._-]+)");
    private static final Pattern DISPATCHER = Pattern.compile("dispatcher=([A-Za-z0-9_-]+)");
    private static final Pattern NODE_NETWORK = Pattern.compile("(\\d+) Gbps inter-node per node");

    private GroundTruth() {
    }

    /** Parses the ground truth shipped inside this jar. */
    public static Parsed shipped(Catalog catalog) {
        return resource(SHIPPED_RESOURCE, SHIPPED_NAME, catalog);
    }

    /** Parses the held-out measurements shipped inside this jar ({@link #HELD_OUT_NAME}). */
    public static Parsed heldOut(Catalog catalog) {
        return resource(HELD_OUT_RESOURCE, HELD_OUT_NAME, catalog);
    }

    private static Parsed resource(String resource, String name, Catalog catalog) {
        try (InputStream in = GroundTruth.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PerfException(name + ": missing from the colossus-perf jar (a broken build)");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), catalog);
        } catch (IOException e) {
            throw new PerfException(name + ": cannot read: " + e.getMessage());
        }
    }

    public static Parsed parse(String file, String csvText, Catalog catalog) {
        List<String> lines = csvText.lines().toList();
        if (lines.isEmpty()) {
            throw new PerfException(file + ": empty; expected a header with the columns " + String.join(",", COLUMNS));
        }
        List<String> header = Csv.parseLine(lines.get(0));
        List<String> allColumns = new ArrayList<>(COLUMNS);
        allColumns.addAll(V2_COLUMNS);
        if (!header.equals(COLUMNS) && !header.equals(allColumns)) {
            List<String> missing = new ArrayList<>(header.size() > COLUMNS.size() ? allColumns : COLUMNS);
            missing.removeAll(header);
            List<String> extra = new ArrayList<>(header);
            extra.removeAll(allColumns);
            throw new PerfException(file + ": line 1: the header must be exactly the columns of training-throughput.csv"
                    + (missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing))
                    + (extra.isEmpty() ? "" : "; unexpected: " + String.join(", ", extra))
                    + (missing.isEmpty() && extra.isEmpty() ? " (same names, other order)" : "")
                    + "; training-throughput-v2.csv's " + String.join(",", V2_COLUMNS) + " may follow them");
        }
        List<Case> cases = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> cells = Csv.parseLine(lines.get(i));
            Map<String, String> row = new LinkedHashMap<>();
            for (int k = 0; k < allColumns.size(); k++) {
                row.put(allColumns.get(k), k < header.size() && k < cells.size() ? cells.get(k).trim() : "");
            }
            String label = row.get("model") + " | " + row.get("gpu") + " | " + row.get("num_gpus") + " GPUs | "
                    + row.get("precision");
            if (!row.get("notes").startsWith("sim=full")) {
                continue; // only sim=full rows are complete enough to predict
            }
            try {
                cases.add(toCase(i + 1, label, row, catalog));
            } catch (SkipException e) {
                skipped.add(new Skipped(i + 1, label, e.getMessage()));
            }
        }
        return new Parsed(cases, skipped);
    }

    private static final class SkipException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SkipException(String message) {
            super(message, null, false, false);
        }
    }

    private static Case toCase(int line, String label, Map<String, String> row, Catalog catalog) {
        List<String> assumed = new ArrayList<>();
        String notes = row.get("notes");
        String family = gpuFamily(row.get("gpu"));
        GpuModel gpu = switch (family) {
            case "A100" -> catalog.requireGpu("a100-sxm-80gb");
            case "H100" -> catalog.requireGpu("h100-sxm-80gb");
            case "B200" -> catalog.requireGpu("b200");
            case "B300" -> catalog.requireGpu("b300");
            case "GB200" -> catalog.requireGpu("gb200");
            case "GB300" -> catalog.requireGpu("gb300");
            default -> throw new SkipException("GPU '" + row.get("gpu") + "' is not in the catalog");
        };
        int layers = required(row, "layers");
        int hidden = required(row, "hidden");
        int ffn = optional(row, "ffn", 4 * hidden, assumed, "ffn = 4 x hidden");
        int heads = optional(row, "heads", Math.max(1, hidden / 128), assumed, "heads = hidden / 128");
        boolean mla = notes.contains("MLA");
        int kvHeads = optional(row, "kv_heads", heads, assumed, mla ? null : "kv_heads = heads (MHA)");
        int vocab = optional(row, "vocab", 51200, assumed, "vocab = 51200");
        int seq = required(row, "seq_len");
        boolean moe = row.get("arch").equalsIgnoreCase("moe");
        boolean gated = moe || ffn != 4 * hidden;
        ModelSpec.Moe moeSpec = null;
        int denseFfn = ffn;
        if (moe) {
            int experts = required(row, "experts");
            int topK = required(row, "topk");
            int denseLayers = 0;
            Matcher dm = DENSE_FIRST.matcher(notes);
            if (dm.find()) {
                denseLayers = Integer.parseInt(dm.group(1));
                denseFfn = Integer.parseInt(dm.group(2));
            }
            Matcher sm = SHARED.matcher(notes);
            int shared = sm.find() ? Integer.parseInt(sm.group(1)) : 0;
            moeSpec = new ModelSpec.Moe(experts, topK, ffn, shared, denseLayers);
        }
        ModelSpec.Mla mlaSpec = mla ? new ModelSpec.Mla(1536, 512, 128, 64, 128) : null;
        if (mla) {
            assumed.add("MLA ranks of DeepSeek-V3 (q 1536, kv 512, rope 64)");
        }
        boolean sliding = notes.contains("sliding-window");
        if (heads % kvHeads != 0) {
            throw new SkipException("heads (" + heads + ") not a multiple of kv_heads (" + kvHeads + ")");
        }
        // v2's head_dim: not hidden / heads for Qwen3, gpt-oss or PaLM; empty for MLA models (ranks in the notes)
        int headDim = optional(row, "head_dim", Math.max(1, hidden / heads), assumed,
                mla ? null : "head_dim = hidden / heads");
        ModelSpec model;
        Matcher cm = CATALOG_MODEL.matcher(notes);
        try {
            if (row.get("arch").equalsIgnoreCase("hybrid")) {
                // a hybrid's blocks do not fit the columns: the row names the catalog model it measured
                if (!cm.find()) {
                    throw new SkipException("a hybrid row names its model in notes as catalog=<id>; none given");
                }
                model = ModelCatalog.standard().resolve(cm.group(1)).withSeqLen(seq);
                if (model.layers() != layers || model.hidden() != hidden) {
                    throw new SkipException("the row says " + layers + " layers of hidden " + hidden + ", but catalog "
                            + cm.group(1) + " has " + model.layers() + " of " + model.hidden());
                }
                assumed.add("model = catalog " + cm.group(1) + " (blocks and dimensions from the planner's catalog)");
            } else {
                model = new ModelSpec(row.get("model").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-"),
                    row.get("model"), layers, hidden, denseFfn, heads, kvHeads, headDim, vocab, seq,
                    gated, false, moeSpec, mlaSpec, sliding ? 128 : 0, sliding ? 0.5 : 0, 0, "ground truth line " + line);
            }
        } catch (PerfException e) {
            throw new SkipException(e.getMessage());
        }
        int gpus = required(row, "num_gpus");
        int tp = optional(row, "tp", 1, assumed, "tp = 1");
        int pp = optional(row, "pp", 1, assumed, "pp = 1");
        int vp = row.get("vp").isEmpty() ? assumedVp(row, layers, pp, assumed) : optional(row, "vp", 1, null, null);
        int cp = optional(row, "cp", 1, null, null);
        int ep = row.get("ep").isEmpty() && model.isMoe() ? assumedEp(notes, assumed)
                : optional(row, "ep", 1, null, null);
        int mbs = optional(row, "mbs", 1, assumed, "mbs = 1");
        int gbs = required(row, "gbs");
        Recompute recompute = row.get("recompute").startsWith("full") ? Recompute.FULL
                : row.get("recompute").startsWith("selective") ? Recompute.SELECTIVE : Recompute.NONE;
        TrainingPrecision precision = precision(row.get("precision"), family, assumed);
        Sharding sharding = Sharding.DISTRIBUTED_OPTIMIZER;
        Matcher fm = FSDP.matcher(notes);
        if (fm.find() && Integer.parseInt(fm.group(1)) > 0) {
            sharding = Sharding.FSDP;
        } else if (notes.contains("no gradient bucketing")) {
            sharding = Sharding.DDP_UNBUCKETED; // the row says so: its all-reduce is not overlapped
        }
        HardwareSlice hw = HardwareSlice.of(gpu, gpus, catalog);
        TokenDispatcher dispatcher = dispatcher(notes, model, hw, tp * cp, ep, assumed);
        ParallelConfig config = new ParallelConfig(tp, pp, vp, cp, ep, mbs, gbs, seq, recompute, precision, sharding,
                dispatcher);
        Matcher nm = NODE_NETWORK.matcher(row.get("gpu") + " " + notes);
        if (nm.find()) {
            // the row's own network: Gb/s per 8-GPU node, so a GPU's share in bytes per second
            double perGpu = Double.parseDouble(nm.group(1)) * 1e9 / 8 / 8;
            hw = new HardwareSlice(hw.gpu(), hw.gpus(), hw.nvlinkDomainGpus(), hw.nvlinkBytesPerSecond(), perGpu,
                    hw.wattsPerGpu());
        }
        List<String> problems = PerfModel.violations(model, hw, config);
        if (!problems.isEmpty()) {
            throw new SkipException("configuration does not divide: " + String.join("; ", problems));
        }
        double measured = measuredTokens(row, model, config, notes);
        return new Case(line, label, family, model, hw, config, measured, List.copyOf(assumed), row.get("software"));
    }

    /**
     * The token dispatcher a row's notes name ({@code dispatcher=alltoall}, read from the recipe the row ran); where
     * the row names none and its expert-parallel group spans NVLink domains, so that the choice matters, the
     * assumption (DeepEP-style forwarding) is said.
     */
    private static TokenDispatcher dispatcher(String notes, ModelSpec model, HardwareSlice hw, int ranksBefore, int ep,
                                              List<String> assumed) {
        Matcher m = DISPATCHER.matcher(notes);
        if (m.find()) {
            try {
                return TokenDispatcher.parse(m.group(1));
            } catch (PerfException e) {
                throw new SkipException("notes: " + e.getMessage());
            }
        }
        if (model.isMoe() && PerfModel.expertRanksPerDomain(ranksBefore, ep, hw.nvlinkDomainGpus()) < ep) {
            assumed.add("dispatcher = deepep (the EP group spans NVLink domains and the row names no dispatcher:"
                    + " tokens cross the network once per remote domain)");
        }
        return TokenDispatcher.DEEPEP;
    }

    /**
     * The expert parallelism of an MoE row without ep. AutoModel's table prints "-" for EP in its gpt-oss rows yet lists
     * DeepEP among their kernels, which dispatches tokens between expert-parallel ranks, so EP is not 1: its benchmark
     * recipes (examples/llm_benchmark/gpt_oss/gptoss_120b_te_deepep.yaml and gptoss_20b_te_deepep.yaml,
     * github.com/NVIDIA-NeMo/Automodel) set ep_size to the FSDP group, every GPU of the run. Other sources: 1.
     */
    private static int assumedEp(String notes, List<String> assumed) {
        Matcher fm = FSDP.matcher(notes);
        if (notes.contains("DeepEP") && fm.find() && Integer.parseInt(fm.group(1)) > 1) {
            int fsdp = Integer.parseInt(fm.group(1));
            assumed.add("ep = " + fsdp + " (the row gives no EP but lists DeepEP; AutoModel's benchmark recipes for"
                    + " these models set ep_size to the FSDP size)");
            return fsdp;
        }
        assumed.add("ep = 1 (the row gives no EP)");
        return 1;
    }

    /**
     * The interleaving a row without vp is read with, said per source rather than silently 1. A row whose notes
     * say the schedule is interleaved gets 2 virtual stages per rank (the least interleaving there is) where its
     * layers per stage divide by 2; the others get 1, with what their source's silence means.
     */
    private static int assumedVp(Map<String, String> row, int layers, int pp, List<String> assumed) {
        if (pp <= 1) {
            return 1; // no pipeline, nothing to interleave
        }
        String source = row.get("source");
        String notes = row.get("notes");
        if (notes.contains("interleaved")) {
            if ((layers / pp) % 2 == 0 && layers % pp == 0) {
                assumed.add("vp = 2 (the row says the schedule is interleaved and gives no vp: the least interleaving)");
                return 2;
            }
            assumed.add("vp = 1 (the row says interleaved, but " + layers + " layers on " + pp
                    + " stages do not split in two)");
            return 1;
        }
        if (source.contains("Megatron-Bridge") || source.contains("NVIDIA/NeMo") || source.contains("nemo-framework")
                || source.contains("Automodel")) {
            assumed.add("vp = 1 (NeMo/Megatron-Bridge table: an empty VP cell is no interleaving)");
        } else if (source.contains("vTrain")) {
            assumed.add("vp = 1 (vTrain: Megatron-DeepSpeed's 1F1B, which does not interleave)");
        } else {
            assumed.add("vp = 1 (the source gives no vp and does not say the schedule is interleaved)");
        }
        return 1;
    }

    private static double measuredTokens(Map<String, String> row, ModelSpec model, ParallelConfig config,
                                         String notes) {
        int seq = config.seqLen();
        String tokens = row.get("measured_tokens_per_s_per_gpu");
        if (!tokens.isEmpty()) {
            return number(tokens, "measured_tokens_per_s_per_gpu");
        }
        String tflops = row.get("measured_tflops_per_gpu");
        if (tflops.isEmpty()) {
            throw new SkipException("neither measured tokens/s/GPU nor TFLOP/s/GPU given");
        }
        // Only TFLOP/s published: convert with the count Megatron/NeMo publish in (full attention scores). v2's
        // flops_convention says whether the figure counts the hardware's FLOPs, i.e. the forward pass run again
        // under full recompute (4 passes instead of 3: Megatron SC21 and its README); v1 files said so in notes.
        double flopsPerToken = PerfModel.megatronFlopsPerToken(model, seq);
        String convention = row.get("flops_convention");
        boolean hardware = convention.isEmpty() ? notes.contains("includes recompute") : convention.equals("hardware");
        if (!convention.isEmpty() && !convention.equals("hardware") && !convention.equals("model")) {
            throw new SkipException("flops_convention '" + convention + "': expected hardware, model or empty");
        }
        if (hardware && config.recompute() == Recompute.FULL) {
            flopsPerToken *= 4.0 / 3.0;
        }
        return number(tflops, "measured_tflops_per_gpu") * 1e12 / flopsPerToken;
    }

    /** The GPU family a ground-truth 'gpu' cell names: A100, H100, B200, B300, GB200 or GB300. */
    public static String gpuFamily(String cell) {
        String c = cell.toUpperCase(Locale.ROOT);
        for (String family : List.of("GB300", "GB200", "B300", "B200", "H100", "A100")) {
            if (c.startsWith(family)) {
                return family;
            }
        }
        return cell;
    }

    private static TrainingPrecision precision(String cell, String family, List<String> assumed) {
        String c = cell.toUpperCase(Locale.ROOT);
        if (c.isEmpty()) {
            assumed.add("precision = BF16");
            return TrainingPrecision.BF16;
        }
        if (c.startsWith("NVFP4")) {
            return TrainingPrecision.NVFP4;
        }
        if (c.startsWith("MXFP8")) {
            return TrainingPrecision.MXFP8;
        }
        if (c.startsWith("FP8")) {
            // blockwise FP8 is MXFP8 on Blackwell (the row says so) and 128x128 blocks on Hopper
            return c.contains("BLOCKWISE") && !family.equals("H100") ? TrainingPrecision.MXFP8 : TrainingPrecision.FP8;
        }
        if (c.startsWith("BF16") || c.contains("16-BIT") || c.startsWith("FP16")) {
            return TrainingPrecision.BF16;
        }
        throw new SkipException("precision '" + cell + "' not understood");
    }

    private static int required(Map<String, String> row, String column) {
        String cell = row.get(column);
        if (cell.isEmpty()) {
            throw new SkipException(column + " is empty");
        }
        return (int) Math.round(number(cell, column));
    }

    private static int optional(Map<String, String> row, String column, int fallback, List<String> assumed, String note) {
        String cell = row.get(column);
        if (cell.isEmpty()) {
            if (assumed != null && note != null) {
                assumed.add(note);
            }
            return fallback;
        }
        return (int) Math.round(number(cell, column));
    }

    private static double number(String cell, String column) {
        try {
            return Double.parseDouble(cell.replace("%", ""));
        } catch (NumberFormatException e) {
            throw new SkipException(column + " '" + cell + "' is not a number");
        }
    }
}
