package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Parses ONNX model files into {@link ModelProto}s, turning every failure into one readable line.
 * {@link #map(Path)} and {@link #parseShared(byte[], String)} alias the weights ({@code raw_data})
 * instead of copying them.
 */
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
        return parse(CodedInputStream.newInstance(onnx), onnx.length, source);
    }

    /**
     * Parses serialized ONNX bytes without copying the weights: the returned model's
     * {@code raw_data} fields are views of {@code onnx}, so the caller must not modify the array
     * while the model is in use. For read-only uses such as profiling.
     *
     * @throws EdgeperfException USER_ERROR when the bytes are not a (complete) ONNX model
     */
    public static ModelProto parseShared(byte[] onnx, String source) {
        Objects.requireNonNull(onnx, "onnx is null");
        Objects.requireNonNull(source, "source is null");
        return parse(UnsafeByteOperations.unsafeWrap(onnx).newCodedInput(), onnx.length, source);
    }

    /**
     * Parses a model file through a read-only memory map. Weight tensors ({@code raw_data}) are
     * not copied onto the Java heap: their {@code ByteString}s alias the mapped file, so a 500 MB
     * model costs the heap only its graph structure. The file must not be modified while the
     * returned model is in use.
     *
     * @throws EdgeperfException USER_ERROR when the file cannot be read or is not an ONNX model
     */
    public static ModelProto map(Path file) {
        Objects.requireNonNull(file, "file is null");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw EdgeperfException.userError("not a valid ONNX model: " + file + ": " + size
                        + " bytes is over protobuf's 2 GB limit (keep the weights in external data files beside it)");
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            // A ByteString's own CodedInputStream is marked immutable, the condition for protobuf to alias.
            return parse(UnsafeByteOperations.unsafeWrap(buffer).newCodedInput(), size, file.toString());
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("ONNX model file not found: " + file);
        } catch (IOException e) {
            throw EdgeperfException.userError("ONNX model cannot be read: " + file + ": " + e.getMessage());
        }
    }

    private static ModelProto parse(CodedInputStream input, long size, String source) {
        // Aliasing makes bytes fields (the weights) views of an immutable input instead of copies;
        // on a plain (mutable) CodedInputStream protobuf ignores it and copies.
        input.enableAliasing(true);
        ModelProto model;
        try {
            model = ModelProto.parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            throw EdgeperfException.userError("not a valid ONNX model: " + source + ": " + oneLine(e.getMessage()));
        } catch (IOException e) {
            // A mapped file whose pages cannot be read any more (e.g. truncated while mapped).
            throw EdgeperfException.userError("ONNX model cannot be read: " + source + ": " + oneLine(e.getMessage()));
        }
        // Protobuf happily parses many non-ONNX byte strings (e.g. empty input or text) into an
        // empty message; a model without a graph is never what the user meant.
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw EdgeperfException.userError("not a valid ONNX model: " + source
                    + ": no graph with nodes (" + size + " bytes read)");
        }
        return model;
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable protobuf" : message.replaceAll("\\s+", " ").strip();
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
