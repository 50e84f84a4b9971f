package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The chain trainer's layers against central finite differences of L = sum(out * R), whole students against
 * finite differences of their loss, and its forward pass against two independent implementations: the
 * mnist-cnn network of {@link CnnNetwork} and ONNX Runtime.
 */
class ChainNetTest {
    private static final double EPS = 1e-2;
    private final SplittableRandom random = new SplittableRandom(11);

    @Test
    void paddedGroupedConvBackwardMatchesFiniteDifferences() {
        // 4 -> 6 channels in 2 groups, 3x3 kernel, pads 1 above / 2 left (and 0 below, 1 right): 5x6 -> 4x6
        checkLayer(new ChainLayer.Conv(4, 5, 6, 6, 4, 6, 3, 1, 2, 2, 0, 1), 4 * 5 * 6,
                new float[][] {TestData.random(6 * 2 * 9, random, 0.5), TestData.random(6, random, 0.5)});
    }

    @Test
    void depthwiseFiveByFiveConvWithoutBiasMatchesFiniteDifferences() {
        checkLayer(new ChainLayer.Conv(3, 7, 7, 3, 3, 3, 5, 0, 0, 3, 0, -1), 3 * 49,
                new float[][] {TestData.random(3 * 25, random, 0.5)});
    }

    @Test
    void poolsTanhReluAndDenseMatchFiniteDifferences() {
        checkLayer(new ChainLayer.Pool(false, 2, 5, 6, 2, 2, 2, 3), 60, new float[0][]);
        checkLayer(new ChainLayer.Pool(true, 2, 4, 4, 2, 2, 2, 2), 32, new float[0][]);
        checkLayer(new ChainLayer.Activation(true, 9), 9, new float[0][]);
        checkLayer(new ChainLayer.Activation(false, 9), 9, new float[0][]);
        checkLayer(new ChainLayer.Dense(7, 4, 0, 1), 7,
                new float[][] {TestData.random(28, random, 0.5), TestData.random(4, random, 0.5)});
    }

    @Test
    void averagePoolAndTanhComputeWhatOnnxSays() {
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        float[] out = new float[4];
        new ChainLayer.Pool(false, 1, 4, 4, 2, 2, 2, 2).forward(in, 0, out, new float[0][]);
        assertThat(out).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
        new ChainLayer.Pool(true, 1, 4, 4, 2, 2, 2, 2).forward(in, 0, out, new float[0][]);
        assertThat(out).containsExactly(6f, 8f, 14f, 16f);
        float[] t = new float[1];
        new ChainLayer.Activation(true, 1).forward(new float[] {0.5f}, 0, t, null);
        assertThat(t[0]).isCloseTo(0.46211716f, Offset.offset(1e-6f));
    }

    @Test
    void wholeLenet5AndPoolStudentsBackwardMatchFiniteDifferencesOfTheDistillationLoss() {
        for (String name : Students.NAMES) {
            ChainNet net = ChainNet.of(Students.student(name, 0.25, 28, 28, 4, "x", "y", 5));
            for (float[] t : net.tensors) {
                float[] noise = TestData.random(t.length, random, 0.05);
                for (int i = 0; i < t.length; i++) {
                    t[i] += noise[i]; // non-zero biases: no ReLU sits exactly at its kink
                }
            }
            float[] image = TestData.random(28 * 28, random, 1);
            SoftTargets soft = new SoftTargets(new float[] {0.5f, -1.2f, 2.0f, 0.1f}, 3.0, 0.6);
            ChainNet.Pass pass = net.new Pass();
            float[][] grads = net.newGradients();
            pass.forward(image, 0);
            pass.backward(image, 0, 2, soft, 0, 1f, grads);
            Supplier<Double> loss = () -> {
                pass.forward(image, 0);
                return (double) Kernels.distillationLoss(pass.logits(), 4, 2, soft.logits(), 0, 3.0, 0.6, 1f, new float[4]);
            };
            for (int t = 0; t < net.tensors.length; t++) {
                // the first 60 entries of each tensor keep the check fast; every layer kind is among them
                int n = Math.min(60, net.tensors[t].length);
                float[] p = java.util.Arrays.copyOf(net.tensors[t], n);
                float[] real = net.tensors[t];
                Supplier<Double> partial = () -> {
                    System.arraycopy(p, 0, real, 0, n);
                    return loss.get();
                };
                GradientCheckTest.assertGradient(name + " " + net.names[t], p, java.util.Arrays.copyOf(grads[t], n),
                        partial, name.equals("lenet5") ? EPS : 2e-3); // tanh has no kinks: a larger step, less float noise
                System.arraycopy(p, 0, real, 0, n); // the last step left the real tensor perturbed
            }
        }
    }

    @Test
    void onTheZoosMnistCnnTheChainComputesTheLogitsOfTheMnistCnnNetwork() {
        ModelProto zoo = ModelZoo.buildProto("mnist-cnn");
        ChainNet chain = ChainNet.of(zoo);
        CnnWeights weights = MnistCnnOnnx.weightsOf(zoo);
        CnnNetwork reference = new CnnNetwork(weights.shape());
        ChainNet.Pass pass = chain.new Pass();
        LabeledImages data = TestData.blobs(5, 1);
        for (int n = 0; n < data.count(); n++) {
            reference.forward(weights, CnnTrainer.transposedFc1(weights), data.images(), n * 784);
            pass.forward(data.images(), n * 784);
            assertThat(pass.logits()).containsExactly(reference.logits, Offset.offset(1e-3f));
        }
        assertThat(chain.parameterCount()).isEqualTo(370_338);
    }

