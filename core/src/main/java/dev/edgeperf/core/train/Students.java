package dev.edgeperf.core.train;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ProtoBuilders;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.List;

/**
 * Fresh distillation students built from the zoo's graph of a trainable model ({@code mnist-cnn-pool},
 * {@code lenet5}) resized to the teacher's images: the zoo's layers, node names and attributes, with
 * <ul>
 *   <li>the input [N, 1, H, W] of the teacher's images; when they are smaller than the zoo model's input by an
 *       even margin, the first Conv zero-pads by half the margin so every later layer keeps the zoo's sizes (as
 *       LeCun padded the 28x28 MNIST digits to LeNet-5's 32x32); otherwise the layers run at the teacher's size
 *       and the first Gemm's input follows the Flatten;</li>
 *   <li>every Conv and every Gemm but the last {@code round(width x channels)} wide (at least 1), the last Gemm
 *       as wide as the teacher has classes;</li>
 *   <li>the teacher's input and output names, and weights from {@link ChainNet#fresh} with {@code seed}.</li>
 * </ul>
 */
public final class Students {
    /** Zoo models this class builds students of (mnist-cnn students are {@link CnnShape}s). */
    public static final List<String> NAMES = List.of("mnist-cnn-pool", "lenet5");

    private Students() {
    }

    /**
     * @throws EdgeperfException USER_ERROR if the student cannot take [N, 1, height, imageWidth] images (a layer's
     *                           output would be empty), naming the layer
     */
    public static ModelProto student(String zooName, double width, int height, int imageWidth, int classes,
                                     String inputName, String outputName, long seed) {
        if (!NAMES.contains(zooName)) {
            throw new IllegalArgumentException("no student template '" + zooName + "', expected one of " + NAMES);
        }
        GraphProto zoo = ModelZoo.buildProto(zooName).getGraph();
        GraphProto.Builder g = zoo.toBuilder();
        List<TensorShapeProto.Dimension> dims = zoo.getInput(0).getType().getTensorType().getShape().getDimList();
        long marginH = dims.get(2).getDimValue() - height;
        long marginW = dims.get(3).getDimValue() - imageWidth;
        boolean pad = marginH > 0 && marginW > 0 && marginH % 2 == 0 && marginW % 2 == 0;
        int lastGemm = -1;
        for (int n = 0; n < g.getNodeCount(); n++) {
            lastGemm = g.getNode(n).getOpType().equals("Gemm") ? n : lastGemm;
        }
        for (int n = 0; n < g.getNodeCount(); n++) {
            NodeProto node = g.getNode(n);
            if (!node.getOpType().equals("Conv") && !node.getOpType().equals("Gemm")) {
                continue;
            }
            NodeProto.Builder b = node.toBuilder();
            if (n == 0 && pad) {
                for (int a = 0; a < b.getAttributeCount(); a++) {
                    if (b.getAttribute(a).getName().equals("pads")) {
                        b.setAttribute(a, ProtoBuilders.ints("pads", (int) marginH / 2, (int) marginW / 2,
                                (int) marginH / 2, (int) marginW / 2));
                    }
                }
            }
            g.setNode(n, b);
            for (int i = 0; i < g.getInitializerCount(); i++) {
                if (g.getInitializer(i).getName().equals(node.getInput(1))) {
                    long out = g.getInitializer(i).getDims(0);
                    long resized = n == lastGemm ? classes : Math.max(1, Math.round(out * width));
                    g.setInitializer(i, g.getInitializer(i).toBuilder().setDims(0, resized));
                }
            }
        }
        g.setInput(0, ProtoBuilders.batchedFloat(inputName, 1, height, imageWidth));
        g.setNode(0, g.getNode(0).toBuilder().setInput(0, inputName));
        int last = g.getNodeCount() - 1;
        g.setNode(last, g.getNode(last).toBuilder().setOutput(0, outputName));
        g.setOutput(0, ProtoBuilders.batchedFloat(outputName, classes));
        ModelProto template = ModelZoo.buildProto(zooName).toBuilder().setGraph(g).setProducerName("edgeperf-train").build();
        ChainNet net;
        try {
            net = ChainNet.fresh(template, seed);
        } catch (EdgeperfException e) {
            throw EdgeperfException.userError("student " + zooName + " cannot take the teacher's input [N,1," + height + ","
                    + imageWidth + "]: " + e.getMessage());
        }
        return net.withWeights(template);
    }
}
