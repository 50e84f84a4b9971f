package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.core.zoo.PublishedFigure;
import dev.edgeperf.core.zoo.QuotedLayer;
import dev.edgeperf.core.zoo.QuotedLayer.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The second seed article's pooled MNIST figures, each reproduced by a named rule applied to the model. */
class QuotedLayersTest {
    private static List<QuotedLayers.Row> pooled() {
        return QuotedLayers.check(ModelZoo.buildProto("mnist-cnn-pool"), "mnist-cnn-pool",
                QuotedLayer.forModel("mnist-cnn-pool"));
    }

    @Test
    void everyQuotedLayerIsReproducedByItsRule() {
        List<QuotedLayers.Row> rows = pooled();

        assertThat(rows).extracting(r -> r.quoted().node()).containsExactly("conv1", "averagepool_1", "conv2",
                "averagepool_2", "fc1", "fc2");
        assertThat(rows).extracting(r -> r.quoted().value()).containsExactly(60_840L, 3_380L, 108_900L, 2_420L,
                32_000L, 2_560L);
        assertThat(rows).allSatisfy(r -> assertThat(r.reproduced()).as(r.quoted().node() + " " + r.working()).isTrue());
        assertThat(rows).extracting(QuotedLayers.Row::byRule).containsExactly(60_840L, 3_380L, 108_900L, 2_420L,
                32_000L, 2_560L);
        assertThat(rows).extracting(r -> r.quoted().rule()).containsExactly(Rule.SEED, Rule.KERNEL_AREA_X_OUTPUT,
                Rule.SEED_WITH_KERNELS, Rule.KERNEL_AREA_X_INPUT, Rule.SEED, Rule.SEED);
    }

    @Test
    void edgeperfCountsEachLayerByTheProjectConvention() {
        List<QuotedLayers.Row> rows = pooled();

        // pooling 1 FLOP per output element (5x13x13, 5x5x5); conv2 with the model's 5 kernels
        assertThat(rows).extracting(QuotedLayers.Row::edgeperf).containsExactly(60_840L, 845L, 54_450L, 125L,
                32_000L, 2_560L);
        assertThat(rows.get(1).working()).isEqualTo("kernel area x output elements: 4 x 845 (1x5x13x13)");
        assertThat(rows.get(2).working()).isEqualTo("2 x MACs with 10 kernels (the model has 5): 2 x 10 x 45 x 121");
        assertThat(rows.get(3).working()).isEqualTo("kernel area x input elements: 4 x 605 (1x5x11x11)");
        assertThat(rows.stream().filter(r -> r.edgeperf() != r.quoted().value()))
                .allSatisfy(r -> assertThat(r.quoted().explanation()).isNotEmpty());
    }

    @Test
    void theQuotedTotalIsTheSumOfTheQuotedLayersAndEdgeperfsTotalTheSumOfItsOwn() {
        List<QuotedLayers.Row> rows = pooled();
        PublishedFigure total = PublishedFigure.forModel("mnist-cnn-pool").get(0);
        ModelProfile p = ModelProfiler.profile(ModelZoo.buildProto("mnist-cnn-pool"), "mnist-cnn-pool", 0,
                new ProfileOptions(1, Map.of(), CountingConvention.SEED));

        assertThat(total.value()).isEqualTo(210_100).isEqualTo(rows.stream().mapToLong(r -> r.quoted().value()).sum());
        assertThat(p.totalFlops()).isEqualTo(150_820).isEqualTo(rows.stream().mapToLong(QuotedLayers.Row::edgeperf).sum());
        assertThat(total.agreesWith(p.totalFlops())).isFalse();
    }

    @Test
    void theRulesAreComputedFromTheModelNotTyped() {
        // LeNet-5's first pooling: 6x14x14 outputs of a 2x2 window over 6x28x28
        List<QuotedLayers.Row> rows = QuotedLayers.check(ModelZoo.buildProto("lenet5"), "lenet5", List.of(
                new QuotedLayer("averagepool_1", 0, Rule.KERNEL_AREA_X_OUTPUT, 0, ""),
                new QuotedLayer("averagepool_1", 0, Rule.KERNEL_AREA_X_INPUT, 0, ""),
                new QuotedLayer("conv1", 0, Rule.SEED_WITH_KERNELS, 3, "")));

        assertThat(rows).extracting(QuotedLayers.Row::byRule).containsExactly(4L * 6 * 14 * 14, 4L * 6 * 28 * 28,
                2L * 3 * 25 * 28 * 28);
        assertThat(rows).noneMatch(QuotedLayers.Row::reproduced);
    }

    @Test
    void aRuleThatDoesNotFitItsNodeIsRefused() {
        assertThatThrownBy(() -> QuotedLayers.check(ModelZoo.buildProto("lenet5"), "lenet5",
                List.of(new QuotedLayer("fc1", 0, Rule.KERNEL_AREA_X_OUTPUT, 0, ""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fc1");
        assertThatThrownBy(() -> QuotedLayers.check(ModelZoo.buildProto("lenet5"), "lenet5",
                List.of(new QuotedLayer("conv9", 0, Rule.SEED, 0, ""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv9");
    }
}
