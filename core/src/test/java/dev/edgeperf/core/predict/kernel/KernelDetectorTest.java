package dev.edgeperf.core.predict.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

public class KernelDetectorTest {
    private static List<Kernel> detect(String zooModel, long batch) {
        return KernelDetector.detect(ModelZoo.buildProto(zooModel), zooModel, batch, Map.of(), Map.of());
    }

    private static Map<String, Long> countByType(List<Kernel> kernels) {
        return kernels.stream().collect(Collectors.groupingBy(k -> k.type().map(KernelType::key).orElse("none"),
                Collectors.counting()));
    }

    @Test
    void resnet18RunsAsFusedConvsWithTheResidualAddInTheSecondConvOfEachBlock() {
        List<Kernel> kernels = detect("resnet18", 1);
        Map<String, Kernel> byNode = kernels.stream().collect(Collectors.toMap(Kernel::node, Function.identity()));

        // ONNX Runtime folds BatchNormalization into the weights and Relu into FusedConv
        Kernel conv1 = byNode.get("conv1");
        assertThat(conv1.opType()).isEqualTo("FusedConv");
        assertThat(conv1.type()).contains(KernelType.CONV);
        assertThat(conv1.features()).containsExactlyEntriesOf(orderedMap("n", 1, "cin", 3, "h", 224, "w", 224,
                "cout", 64, "hout", 112, "wout", 112, "kh", 7, "kw", 7, "stride", 2, "groups", 1, "act", 1));
        // hand count: 2 x 64 x 112 x 112 x 3 x 7 x 7
        assertThat(conv1.flops()).isEqualTo(2L * 64 * 112 * 112 * 3 * 7 * 7);
        // input + folded weights + folded bias + output, fp32
        assertThat(conv1.bytes()).isEqualTo(4L * (3 * 224 * 224 + 64 * 3 * 7 * 7 + 64 + 64 * 112 * 112));

        Kernel block = byNode.get("layer1.0.conv2");
        assertThat(block.opType()).isEqualTo("Conv+Add+Relu");
        assertThat(block.type()).contains(KernelType.CONV_ADD);
        assertThat(block.flops()).isEqualTo(2L * 64 * 56 * 56 * 64 * 9 + 64 * 56 * 56);
        // conv input, weights, bias, the residual it adds, the output
        assertThat(block.bytes()).isEqualTo(4L * (64 * 56 * 56 + 64 * 64 * 9 + 64 + 64 * 56 * 56 + 64 * 56 * 56));
        // where both inputs of the Add are convs, the later one takes it (as the NCHWc transformer does)
        assertThat(byNode.get("layer2.0.downsample.0").type()).contains(KernelType.CONV_POINTWISE);
        // no activation fused into the downsample conv
        assertThat(byNode.get("layer2.0.downsample.0").features()).containsEntry("act", 0L);
        assertThat(byNode.get("layer2.0.conv2").type()).contains(KernelType.CONV_ADD);

        Kernel fc = byNode.get("fc");
        assertThat(fc.type()).contains(KernelType.GEMM);
        assertThat(fc.features()).containsEntry("m", 1L).containsEntry("k", 512L).containsEntry("n", 1000L);
        assertThat(fc.flops()).isEqualTo(2L * 512 * 1000);

        assertThat(countByType(withoutLayout(kernels))).containsExactlyInAnyOrderEntriesOf(Map.of("conv", 9L,
                "conv-add", 8L, "conv-pointwise", 3L, "pool", 1L, "global-pool", 1L, "view", 1L, "gemm", 1L));
        assertThat(kernels).allSatisfy(k -> assertThat(k.regressorKey()).isPresent());
    }

    private static List<Kernel> withoutLayout(List<Kernel> kernels) {
        return kernels.stream().filter(k -> !k.type().equals(Optional.of(KernelType.LAYOUT))).toList();
    }

    private static List<Kernel> layout(List<Kernel> kernels) {
        return kernels.stream().filter(k -> k.type().equals(Optional.of(KernelType.LAYOUT))).toList();
    }

