package dev.edgeperf.core.zoo;

import dev.edgeperf.core.io.AtomicFiles;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Built-in models, generated in code as ONNX with a dynamic batch dimension and deterministic weights.
 *
 * <p>Every model is ONNX IR version 8, default-domain opset 17, with one float32 input {@code input}
 * and one float32 output {@code output} whose first dimension is the symbolic batch {@code N};
 * image models are NCHW. Weights are pseudo-random (He/Kaiming scale, seeded per tensor from the
 * model and tensor name), so the same name always gives the same bytes and SHA-256. They are not
 * trained: outputs are finite and vary with the input, but they classify nothing. The exception is
 * {@code mnist-cnn}, which ships weights trained on MNIST by {@code zoo train mnist-cnn}.
 */
public final class ModelZoo {
    private record Entry(String description, ModelFactory factory) {
    }

    private static final Map<String, Entry> MODELS = new LinkedHashMap<>();

    static {
        register("mnist-cnn", "MNIST CNN of the seed article: 2x conv 5@3x3 + dense 2880-128-10, 1.06 MFLOPs, trained (98.6% test accuracy)",
                SmallModels::mnistCnn);
        register("mnist-cnn-pool", "mnist-cnn with 2x2 average pooling after each conv, dense 125-128-10",
                SmallModels::mnistCnnPool);
        register("seed-conv", "one conv 64@7x7 over a 9x25x25 input (the seed article's separable example), 20.4 MFLOPs",
                SmallModels::seedConv);
        register("seed-separable", "depthwise 7x7 + pointwise 1x1 replacement of seed-conv, 0.73 MFLOPs",
                SmallModels::seedSeparable);
        register("keras-mlp", "Keras MLP 3-5-8-10-15-4 with ReLU, 387 parameters (249 trainable: layers 2 and 3 frozen)", SmallModels::kerasMlp);
        register("lenet5", "LeNet-5 (32x32x1, conv6@5x5, pool, conv16@5x5, pool, fc 120-84-10), 61,706 parameters",
                SmallModels::lenet5);
        register("mobilenet-v1", "MobileNet V1 (Keras MobileNet alpha=1.0), 224x224, 4.25 M parameters, 0.57 GMACs",
                MobileNets::mobilenetV1);
        register("mobilenet-v2", "MobileNet V2 (torchvision mobilenet_v2), 224x224, 3.50 M parameters, 0.30 GMACs",
                MobileNets::mobilenetV2);
        register("resnet18", "ResNet-18 (torchvision resnet18), 224x224, 11.7 M parameters, 1.81 GMACs",
                ResNets::resnet18);
        register("resnet50", "ResNet-50 v1.5 (torchvision resnet50), 224x224, 25.6 M parameters, 4.09 GMACs",
                ResNets::resnet50);
        register("vgg16", "VGG-16 (torchvision vgg16), 224x224, 138 M parameters (553 MB), 15.5 GMACs",
                ClassicCnns::vgg16);
        register("squeezenet1_1", "SqueezeNet 1.1 (torchvision squeezenet1_1), 224x224, 1.24 M parameters, 0.35 GMACs",
                ClassicCnns::squeezenet11);
    }

    private ModelZoo() {
    }

    private static void register(String name, String description, ModelFactory factory) {
        MODELS.put(name, new Entry(description, factory));
    }

    /** Names of all zoo models, in display order (small models first). */
    public static List<String> names() {
        return List.copyOf(MODELS.keySet());
    }

    /**
     * One-line description of the named model (architecture and headline size).
     *
     * @throws EdgeperfException USER_ERROR naming the unknown model and the known ones
     */
    public static String describe(String name) {
        return entry(name).description();
    }

    /**
     * Serialized ONNX bytes of the named model. Deterministic: the same name gives the same bytes
     * (and so the same SHA-256) in every process. The large ImageNet models take a second or more
     * (vgg16 is about 553 MB).
     *
     * @throws EdgeperfException USER_ERROR naming the unknown model and the known ones
     */
    public static byte[] build(String name) {
        return buildProto(name).toByteArray();
    }

    /**
     * The named model as an ONNX protobuf message, for callers that transform it further without
     * parsing the bytes again.
     *
     * @throws EdgeperfException USER_ERROR naming the unknown model and the known ones
     */
    public static ModelProto buildProto(String name) {
        Entry entry = entry(name);
        return entry.factory().create(name, entry.description());
    }

    /**
     * Writes the named model to {@code out} atomically: into a temporary file in the same folder,
     * then renamed over {@code out}, so readers never see a half-written model.
     *
     * @throws EdgeperfException USER_ERROR for an unknown model, EXTERNAL if the file cannot be written
     */
    public static void export(String name, Path out) {
        Objects.requireNonNull(out, "out is null");
        ModelProto model = buildProto(name);
        Path target = out.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, model::writeTo);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write zoo model '" + name + "' to " + out + ": " + e.getMessage(), e);
        }
    }

    private static Entry entry(String name) {
        Entry entry = name == null ? null : MODELS.get(name);
        if (entry == null) {
            throw EdgeperfException.userError("unknown model '" + name + "': expected one of "
                    + String.join(", ", MODELS.keySet()));
        }
        return entry;
    }

}
