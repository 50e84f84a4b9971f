package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Exporter-like models at the opsets real exports carry (11, 12), written with the zoo's
 * {@link GraphBuilder}: BN'd convs with ReLU6, depthwise convs, residual adds, a Gemm head.
 */
public final class OpsetModels {
    private OpsetModels() {
    }

    /**
     * A MobileNetV2-style net at {@code opset}: stem 3×3/2 → inverted residual blocks (expansion 1×1,
     * depthwise 3×3, projection 1×1, residual Add where shapes allow) → 1×1 to 128 → GlobalAveragePool →
     * Flatten → Gemm 10. Input {@code [N, 3, size, size]}.
     */
    public static ModelProto mobileNetV2Style(long opset, int size) {
        GraphBuilder g = new GraphBuilder("mobilenet-v2-style-opset" + opset, 3, size, size).opset(opset);
        String x = convBnRelu6(g, g.input(), "stem", 16, 3, 2, 1);
        int[][] blocks = {{1, 16, 1}, {4, 24, 2}, {4, 24, 1}, {4, 32, 2}, {4, 32, 1}};
        int i = 0;
        for (int[] b : blocks) {
            x = invertedResidual(g, x, "block" + i++, b[1], b[2], b[0]);
        }
        x = convBnRelu6(g, x, "head", 128, 1, 1, 1);
        x = g.gemm(g.flatten(g.globalAveragePool(x)), "classifier", 10);
        return g.build(x, "MobileNetV2-style test net, opset " + opset);
    }

    private static String invertedResidual(GraphBuilder g, String x, String prefix, int out, int stride, int expansion) {
        int in = g.channels(x);
        int hidden = in * expansion;
        String y = x;
        if (expansion != 1) {
            y = convBnRelu6(g, y, prefix + ".expand", hidden, 1, 1, 1);
        }
        y = convBnRelu6(g, y, prefix + ".dw", hidden, 3, stride, hidden);
        y = g.conv(y, prefix + ".project", out, 1, 1, 0, 1, false);
        y = g.batchNorm(y, prefix + ".project.bn", 1e-5, 0.5);
        return stride == 1 && in == out ? g.add(x, y) : y;
    }

    private static String convBnRelu6(GraphBuilder g, String x, String prefix, int out, int kernel, int stride, int group) {
        String y = g.conv(x, prefix, out, kernel, stride, (kernel - 1) / 2, group, false);
        return g.relu6(g.batchNorm(y, prefix + ".bn", 1e-5, 1.0));
    }
}
