package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.train.MnistCnnOnnx;
import dev.edgeperf.core.train.TrainedWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * The small models of the seed articles: MNIST CNNs, the conv layer used to show what a separable
 * replacement saves, a tiny Keras MLP and LeNet-5. FLOPs below are 2 x MACs of conv/gemm layers
 * at batch 1, computed with the seed article's rules (bias and activations not counted).
 */
final class SmallModels {
    private SmallModels() {
    }

    /**
     * [N,1,28,28] -> Conv 5@3x3 -> Relu -> Conv 5@3x3 -> Relu -> Flatten -> Gemm 2880->128 -> Relu
     * -> Gemm 128->10 -> Softmax. FLOPs 60,840 + 259,200 + 737,280 + 2,560 = 1,059,880 (the seed
     * article quotes a total of 1,060,400, which its own per-layer figures do not add up to);
     * 50 + 230 + 368,768 + 1,290 = 370,338 parameters.
     *
     * <p>Ships the trained weights committed under {@code zoo/weights/} (see {@code MnistCnnTraining}), so
     * accuracy and fidelity figures on MNIST mean something; falls back to the deterministic random
     * weights only if that resource is missing from the class path.
     */
    static ModelProto mnistCnn(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 1, 28, 28);
        String x = g.relu(g.conv(g.input(), "conv1", 5, 3, 1, 0, 1, true));
        x = g.relu(g.conv(x, "conv2", 5, 3, 1, 0, 1, true));
        x = g.relu(g.gemm(g.flatten(x), "fc1", 128));
        x = g.softmax(g.gemm(x, "fc2", 10));
        ModelProto untrained = g.build(x, description);
        return TrainedWeights.mnistCnnWeights()
                .map(weights -> MnistCnnOnnx.withWeights(untrained, weights))
                .orElse(untrained);
    }

    /**
     * As {@link #mnistCnn} with a 2x2/2 AveragePool after each conv's Relu (26->13, 11->5), then
     * Gemm 125->128 -> Relu -> Gemm 128->10 -> Softmax; 17,698 parameters.
     */
    static ModelProto mnistCnnPool(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 1, 28, 28);
        String x = g.averagePool(g.relu(g.conv(g.input(), "conv1", 5, 3, 1, 0, 1, true)), 2, 2, 0);
        x = g.averagePool(g.relu(g.conv(x, "conv2", 5, 3, 1, 0, 1, true)), 2, 2, 0);
        x = g.relu(g.gemm(g.flatten(x), "fc1", 128));
        x = g.softmax(g.gemm(x, "fc2", 10));
        return g.build(x, description);
    }

    /**
     * [N,9,25,25] -> one Conv of 64 kernels 7x7, valid, no bias -> [N,64,19,19]:
     * 10,188,864 MACs = 20,377,728 FLOPs, 28,224 parameters.
     */
    static ModelProto seedConv(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 9, 25, 25);
        return g.build(g.conv(g.input(), "conv", 64, 7, 1, 0, 1, false), description);
    }

    /**
     * The separable replacement of {@link #seedConv}: depthwise 7x7 (group 9) then pointwise 1x1
     * 9->64, no biases -> [N,64,19,19]: 318,402 + 415,872 FLOPs, 441 + 576 = 1,017 parameters.
     */
    static ModelProto seedSeparable(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 9, 25, 25);
        String x = g.conv(g.input(), "depthwise", 9, 7, 1, 0, 9, false);
        return g.build(g.conv(x, "pointwise", 64, 1, 1, 0, 1, false), description);
    }

    /**
     * [N,3] -> Dense 5 -> 8 -> 10 -> 15 -> 4 with Relu between and Softmax at the end: 20 + 48 + 90
     * + 165 + 64 = 387 parameters. As in the seed slides, layers 2 and 3 ({@code dense2},
     * {@code dense3}) are frozen: the file's training information (see {@link TrainingSteps}) updates
     * only dense1, dense4 and dense5, so 249 parameters are trainable and 138 non-trainable, as
     * Keras' {@code model.summary()} prints them.
     */
    static ModelProto kerasMlp(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 3);
        String x = g.input();
        int[] widths = {5, 8, 10, 15};
        for (int i = 0; i < widths.length; i++) {
            x = g.relu(g.gemm(x, "dense" + (i + 1), widths[i]));
        }
        ModelProto model = g.build(g.softmax(g.gemm(x, "dense" + (widths.length + 1), 4)), description);
        List<String> trainable = new ArrayList<>();
        for (String layer : List.of("dense1", "dense4", "dense5")) {
            trainable.add(layer + ".weight");
            trainable.add(layer + ".bias");
        }
        return TrainingSteps.withSgdStep(model, trainable);
    }

    /**
     * LeNet-5 in its usual modern form: [N,1,32,32] -> Conv 6@5x5 -> Tanh -> AvgPool 2 -> Conv 16@5x5
     * (all 6 input maps, not LeCun's sparse C3 table) -> Tanh -> AvgPool 2 -> Gemm 400->120 -> Tanh
     * -> Gemm 120->84 -> Tanh -> Gemm 84->10 -> Softmax. 156 + 2,416 + 48,120 + 10,164 + 850 =
     * 61,706 parameters.
     */
    static ModelProto lenet5(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 1, 32, 32);
        String x = g.averagePool(g.tanh(g.conv(g.input(), "conv1", 6, 5, 1, 0, 1, true)), 2, 2, 0);
        x = g.averagePool(g.tanh(g.conv(x, "conv2", 16, 5, 1, 0, 1, true)), 2, 2, 0);
        x = g.tanh(g.gemm(g.flatten(x), "fc1", 120));
        x = g.tanh(g.gemm(x, "fc2", 84));
        return g.build(g.softmax(g.gemm(x, "fc3", 10)), description);
    }
}