    @Test
    void studentsRunInOnnxRuntimeAsTheyDoInTheTrainer() {
        LabeledImages data = TestData.blobs(64, 2);
        for (String name : Students.NAMES) {
            ModelProto student = Students.student(name, 1, 28, 28, 10, "input", "output", 3);
            ChainNet net = ChainNet.of(student);
            int[] ort = Evaluator.predict(student.toByteArray(), data);
            ChainNet.Pass pass = net.new Pass();
            for (int n = 0; n < data.count(); n++) {
                pass.forward(data.images(), n * 784);
                assertThat(pass.predicted()).as("%s image %d", name, n).isEqualTo(ort[n]);
            }
        }
    }

    @Test
    void lenet5TakesMnistThroughAPaddedFirstConvAndKeepsTheZoosLayerSizes() {
        ModelProto student = Students.student("lenet5", 1, 28, 28, 10, "pixels", "scores", 1);
        ChainNet net = ChainNet.of(student);
        assertThat(net.parameterCount()).isEqualTo(61_706);
        assertThat(net.layers.get(0)).isEqualTo(new ChainLayer.Conv(1, 28, 28, 6, 28, 28, 5, 2, 2, 1, 0, 1));
        assertThat(student.getGraph().getInput(0).getName()).isEqualTo("pixels");
        assertThat(student.getGraph().getOutput(0).getName()).isEqualTo("scores");
        // a larger image runs unpadded, the first Gemm's input follows the Flatten: 40 -> 36 -> 18 -> 14 -> 7
        ChainNet large = ChainNet.of(Students.student("lenet5", 0.5, 40, 40, 3, "x", "y", 1));
        assertThat(large.dims[4]).containsExactly(60, 8 * 7 * 7);
        assertThat(large.classes).isEqualTo(3);
        // mnist-cnn-pool at half width: conv 3@3x3 twice, 3 x 5 x 5 = 75 -> 64 -> 10
        ChainNet pool = ChainNet.of(Students.student("mnist-cnn-pool", 0.5, 28, 28, 10, "x", "y", 1));
        assertThat(pool.dims[4]).containsExactly(64, 75);
    }

    @Test
    void aStudentThatCannotTakeTheTeachersImagesIsOneLineNamingTheLayer() {
        assertThatThrownBy(() -> Students.student("mnist-cnn-pool", 1, 7, 7, 10, "x", "y", 1))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("student mnist-cnn-pool cannot take the teacher's input [N,1,7,7]")
                .hasMessageContaining("'conv2'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void sameSeedSameBytesAndTrainingLearns() {
        LabeledImages data = TestData.blobs(300, 4);
        TrainingOptions options = new TrainingOptions(3, 16, 3e-3, 1, 9, 2);
        byte[][] runs = new byte[2][];
        double accuracy = 0;
        for (int r = 0; r < 2; r++) {
            ModelProto student = Students.student("lenet5", 0.5, 28, 28, 10, "input", "output", options.seed());
            ChainNet net = ChainNet.of(student);
            double before = ChainTrainer.accuracy(net, data);
            ChainTrainer.train(net, data, null, null, options, s -> { });
            accuracy = ChainTrainer.accuracy(net, data);
            assertThat(accuracy).isGreaterThan(before);
            runs[r] = net.withWeights(student).toByteArray();
        }
        assertThat(runs[1]).isEqualTo(runs[0]);
        assertThat(accuracy).isGreaterThan(0.9);
    }

    @Test
    void finetuningKeepsZeroWeightsAtZero() {
        ModelProto student = Students.student("mnist-cnn-pool", 1, 28, 28, 10, "input", "output", 2);
        ChainNet net = ChainNet.of(student);
        for (int i = 0; i < net.tensors[0].length; i += 2) {
            net.tensors[0][i] = 0f;
        }
        byte[] tuned = ChainTrainer.finetuneModel(net.withWeights(student).toByteArray(), TestData.blobs(64, 3),
                new TrainingOptions(1, 16, 1e-2, 1, 1, 1), s -> { });
        ChainNet after = ChainNet.of(MnistCnnOnnx.parse(tuned));
        for (int i = 0; i < after.tensors[0].length; i++) {
            if (i % 2 == 0) {
                assertThat(after.tensors[0][i]).isZero();
            }
        }
        assertThat(after.tensors[0][1]).isNotEqualTo(net.tensors[0][1]);
    }

    /** Forward, backward with dOut = R, and every parameter and input entry against finite differences. */
    private void checkLayer(ChainLayer layer, int inSize, float[][] params) {
        float[] in = TestData.random(inSize + 3, random, 1); // offset 3: the input starts inside the array
        float[] r = TestData.random(layer.outSize(), random, 1);
        float[] out = new float[layer.outSize()];
        Supplier<Double> loss = () -> {
            layer.forward(in, 3, out, params);
            double s = 0;
            for (int i = 0; i < out.length; i++) {
                s += (double) out[i] * r[i];
            }
            return s;
        };
        loss.get();
        float[][] grads = new float[params.length][];
        for (int t = 0; t < params.length; t++) {
            grads[t] = new float[params[t].length];
        }
        float[] dIn = new float[inSize];
        layer.backward(in, 3, out, r, dIn, params, grads);
        for (int t = 0; t < params.length; t++) {
            GradientCheckTest.assertGradient(layer + " param " + t, params[t], grads[t], loss, EPS);
        }
        float[] dInOffset = new float[in.length];
        System.arraycopy(dIn, 0, dInOffset, 3, inSize);
        float[] inner = java.util.Arrays.copyOfRange(in, 3, in.length);
        Supplier<Double> onInput = () -> {
            System.arraycopy(inner, 0, in, 3, inSize);
            return loss.get();
        };
        GradientCheckTest.assertGradient(layer + " input", inner, dIn, onInput, layer instanceof ChainLayer.Pool p
                && p.max() ? 1e-3 : EPS);
    }
}
