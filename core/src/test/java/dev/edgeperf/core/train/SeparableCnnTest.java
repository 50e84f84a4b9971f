package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The separable mnist-cnn, as the {@code separable} recipe writes it, read, evaluated and fine-tuned. */
class SeparableCnnTest {
    private static ModelProto separableZoo() {
        return VariantTransforms.apply(ModelZoo.buildProto("mnist-cnn"), VariantRecipe.parse("separable"), null,
                new OrtRunner(1)).model();
    }

    @Test
    void readsTheConvertersGraphAndComputesWhatOnnxRuntimeComputes() {
        ModelProto separable = separableZoo();
        SeparableCnn net = SeparableCnn.of(separable);
        assertThat(net.conv1).isEqualTo(5);
        assertThat(net.conv2).isEqualTo(5);
        assertThat(net.hidden).isEqualTo(128);
        // 9 + 5 + 5 (conv1) + 45 + 25 + 5 (conv2) + 368,768 (fc1) + 1,290 (fc2)
        assertThat(net.parameterCount()).isEqualTo(9 + 5 + 5 + 45 + 25 + 5 + 128 * 2880 + 128 + 10 * 128 + 10);
        LabeledImages data = TestData.blobs(300, 9);
        int[] ort = Evaluator.predict(separable.toByteArray(), data);
        SeparableCnn.Net forward = net.new Net();
        int same = 0;
        for (int n = 0; n < data.count(); n++) {
            forward.forward(data.images(), n * data.imageSize());
            same += forward.predicted() == ort[n] ? 1 : 0;
        }
        assertThat(same).as("argmax agreement with ONNX Runtime over %d images", data.count())
                .isGreaterThanOrEqualTo(data.count() - 1);
    }

    @Test
    void finetuneRecoversMnistAccuracyAndKeepsTheConvertersStructure() {
        Path dir = TestData.mnistDir();
        LabeledImages train = Datasets.load(Datasets.MNIST, dir, Split.TRAIN).first(2000);
        LabeledImages test = Datasets.load(Datasets.MNIST, dir, Split.TEST).first(1000);
        ModelProto separable = separableZoo();
        double before = Evaluator.accuracy(separable.toByteArray(), test);
        List<EpochStats> seen = new ArrayList<>();

        byte[] tuned = SeparableCnn.finetuneModel(separable.toByteArray(), train, TrainingOptions.defaults(1), seen::add);

        double after = Evaluator.accuracy(tuned, test);
        assertThat(before).as("separable without retraining").isLessThan(0.5);
        assertThat(after).as("ORT accuracy after 1 epoch on 2,000 images, before %.3f", before).isGreaterThan(0.65)
                .isGreaterThan(before + 0.4); // measured: 0.128 -> 0.755
        assertThat(SeparableCnn.of(MnistCnnOnnx.parse(tuned)).accuracy(test)).isCloseTo(after,
                org.assertj.core.data.Offset.offset(0.002));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).samples()).isEqualTo(2000);
        ModelProto back = MnistCnnOnnx.parse(tuned);
        assertThat(back.getGraph().getNodeList()).isEqualTo(separable.getGraph().getNodeList());
        assertThat(back.getGraph().getInitializerList().stream().map(TensorProto::getName).toList())
                .isEqualTo(separable.getGraph().getInitializerList().stream().map(TensorProto::getName).toList());
        assertThat(back.getGraph().getInitializerList().stream().map(TensorProto::getDimsList).toList())
                .isEqualTo(separable.getGraph().getInitializerList().stream().map(TensorProto::getDimsList).toList());
        assertThat(back.getGraph().getInitializer(0)).isNotEqualTo(separable.getGraph().getInitializer(0));
    }

    @Test
    void sameSeedGivesIdenticalWeights() {
        ModelProto separable = separableZoo();
        LabeledImages data = TestData.blobs(96, 2);
        TrainingOptions options = new TrainingOptions(1, 16, 1e-3, 1, 42, 2);
        SeparableCnn a = SeparableCnn.of(separable);
        SeparableCnn b = SeparableCnn.of(separable);
        a.train(data, options, s -> { });
        b.train(data, options, s -> { });
        for (int t = 0; t < a.tensors.length; t++) {
            assertThat(a.tensors[t]).containsExactly(b.tensors[t]);
        }
        assertThat(a.tensors[SeparableCnn.DW2]).isNotEqualTo(SeparableCnn.of(separable).tensors[SeparableCnn.DW2]);
    }

    @Test
    void refusesModelsThatAreNotASeparableMnistCnnInOneLine() {
        assertThatThrownBy(() -> SeparableCnn.of(ModelZoo.buildProto("mnist-cnn")))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("is not a separable mnist-cnn")
                .hasMessageNotContaining("\n");
        ModelProto separable = separableZoo();
        var g = separable.getGraph().toBuilder();
        NodeProto dw = g.getNode(0);
        g.setNode(0, dw.toBuilder().clearAttribute().addAllAttribute(dw.getAttributeList().stream()
                .map(a -> a.getName().equals("strides") ? a.toBuilder().clearInts().addInts(2).addInts(2).build() : a)
                .toList()));
        assertThatThrownBy(() -> SeparableCnn.of(separable.toBuilder().setGraph(g).build()))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("strides");
        assertThatThrownBy(() -> SeparableCnn.of(separable).train(TestData.blobs(4, 1).slice(0, 0), TrainingOptions.defaults(1),
                s -> { })).isInstanceOf(EdgeperfException.class).hasMessageContaining("empty");
    }
}