    @Test
    void theLayoutNodesOfOnnxRuntimesAllLevelAreKernelsOfTheirPlainSide() {
        // NCHWc is ONNX Runtime's x86 layout (AVX2 and AVX-512 blocks of 8 and 16 channels)
        assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"));
        // resnet18's convs all stay in NCHWc; one reorder takes the global pool's output back to NCHW
        assertThat(layout(detect("resnet18", 1))).singleElement().satisfies(k -> {
            assertThat(k.opType()).isEqualTo("ReorderOutput");
            assertThat(k.regressorKey()).contains("layout");
            assertThat(k.features()).containsExactlyEntriesOf(orderedMap("elements", 512, "channels", 512, "op", 1));
            assertThat(k.bytes()).isEqualTo(2L * 512 * 4);
        });
        // mnist-cnn's 5-channel convs are padded to a block each, and each one's output is reordered back
        // (ONNX Runtime's profiler shows the two ReorderOutputs at 3 us each in a 40 us call)
        List<Kernel> mnist = layout(detect("mnist-cnn", 2));
        assertThat(mnist).extracting(Kernel::opType).containsExactly("ReorderOutput", "ReorderOutput");
        assertThat(mnist).extracting(k -> k.features().get("elements"))
                .containsExactlyInAnyOrder(2L * 5 * 26 * 26, 2L * 5 * 24 * 24);
        assertThat(mnist).allSatisfy(k -> assertThat(k.features()).containsEntry("channels", 5L));
    }

    @Test
    void lenet5sFusedTanhAndAveragePoolsAreFeatures() {
        // lenet5's convs and first dense layers end in Tanh, which ONNX Runtime fuses into the kernel
        List<Kernel> kernels = detect("lenet5", 1);
        assertThat(kernels).filteredOn(k -> k.type().equals(java.util.Optional.of(KernelType.CONV)))
                .isNotEmpty().allSatisfy(k -> assertThat(k.features()).containsEntry("act", 3L));
        assertThat(kernels).filteredOn(k -> k.opType().equals("FusedGemm"))
                .isNotEmpty().allSatisfy(k -> assertThat(k.features()).containsEntry("act", 3L));
        // and it averages where resnet18 takes the maximum
        assertThat(kernels).filteredOn(k -> k.opType().equals("AveragePool"))
                .isNotEmpty().allSatisfy(k -> assertThat(k.features()).containsEntry("avg", 1L));
        assertThat(detect("resnet18", 1)).filteredOn(k -> k.opType().equals("MaxPool"))
                .singleElement().satisfies(k -> assertThat(k.features()).containsEntry("avg", 0L));
    }

    @Test
    void mobilenetV2HasDepthwiseFusedConvsAndConvAddWithoutRelu() {
        List<Kernel> kernels = detect("mobilenet-v2", 8);
        Map<String, Long> counts = countByType(kernels);
        assertThat(counts).containsEntry("conv-depthwise", 17L).containsEntry("conv-add", 10L);
        Kernel dw = kernels.stream().filter(k -> k.type().equals(Optional.of(KernelType.CONV_DEPTHWISE))).findFirst()
                .orElseThrow();
        assertThat(dw.opType()).isEqualTo("FusedConv");
        assertThat(dw.features().get("n")).isEqualTo(8L);
        assertThat(dw.features().get("groups")).isEqualTo(dw.features().get("cin"));
        // depthwise FLOPs: one input channel per output channel
        Map<String, Long> f = dw.features();
        assertThat(dw.flops()).isEqualTo(2 * f.get("n") * f.get("cout") * f.get("hout") * f.get("wout") * f.get("kh")
                * f.get("kw"));
        assertThat(kernels.stream().filter(k -> k.type().equals(Optional.of(KernelType.CONV_ADD))))
                .allSatisfy(k -> assertThat(k.opType()).isEqualTo("Conv+Add"));
        // ReLU6 is a fused Clip: a pass of its own over the output, a cost class above Relu's
        assertThat(dw.features()).containsEntry("act", 2L);
    }

    @Test
    void anOpTypeNoKernelCoversIsKeptAndNamed() {
        List<Kernel> kernels = KernelDetector.detect(transposeThenSoftmax(), "t", 1, Map.of(), Map.of());
        assertThat(kernels).extracting(Kernel::opType).containsExactly("Transpose", "Softmax");
        Kernel transpose = kernels.get(0);
        assertThat(transpose.type()).isEmpty();
        assertThat(transpose.regressorKey()).isEmpty();
        assertThat(transpose.bytes()).isEqualTo(2L * 4 * 6 * 4);
        assertThat(kernels.get(1).features()).containsEntry("elements", 24L);
    }

    /** X [4, 6] -> Transpose -> Softmax. */
    public static OnnxMl.ModelProto transposeThenSoftmax() {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("t")
                .addInput(value("X", 4, 6)).addOutput(value("Y", 6, 4))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("transpose").setOpType("Transpose").addInput("X")
                        .addOutput("T"))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("softmax").setOpType("Softmax").addInput("T")
                        .addOutput("Y"))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder()
                .setDomain("").setVersion(17)).setGraph(g).build();
    }

    static OnnxMl.ValueInfoProto value(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    private static Map<String, Long> orderedMap(Object... kv) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Integer) kv[i + 1]).longValue());
        }
        return m;
    }
}
