package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/** Parses ONNX model files into {@link ModelProto}s, turning every failure into one readable line. */
public final class OnnxModels {
    private OnnxModels() {
    }

    /**
     * Parses serialized ONNX bytes.
     *
     * @param source file or zoo name, used only in error messages
     * @throws EdgeperfException USER_ERROR when the bytes are not a (complete) ONNX model
     */
    public static ModelProto parse(byte[] onnx, String source) {
        Objects.requireNonNull(onnx, "onnx is null");
        Objects.requireNonNull(source, "source is null");
        ModelProto model;
        try {
            model = ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw EdgeperfException.userError("not a valid ONNX model: " + source + ": " + e.getMessage());
        }
        // Protobuf happily parses many non-ONNX byte strings (e.g. empty input or text) into an
        // empty message; a model without a graph is never what the user meant.
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw EdgeperfException.userError("not a valid ONNX model: " + source
                    + ": no graph with nodes (" + onnx.length + " bytes read)");
        }
        return model;
    }

    /**
     * Reads and parses an ONNX file.
     *
     * @throws EdgeperfException USER_ERROR when the file cannot be read or is not an ONNX model
     */
    public static ModelProto read(Path file) {
        return parse(readBytes(file), file.toString());
    }

    /** The bytes of a model file; USER_ERROR naming the file when it cannot be read. */
    public static byte[] readBytes(Path file) {
        Objects.requireNonNull(file, "file is null");
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("ONNX model file not found: " + file);
        } catch (IOException e) {
            throw EdgeperfException.userError("ONNX model cannot be read: " + file + ": " + e.getMessage());
        }
    }
}
