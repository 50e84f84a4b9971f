package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.zoo.ModelZoo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed articles' figures, reproduced on the zoo models under the SEED convention. */
class ZooProfilesTest {
    private static ModelProfile seed(String name, long batch) {
        return ModelProfiler.profile(ModelZoo.build(name), name, new ProfileOptions(batch, Map.of(), CountingConvention.SEED));
    }

    @Test
    void mnistCnnPerLayerFlops() {
        ModelProfile p = seed("mnist-cnn", 1);
        assertThat(p.nodes().stream().filter(n -> n.flops() > 0).map(NodeCost::flops))
                .containsExactly(60_840L, 259_200L, 737_280L, 2_560L);
        // The per-layer figures sum to 1,059,880 (the brief's "1,060,400" is not their sum).
        assertThat(p.totalFlops()).isEqualTo(60_840 + 259_200 + 737_280 + 2_560);
        assertThat(p.totalParams()).isEqualTo(370_338);
        assertThat(p.uncountedOpTypes()).isEmpty();
    }

    @Test
    void batchScalesLinearly() {
        ModelProfile one = seed("mnist-cnn", 1);
        ModelProfile eight = seed("mnist-cnn", 8);
        assertThat(eight.totalFlops()).isEqualTo(8 * one.totalFlops());
        assertThat(eight.totalMacs()).isEqualTo(8 * one.totalMacs());
        assertThat(eight.totalParams()).isEqualTo(one.totalParams());
        assertThat(eight.peakActivationBytes()).isEqualTo(8 * one.peakActivationBytes());
    }

    @Test
    void seedConvAndItsSeparableReplacement() {
        assertThat(seed("seed-conv", 1).totalFlops()).isEqualTo(20_377_728);
        ModelProfile separable = seed("seed-separable", 1);
        assertThat(separable.nodes()).extracting(NodeCost::flops).containsExactly(318_402L, 415_872L);
        assertThat(separable.totalParams()).isEqualTo(1_017);
    }

    @Test
    void kerasMlpParameters() {
        assertThat(seed("keras-mlp", 1).totalParams()).isEqualTo(387);
    }

    @Test
    void resnet50MatchesTorchvisionCounts() {
        ModelProfile p = seed("resnet50", 1);
        // torchvision: 25,557,032 trainable; BN running stats add 53,120 non-trainable.
        assertThat(p.trainableParams()).isEqualTo(25_557_032);
        assertThat(p.totalParams()).isEqualTo(25_610_152);
        assertThat(p.totalMacs()).isBetween(4_000_000_000L, 4_200_000_000L);
        assertThat(p.uncountedOpTypes()).isEmpty();
        assertThat(p.nodes()).allMatch(n -> !n.outputShape().isEmpty());
    }
}
