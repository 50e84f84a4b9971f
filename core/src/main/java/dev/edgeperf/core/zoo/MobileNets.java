package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * MobileNet V1 (as Keras {@code MobileNet(alpha=1.0)}, the original paper's network) and
 * MobileNet V2 (as torchvision {@code mobilenet_v2}) at [N,3,224,224]. ReLU6 is {@code Clip(0, 6)};
 * BatchNormalization stays a separate node.
 */
final class MobileNets {
    /** Keras BatchNormalization epsilon used by keras.applications.MobileNet. */
    static final double KERAS_BN_EPSILON = 1e-3;
    /** torchvision's BatchNorm2d default. */
    static final double TORCH_BN_EPSILON = 1e-5;
    /** Keras "same" padding for a 3x3 stride-2 conv on an even input pads only bottom and right. */
    private static final int[] SAME_STRIDE2 = {0, 0, 1, 1};
    private static final int[] SAME_STRIDE1 = {1, 1, 1, 1};

    /** MobileNet V1 depthwise-separable blocks: output channels and stride of each. */
    private static final int[][] V1_BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
    };

    /** MobileNet V2 inverted residual settings: expansion t, output channels c, repeats n, stride s. */
    private static final int[][] V2_SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    private MobileNets() {
    }

    /**
     * Keras layer names (conv1, conv_dw_1, conv_pw_1_bn …, conv_preds). Classifier is Keras's:
     * global average pool -> 1x1 conv 1024->1000 with bias -> Softmax. 4,253,864 parameters of which
     * 21,888 are BN moving mean/var; about 0.569 GMACs at batch 1.
     */
    static ModelProto mobilenetV1(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 3, 224, 224);
        String x = g.relu6(g.batchNorm(g.conv(g.input(), "conv1", 32, 3, 2, SAME_STRIDE2, 1, false),
                "conv1_bn", KERAS_BN_EPSILON, 1.0));
        for (int i = 0; i < V1_BLOCKS.length; i++) {
            int out = V1_BLOCKS[i][0];
            int stride = V1_BLOCKS[i][1];
            String id = Integer.toString(i + 1);
            int channels = g.channels(x);
            x = g.conv(x, "conv_dw_" + id, channels, 3, stride, stride == 2 ? SAME_STRIDE2 : SAME_STRIDE1, channels, false);
            x = g.relu6(g.batchNorm(x, "conv_dw_" + id + "_bn", KERAS_BN_EPSILON, 1.0));
            x = g.conv(x, "conv_pw_" + id, out, 1, 1, 0, 1, false);
            x = g.relu6(g.batchNorm(x, "conv_pw_" + id + "_bn", KERAS_BN_EPSILON, 1.0));
        }
        x = g.conv(g.globalAveragePool(x), "conv_preds", 1000, 1, 1, 0, 1, true);
        return g.build(g.softmax(g.flatten(x)), description);
    }

    /**
     * torchvision names (features.0.0, features.1.conv.0.0 …, classifier.1); logits out, no Softmax.
     * 3,504,872 trainable parameters, about 0.301 GMACs at batch 1.
     */
    static ModelProto mobilenetV2(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 3, 224, 224);
        String x = convBnRelu6(g, g.input(), "features.0", 32, 3, 2, 1);
        int index = 1;
        for (int[] setting : V2_SETTINGS) {
            for (int i = 0; i < setting[2]; i++) {
                x = invertedResidual(g, x, "features." + index++, setting[1], i == 0 ? setting[3] : 1, setting[0]);
            }
        }
        x = convBnRelu6(g, x, "features." + index, 1280, 1, 1, 1);
        x = g.gemm(g.flatten(g.globalAveragePool(x)), "classifier.1", 1000);
        return g.build(x, description);
    }

    private static String invertedResidual(GraphBuilder g, String x, String prefix, int out, int stride, int expansion) {
        int in = g.channels(x);
        int hidden = in * expansion;
        String y = x;
        int layer = 0;
        if (expansion != 1) {
            y = convBnRelu6(g, y, prefix + ".conv." + layer++, hidden, 1, 1, 1);
        }
        y = convBnRelu6(g, y, prefix + ".conv." + layer++, hidden, 3, stride, hidden);
        y = g.conv(y, prefix + ".conv." + layer++, out, 1, 1, 0, 1, false);
        y = g.batchNorm(y, prefix + ".conv." + layer, TORCH_BN_EPSILON, 1.0);
        return stride == 1 && in == out ? g.add(x, y) : y;
    }

    /** torchvision's Conv2dNormActivation: conv (no bias, "same" padding) -> BN -> ReLU6. */
    private static String convBnRelu6(GraphBuilder g, String x, String prefix, int out, int kernel, int stride, int group) {
        String y = g.conv(x, prefix + ".0", out, kernel, stride, (kernel - 1) / 2, group, false);
        return g.relu6(g.batchNorm(y, prefix + ".1", TORCH_BN_EPSILON, 1.0));
    }
}
