package org.colossus.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {
    private final ModelCatalog catalog = ModelCatalog.standard();

    /** Parameter counts against the published sizes (within 1.5%). */
    @Test
    void totalParams_catalogModels_matchPublishedSizes() {
        assertThat(catalog.resolve("llama3-8b").totalParams() / 1e9).isCloseTo(8.03, within(0.12));
        assertThat(catalog.resolve("llama3-70b").totalParams() / 1e9).isCloseTo(70.6, within(1.0));
        assertThat(catalog.resolve("llama3-405b").totalParams() / 1e9).isCloseTo(405.9, within(6.0));
        assertThat(catalog.resolve("gpt3-175b").totalParams() / 1e9).isCloseTo(175.0, within(2.6));
        assertThat(catalog.resolve("mixtral-8x7b").totalParams() / 1e9).isCloseTo(46.7, within(0.7));
        assertThat(catalog.resolve("deepseek-v3").totalParams() / 1e9).isCloseTo(671, within(10.0));
        assertThat(catalog.resolve("gpt-oss-120b").totalParams() / 1e9).isCloseTo(116.8, within(1.8));
    }

    @Test
    void activeParams_moeModels_matchPublishedActiveSizes() {
        assertThat(catalog.resolve("mixtral-8x7b").activeParams() / 1e9).isCloseTo(12.9, within(0.2));
        assertThat(catalog.resolve("deepseek-v3").activeParams() / 1e9).isCloseTo(37.0, within(0.8));
        assertThat(catalog.resolve("gpt-oss-120b").activeParams() / 1e9).isCloseTo(5.13, within(0.1));
        ModelSpec dense = catalog.resolve("llama3-70b");
        assertThat(dense.activeParams()).isEqualTo(dense.totalParams() - dense.embeddingParams());
    }

    /**
     * Hand count for a toy model: h=4, 2 heads of dim 2, FFN 8 (plain), vocab 10, 2 layers, seq 4.
     * Attention weights 16 (Q) + 32 (K,V) + 16 (O) = 64; MLP 2 x 4 x 8 = 64; norms 8 per layer; embedding and
     * output 40 each; final norm 4. Total 2 x 136 + 80 + 4 = 356.
     */
    @Test
    void flopsPerToken_toyModel_matchesHandCount() {
        ModelSpec toy = new ModelSpec("toy", "toy", 2, 4, 8, 2, 2, 2, 10, 4, false, false, null, null, 0, 0, 16, "test");
        assertThat(toy.attentionParams()).isEqualTo(64);
        assertThat(toy.ffnParams(8)).isEqualTo(64);
        assertThat(toy.totalParams()).isEqualTo(356);
        // matmul weights per token: 2 x (64 + 64) + 40 = 296 -> 592 forward FLOPs; causal attention: per layer
        // 2 x 2 heads x (2 + 2) x (4 / 2) = 32 -> 64; forward + backward = 3x.
        assertThat(PerfModel.modelFlopsPerToken(toy, 4)).isEqualTo(3 * (592 + 64));
        // Megatron's count takes the full sequence for attention scores: 2 x 2 x 4 x 4 x 2 layers = 128
        assertThat(PerfModel.megatronFlopsPerToken(toy, 4)).isEqualTo(3 * (592 + 128));
    }

    @Test
    void flopsPerToken_llama3_405b_isAboutSixTimesParams() {
        ModelSpec m = catalog.resolve("llama3-405b");
        double sixN = 6.0 * m.activeParams();
        assertThat(PerfModel.modelFlopsPerToken(m, 8192) / sixN).isBetween(1.03, 1.10); // + causal attention at 8k
    }

    @Test
    void resolve_unknownModel_listsCatalog() {
        assertThatThrownBy(() -> catalog.resolve("llama5")).isInstanceOf(PerfException.class)
                .hasMessageStartingWith("unknown model 'llama5': neither a catalog model nor a model file; catalog models:"
                        + " llama3-8b, llama3-70b, llama3-405b");
    }

    @Test
    void readFile_userModel_readsYaml(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, """
                id: my-moe
                layers: 24
                hidden: 2048
                ffnHidden: 8192
                heads: 16
                kvHeads: 4
                vocab: 50000
                seqLen: 2048
                moe: {experts: 16, topK: 2, expertFfnHidden: 1024, denseLayers: 1}
                """);
        ModelSpec m = ModelCatalog.standard().resolve(file.toString());
        assertThat(m.isMoe()).isTrue();
        assertThat(m.moeLayers()).isEqualTo(23);
        assertThat(m.headDim()).isEqualTo(128);
        assertThat(m.gated()).isTrue();
    }

    @Test
    void readFile_badModel_namesKeyAndExpectation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "id: bad\nlayers: 2\nhidden: 64\nffnHidden: 256\nheads: 8\nkvHeads: 3\nvocab: 100\n");
        assertThatThrownBy(() -> ModelCatalog.readFile(file)).isInstanceOf(PerfException.class)
                .hasMessage(file + ": kvHeads = 3: expected a divisor of heads (8)");
        Files.writeString(file, "id: bad\nlayers: 2\nhidden: 64\nffnHidden: 256\nheads: 8\nvocab: 100\nexperts: 4\n");
        assertThatThrownBy(() -> ModelCatalog.readFile(file))
                .hasMessageStartingWith(file + ": experts: unknown key; expected one of: id, name, layers");
        Files.writeString(file, "id: bad\nlayers: 2\nhidden: 64\nffnHidden: 256\nheads: 8\nvocab: 100\n"
                + "moe: {experts: 4, topK: 8, expertFfnHidden: 64}\n");
        assertThatThrownBy(() -> ModelCatalog.readFile(file))
                .hasMessage(file + ": moe.topK = 8: expected at most experts (4)");
    }

    /** Nemotron-H 8B from its published blocks: about 8.1B weights, 24 Mamba-2 + 24 MLP + 4 attention blocks. */
    @Test
    void hybrid_nemotronH8b_countsBlocksAndWeights() {
        ModelSpec m = catalog.resolve("nemotron-h-8b");
        assertThat(m.mambaLayers()).isEqualTo(24);
        assertThat(m.denseFfnLayers()).isEqualTo(24);
        assertThat(m.attentionLayers()).isEqualTo(4);
        assertThat(m.moeLayers()).isZero();
        // in-projection 4096 x (2 x 8192 + 2 x 8 x 128 + 128) + out-projection 8192 x 4096 + conv, A, D, dt, norm
        assertThat(m.mambaParams()).isEqualTo(4096L * 18560 + 8192L * 4096 + 10240L * 5 + 3 * 128 + 8192);
        assertThat(m.totalParams() / 1e9).isCloseTo(8.1, within(0.15));
        // the SSD scan adds a few percent to the matmul FLOPs; four attention layers at 8k little more
        double sixN = 6.0 * m.activeParams();
        assertThat(PerfModel.modelFlopsPerToken(m, 8192) / sixN).isBetween(1.01, 1.10);
    }

    /** Nemotron-H 56B: 54 Mamba-2, 54 MLP and 10 attention blocks count 56B weights, as published. */
    @Test
    void hybrid_nemotronH56b_countsBlocksAndWeights() {
        ModelSpec m = catalog.resolve("nemotron-h-56b");
        assertThat(m.mambaLayers()).isEqualTo(54);
        assertThat(m.denseFfnLayers()).isEqualTo(54);
        assertThat(m.attentionLayers()).isEqualTo(10);
        assertThat(m.totalParams() / 1e9).isCloseTo(56.0, within(0.5));
    }

    /** A hybrid MoE: the counted weights match Nemotron 3 Nano's published 31.6B total and 3.2B active. */
    @Test
    void hybrid_nemotron3Nano_matchesPublishedTotalAndActiveWeights() {
        ModelSpec m = catalog.resolve("nemotron-3-nano-30b-a3b");
        assertThat(m.mambaLayers()).isEqualTo(23);
        assertThat(m.moeLayers()).isEqualTo(23);
        assertThat(m.attentionLayers()).isEqualTo(6);
        assertThat(m.denseFfnLayers()).isZero();
        assertThat(m.totalParams() / 1e9).isCloseTo(31.6, within(0.5));
        assertThat(m.activeParams() / 1e9).isCloseTo(3.2, within(0.3));
    }

    @Test
    void hybrid_badPatterns_refusedNamingTheField(@TempDir Path dir) throws Exception {
        String base = "id: h\nlayers: 4\nhidden: 256\nffnHidden: 512\nheads: 4\nvocab: 1000\nhybrid:\n"
                + "  mambaHeads: 8\n  mambaHeadDim: 64\n  stateDim: 16\n  groups: 4\n  pattern: \"%s\"\n";
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, String.format(base, "M*M-"));
        assertThat(ModelCatalog.readFile(ok).mambaLayers()).isEqualTo(2);
        for (String[] bad : new String[][] {{"M*M", "has 3 blocks; expected layers (4)"},
                {"M*MX", "expected M (Mamba-2), * (attention), - (MLP) and E (MoE) only"},
                {"M*ME", "has E (MoE) blocks; the model needs moe"}}) {
            Path f = dir.resolve("bad.yaml");
            Files.writeString(f, String.format(base, bad[0]));
            assertThatThrownBy(() -> ModelCatalog.readFile(f)).as(bad[0]).hasMessageContaining(bad[1])
                    .hasMessageContaining("pattern");
        }
        Path groups = dir.resolve("groups.yaml");
        Files.writeString(groups, String.format(base, "M*M-").replace("groups: 4", "groups: 3"));
        assertThatThrownBy(() -> ModelCatalog.readFile(groups)).hasMessageContaining("groups (3) must divide mambaHeads (8)");
    }

    /**
     * A LatentMoE: routed experts in the 1,024-wide latent, shared experts and the projections in hidden; the counted
     * weights match Nemotron 3 Super's published 120.6B total and 12B active.
     */
    @Test
    void latentMoe_nemotron3Super_matchesPublishedTotalAndActiveWeights() {
        ModelSpec m = catalog.resolve("nemotron-3-super-120b-a12b");
        assertThat(m.mambaLayers()).isEqualTo(40);
        assertThat(m.moeLayers()).isEqualTo(40);
        assertThat(m.attentionLayers()).isEqualTo(8);
        assertThat(m.routedDim()).isEqualTo(1024);
        assertThat(m.routedExpertParams()).isEqualTo(2L * 1024 * 2688);
        assertThat(m.moeLayerLocalParams()).isEqualTo(2L * 2 * 4096 * 2688 + 4096L * 512 + 2L * 4096 * 1024);
        assertThat(m.totalParams() / 1e9).isCloseTo(120.6, within(0.5));
        assertThat(m.activeParams() / 1e9).isCloseTo(12.0, within(0.4));
        assertThat(catalog.resolve("deepseek-v3").routedDim()).isEqualTo(7168);
    }

    @Test
    void readFile_latentWiderThanHidden_refusedNamingTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("latent.yaml");
        Files.writeString(f, "id: l\nlayers: 2\nhidden: 256\nffnHidden: 512\nheads: 4\nvocab: 1000\n"
                + "moe: {experts: 8, topK: 2, expertFfnHidden: 128, latentDim: 512}\n");
        assertThatThrownBy(() -> ModelCatalog.readFile(f)).hasMessageContaining("moe.latentDim")
                .hasMessageContaining("expected at most hidden (256)");
        Files.writeString(f, "id: l\nlayers: 2\nhidden: 256\nffnHidden: 512\nheads: 4\nvocab: 1000\n"
                + "moe: {experts: 8, topK: 2, expertFfnHidden: 128, latentDim: 64}\n");
        assertThat(ModelCatalog.readFile(f).routedDim()).isEqualTo(64);
    }
}
