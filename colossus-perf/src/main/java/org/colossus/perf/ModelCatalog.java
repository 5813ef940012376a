package org.colossus.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.colossus.fleet.config.Resources;
import org.colossus.fleet.config.YamlNode;

/** Well-known models (models.yaml, each with its public source) and the reader for user model files. */
public final class ModelCatalog {
    private final Map<String, ModelSpec> models;

    private ModelCatalog(Map<String, ModelSpec> models) {
        this.models = models;
    }

    private static final class Standard {
        static final ModelCatalog INSTANCE = load();

        private static ModelCatalog load() {
            return parse("models.yaml", Resources.text(ModelCatalog.class, "models.yaml", PerfException::new));
        }
    }

    public static ModelCatalog standard() {
        return Standard.INSTANCE;
    }

    public static ModelCatalog parse(String file, String text) {
        YamlNode root = YamlNode.parse(file, text, PerfException::new).allowOnly("models");
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        for (YamlNode m : root.get("models").nonEmptyList()) {
            ModelSpec spec = readModel(m);
            if (models.putIfAbsent(spec.id(), spec) != null) {
                throw m.get("id").fail("duplicate model id");
            }
        }
        return new ModelCatalog(java.util.Collections.unmodifiableMap(models));
    }

    /** Reads one model file (YAML or JSON) holding a single model mapping. */
    public static ModelSpec readFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PerfException(file + ": cannot read: " + e.getMessage());
        }
        return readModel(YamlNode.parse(file.toString(), text, PerfException::new));
    }

    static ModelSpec readModel(YamlNode m) {
        m.allowOnly("id", "name", "layers", "hidden", "ffnHidden", "heads", "kvHeads", "headDim", "vocab", "seqLen",
                "gated", "tiedEmbeddings", "moe", "mla", "slidingWindowTokens", "slidingWindowLayerFraction",
                "defaultBatchTokens", "source", "hybrid");
        int hidden = m.get("hidden").intAtLeast(1);
        YamlNode headsNode = m.get("heads");
        int heads = headsNode.intAtLeast(1);
        int kvHeads = m.find("kvHeads").map(n -> n.intAtLeast(1)).orElse(heads);
        if (heads % kvHeads != 0) {
            throw m.get("kvHeads").fail("expected a divisor of heads (" + heads + ")");
        }
        int headDim = m.find("headDim").map(n -> n.intAtLeast(1)).orElseGet(() -> {
            if (hidden % heads != 0) {
                throw headsNode.fail("hidden (" + hidden + ") is not a multiple of heads; give headDim");
            }
            return hidden / heads;
        });
        ModelSpec.Moe moe = m.find("moe").map(n -> {
            n.allowOnly("experts", "topK", "expertFfnHidden", "sharedExperts", "denseLayers", "latentDim");
            int experts = n.get("experts").intAtLeast(1);
            YamlNode topK = n.get("topK");
            int k = topK.intAtLeast(1);
            if (k > experts) {
                throw topK.fail("expected at most experts (" + experts + ")");
            }
            return new ModelSpec.Moe(experts, k, n.get("expertFfnHidden").intAtLeast(1),
                    n.find("sharedExperts").map(x -> x.intAtLeast(0)).orElse(0),
                    n.find("denseLayers").map(x -> x.intAtLeast(0)).orElse(0),
                    n.find("latentDim").map(x -> {
                        int latent = x.intAtLeast(1);
                        if (latent > hidden) {
                            throw x.fail("expected at most hidden (" + hidden + "): a LatentMoE projects tokens down");
                        }
                        return latent;
                    }).orElse(0));
        }).orElse(null);
        ModelSpec.Mla mla = m.find("mla").map(n -> {
            n.allowOnly("qLoraRank", "kvLoraRank", "qkNopeHeadDim", "qkRopeHeadDim", "vHeadDim");
            return new ModelSpec.Mla(n.find("qLoraRank").map(x -> x.intAtLeast(0)).orElse(0),
                    n.get("kvLoraRank").intAtLeast(1), n.get("qkNopeHeadDim").intAtLeast(1),
                    n.get("qkRopeHeadDim").intAtLeast(0), n.get("vHeadDim").intAtLeast(1));
        }).orElse(null);
        int layers = m.get("layers").intAtLeast(1);
        ModelSpec.Hybrid hybrid = m.find("hybrid").map(n -> {
            n.allowOnly("pattern", "mambaHeads", "mambaHeadDim", "groups", "stateDim", "convKernel", "chunkSize");
            YamlNode pattern = n.get("pattern");
            String text = pattern.text();
            if (!text.matches("[M*\\-E]+")) {
                throw pattern.fail("expected M (Mamba-2), * (attention), - (MLP) and E (MoE) only");
            }
            if (text.length() != layers) {
                throw pattern.fail("has " + text.length() + " blocks; expected layers (" + layers + ")");
            }
            if (text.indexOf('E') >= 0 && moe == null) {
                throw pattern.fail("has E (MoE) blocks; the model needs moe");
            }
            YamlNode heads2 = n.get("mambaHeads");
            int mambaHeads = heads2.intAtLeast(1);
            YamlNode groups = n.find("groups").orElse(null);
            int g = groups == null ? 8 : groups.intAtLeast(1);
            if (mambaHeads % g != 0) {
                throw (groups == null ? heads2 : groups).fail("groups (" + g + ") must divide mambaHeads (" + mambaHeads
                        + ")");
            }
            return new ModelSpec.Hybrid(text, mambaHeads, n.get("mambaHeadDim").intAtLeast(1), g,
                    n.get("stateDim").intAtLeast(1), n.find("convKernel").map(x -> x.intAtLeast(1)).orElse(4),
                    n.find("chunkSize").map(x -> x.intAtLeast(1)).orElse(128));
        }).orElse(null);
        if (hybrid != null && moe != null && hybrid.count('E') == 0) {
            throw m.get("moe").fail("a hybrid model's experts sit in E blocks; the pattern has none");
        }
        if (moe != null && moe.denseLayers() > layers) {
            throw m.get("moe").get("denseLayers").fail("expected at most layers (" + layers + ")");
        }
        int seqLen = m.find("seqLen").map(n -> n.intAtLeast(1)).orElse(4096);
        return new ModelSpec(
                m.get("id").name(),
                m.find("name").map(YamlNode::text).orElse(m.get("id").text()),
                layers, hidden,
                m.get("ffnHidden").intAtLeast(1),
                heads, kvHeads, headDim,
                m.get("vocab").intAtLeast(1),
                seqLen,
                m.find("gated").map(n -> bool(n)).orElse(true),
                m.find("tiedEmbeddings").map(n -> bool(n)).orElse(false),
                moe, mla,
                m.find("slidingWindowTokens").map(n -> n.intAtLeast(0)).orElse(0),
                m.find("slidingWindowLayerFraction").map(n -> n.numberBetween(0, 1)).orElse(0.0),
                m.find("defaultBatchTokens").map(n -> (long) n.numberAtLeast(1)).orElse(4L * 1024 * 1024),
                m.find("source").map(YamlNode::text).orElse(""),
                hybrid);
    }

    private static boolean bool(YamlNode n) {
        String text = n.text();
        if (!text.equals("true") && !text.equals("false")) {
            throw n.fail("expected true or false");
        }
        return Boolean.parseBoolean(text);
    }

    public Collection<ModelSpec> models() {
        return models.values();
    }

    /** A catalog id, or else a path to a model file; unknown names list the catalog. */
    public ModelSpec resolve(String idOrFile) {
        ModelSpec spec = models.get(idOrFile);
        if (spec != null) {
            return spec;
        }
        Path file = Path.of(idOrFile);
        if (Files.isRegularFile(file)) {
            return readFile(file);
        }
        throw new PerfException("unknown model '" + idOrFile + "': neither a catalog model nor a model file; catalog"
                + " models: " + String.join(", ", models.keySet()));
    }
}
