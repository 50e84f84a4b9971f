package dev.edgeperf.coordinator.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;

/** The MODEL argument of the {@code models} commands: a path to an .onnx file, or else a zoo name. */
final class ModelArgument {
    private ModelArgument() {
    }

    /** A path when it names an existing file or ends in {@code .onnx}; a zoo name otherwise. */
    static boolean isFile(String model) {
        return model.endsWith(".onnx") || Files.isRegularFile(Path.of(model));
    }

    /** @throws EdgeperfException USER_ERROR for a missing file or an unknown zoo name */
    static ModelProfile profile(String model, ProfileOptions options) {
        if (isFile(model)) {
            return ModelProfiler.profile(existingFile(model), options);
        }
        // Profiled as built: serializing vgg16 only to parse it again would double its 553 MB.
        ModelProto proto = ModelZoo.buildProto(model);
        return ModelProfiler.profile(proto, model, proto.getSerializedSize(), options);
    }

    static Path existingFile(String model) {
        Path file = Path.of(model);
        if (!Files.isRegularFile(file)) {
            throw EdgeperfException.userError("model file " + model + " does not exist");
        }
        return file;
    }
}
