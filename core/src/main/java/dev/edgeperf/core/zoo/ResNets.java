package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * ResNet-18 and ResNet-50 at [N,3,224,224], layer for layer as torchvision's {@code resnet18} and
 * {@code resnet50} (v1.5: the stride sits in the 3x3 conv of a bottleneck), with torchvision's
 * tensor names ({@code layer2.0.downsample.0.weight} …). BatchNormalization stays a separate node.
 */
final class ResNets {
    /** torchvision's BatchNorm2d default. */
    static final double BN_EPSILON = 1e-5;
    /**
     * Centre of the scale of the last BN in each residual branch. At 1.0 every block would double
     * the variance of the residual sum (16 blocks in ResNet-50); 0.5 keeps untrained outputs tame.
     */
    static final double RESIDUAL_GAMMA = 0.5;
    private static final int[] WIDTHS = {64, 128, 256, 512};

    private ResNets() {
    }

    /** 11,689,512 trainable parameters, about 1.814 GMACs at batch 1. */
    static ModelProto resnet18(String name, String description) {
        return resnet(name, description, false, new int[] {2, 2, 2, 2});
    }

    /** 25,557,032 trainable parameters, about 4.09 GMACs at batch 1. */
    static ModelProto resnet50(String name, String description) {
        return resnet(name, description, true, new int[] {3, 4, 6, 3});
    }

    private static ModelProto resnet(String name, String description, boolean bottleneck, int[] blocks) {
        GraphBuilder g = new GraphBuilder(name, 3, 224, 224);
        String x = g.relu(g.batchNorm(g.conv(g.input(), "conv1", 64, 7, 2, 3, 1, false), "bn1", BN_EPSILON, 1.0));
        x = g.maxPool(x, 3, 2, 1, false);
        for (int layer = 0; layer < blocks.length; layer++) {
            for (int block = 0; block < blocks[layer]; block++) {
                int stride = block == 0 && layer > 0 ? 2 : 1;
                String prefix = "layer" + (layer + 1) + "." + block;
                x = bottleneck ? bottleneck(g, x, prefix, WIDTHS[layer], stride) : basic(g, x, prefix, WIDTHS[layer], stride);
            }
        }
        x = g.gemm(g.flatten(g.globalAveragePool(x)), "fc", 1000);
        return g.build(x, description);
    }

    /** 3x3 -> 3x3 with an identity (or 1x1 projection) shortcut. */
    private static String basic(GraphBuilder g, String x, String prefix, int width, int stride) {
        String y = g.relu(g.batchNorm(g.conv(x, prefix + ".conv1", width, 3, stride, 1, 1, false),
                prefix + ".bn1", BN_EPSILON, 1.0));
        y = g.batchNorm(g.conv(y, prefix + ".conv2", width, 3, 1, 1, 1, false), prefix + ".bn2", BN_EPSILON, RESIDUAL_GAMMA);
        return g.relu(g.add(y, shortcut(g, x, prefix, width, stride)));
    }

    /** 1x1 reduce -> 3x3 (strided) -> 1x1 expand to 4 x width, with a shortcut. */
    private static String bottleneck(GraphBuilder g, String x, String prefix, int width, int stride) {
        String y = g.relu(g.batchNorm(g.conv(x, prefix + ".conv1", width, 1, 1, 0, 1, false),
                prefix + ".bn1", BN_EPSILON, 1.0));
        y = g.relu(g.batchNorm(g.conv(y, prefix + ".conv2", width, 3, stride, 1, 1, false),
                prefix + ".bn2", BN_EPSILON, 1.0));
        y = g.batchNorm(g.conv(y, prefix + ".conv3", 4 * width, 1, 1, 0, 1, false), prefix + ".bn3", BN_EPSILON,
                RESIDUAL_GAMMA);
        return g.relu(g.add(y, shortcut(g, x, prefix, 4 * width, stride)));
    }

    /** Identity when shapes already match, otherwise torchvision's 1x1 conv + BN "downsample". */
    private static String shortcut(GraphBuilder g, String x, String prefix, int outChannels, int stride) {
        if (stride == 1 && g.channels(x) == outChannels) {
            return x;
        }
        return g.batchNorm(g.conv(x, prefix + ".downsample.0", outChannels, 1, stride, 0, 1, false),
                prefix + ".downsample.1", BN_EPSILON, 1.0);
    }
}
