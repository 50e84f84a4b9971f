package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * VGG-16 and SqueezeNet 1.1 at [N,3,224,224], layer for layer as torchvision's {@code vgg16} and
 * {@code squeezenet1_1}, with torchvision's tensor names. Logits out, no Softmax; Dropout is
 * omitted (it is the identity at inference).
 */
final class ClassicCnns {
    /** VGG configuration "D": conv output channels, 0 for a 2x2/2 max pool. */
    private static final int[] VGG16_CONFIG = {
        64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0,
    };

    private ClassicCnns() {
    }

    /**
     * 138,357,544 parameters (about 553 MB of float32), about 15.47 GMACs at batch 1.
     * torchvision's AdaptiveAvgPool2d(7) is the identity on the 7x7 map a 224x224 input gives, so
     * it is left out.
     */
    static ModelProto vgg16(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 3, 224, 224);
        String x = g.input();
        int index = 0;
        for (int channels : VGG16_CONFIG) {
            if (channels == 0) {
                x = g.maxPool(x, 2, 2, 0, false);
                index += 1;
            } else {
                x = g.relu(g.conv(x, "features." + index, channels, 3, 1, 1, 1, true));
                index += 2;
            }
        }
        x = g.relu(g.gemm(g.flatten(x), "classifier.0", 4096));
        x = g.relu(g.gemm(x, "classifier.3", 4096));
        return g.build(g.gemm(x, "classifier.6", 1000), description);
    }

    /**
     * 1,235,496 parameters, about 0.349 GMACs at batch 1. Max pools use ceil mode as torchvision's
     * do (111 -> 55 -> 27 -> 13); the classifier is a 1x1 conv 512->1000 + ReLU + global average pool.
     */
    static ModelProto squeezenet11(String name, String description) {
        GraphBuilder g = new GraphBuilder(name, 3, 224, 224);
        String x = g.relu(g.conv(g.input(), "features.0", 64, 3, 2, 0, 1, true));
        x = g.maxPool(x, 3, 2, 0, true);
        x = fire(g, x, "features.3", 16, 64);
        x = fire(g, x, "features.4", 16, 64);
        x = g.maxPool(x, 3, 2, 0, true);
        x = fire(g, x, "features.6", 32, 128);
        x = fire(g, x, "features.7", 32, 128);
        x = g.maxPool(x, 3, 2, 0, true);
        x = fire(g, x, "features.9", 48, 192);
        x = fire(g, x, "features.10", 48, 192);
        x = fire(g, x, "features.11", 64, 256);
        x = fire(g, x, "features.12", 64, 256);
        x = g.relu(g.conv(x, "classifier.1", 1000, 1, 1, 0, 1, true));
        return g.build(g.flatten(g.globalAveragePool(x)), description);
    }

    /** Fire module: 1x1 squeeze, then 1x1 and 3x3 expands concatenated along channels. */
    private static String fire(GraphBuilder g, String x, String prefix, int squeeze, int expand) {
        String s = g.relu(g.conv(x, prefix + ".squeeze", squeeze, 1, 1, 0, 1, true));
        String e1 = g.relu(g.conv(s, prefix + ".expand1x1", expand, 1, 1, 0, 1, true));
        String e3 = g.relu(g.conv(s, prefix + ".expand3x3", expand, 3, 1, 1, 1, true));
        return g.concat(e1, e3);
    }
}
