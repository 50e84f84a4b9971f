package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MnistCnnOnnxTest {
    private final CnnWeights weights = CnnWeights.initial(CnnShape.MNIST_CNN, 11);

    @Test
    void exportHasExactlyTheZoosGraph() {
        GraphProto zoo = ModelZoo.buildProto("mnist-cnn").getGraph();
        ModelProto exported = MnistCnnOnnx.export(weights, "test");
        GraphProto ours = exported.getGraph();

        assertThat(ours.getNodeList()).hasSameSizeAs(zoo.getNodeList());
        for (int i = 0; i < zoo.getNodeCount(); i++) {
            NodeProto a = zoo.getNode(i);
            NodeProto b = ours.getNode(i);
            assertThat(b.getOpType()).isEqualTo(a.getOpType());
            assertThat(b.getName()).isEqualTo(a.getName());
            assertThat(b.getInputList()).isEqualTo(a.getInputList());
            assertThat(b.getOutputList()).isEqualTo(a.getOutputList());
            assertThat(b.getAttributeList()).as("attributes of %s", a.getName()).isEqualTo(a.getAttributeList());
        }
        assertThat(names(ours.getInitializerList())).isEqualTo(names(zoo.getInitializerList()));
        for (int i = 0; i < zoo.getInitializerCount(); i++) {
            assertThat(ours.getInitializer(i).getDimsList()).isEqualTo(zoo.getInitializer(i).getDimsList());
            assertThat(ours.getInitializer(i).getDataType()).isEqualTo(zoo.getInitializer(i).getDataType());
        }
        assertThat(ours.getInputList()).isEqualTo(zoo.getInputList());
        assertThat(ours.getOutputList()).isEqualTo(zoo.getOutputList());
        ModelProto zooModel = ModelZoo.buildProto("mnist-cnn");
        assertThat(exported.getIrVersion()).isEqualTo(zooModel.getIrVersion());
        assertThat(exported.getOpsetImportList()).isEqualTo(zooModel.getOpsetImportList());
    }

    @Test
    void onnxRuntimeComputesWhatTheJavaNetworkComputes() throws Exception {
        LabeledImages images = TestData.blobs(6, 5);
        byte[] model = MnistCnnOnnx.export(weights, "test").toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] ort;
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.images()), images.batchShape(6));
             OrtSession.Result result = session.run(Map.of("input", input))) {
            ort = (float[][]) result.get(0).getValue();
        }
        CnnNetwork net = new CnnNetwork(CnnShape.MNIST_CNN);
        float[] fc1T = CnnTrainer.transposedFc1(weights);
        for (int n = 0; n < 6; n++) {
            net.forward(weights, fc1T, images.images(), n * 784);
            double max = Double.NEGATIVE_INFINITY;
            for (float z : net.logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (float z : net.logits) {
                sum += Math.exp(z - max);
            }
            for (int c = 0; c < 10; c++) {
                assertThat((double) ort[n][c]).isCloseTo(Math.exp(net.logits[c] - max) / sum,
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void weightsRoundTripThroughTheModelAndTheZoosFloatInitializers() {
        CnnWeights back = MnistCnnOnnx.weightsOf(MnistCnnOnnx.export(weights, "x").toByteArray());
        for (int t = 0; t < 8; t++) {
            assertThat(back.tensor(t)).isEqualTo(weights.tensor(t));
        }
        CnnWeights zoo = MnistCnnOnnx.weightsOf(ModelZoo.build("mnist-cnn"));
        assertThat(zoo.shape()).isEqualTo(CnnShape.MNIST_CNN);
    }

    @Test
    void withWeightsReplacesOnlyTheParameters() {
        ModelProto zoo = ModelZoo.buildProto("mnist-cnn");
        ModelProto replaced = MnistCnnOnnx.withWeights(zoo, weights);
        assertThat(replaced.getGraph().getNodeList()).isEqualTo(zoo.getGraph().getNodeList());
        assertThat(MnistCnnOnnx.weightsOf(replaced).tensor(CnnWeights.FC1_W)).isEqualTo(weights.tensor(CnnWeights.FC1_W));
    }

    @Test
    void otherModelsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> MnistCnnOnnx.weightsOf(ModelZoo.build("lenet5")))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("not mnist-cnn shaped")
                .hasMessageContaining("Tanh");
        ModelProto renamed = MnistCnnOnnx.export(weights, "x").toBuilder()
                .setGraph(MnistCnnOnnx.export(weights, "x").getGraph().toBuilder()
                        .setInitializer(0, MnistCnnOnnx.export(weights, "x").getGraph().getInitializer(0).toBuilder().setName("w0")))
                .build();
        assertThatThrownBy(() -> MnistCnnOnnx.weightsOf(renamed)).hasMessageContaining("no initializer 'conv1.weight'");
    }

    private static List<String> names(List<TensorProto> tensors) {
        return tensors.stream().map(TensorProto::getName).toList();
    }
}
