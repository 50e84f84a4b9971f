package dev.edgeperf.core.train;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The committed weights format: {@code NAME.bin} holds the eight tensors of {@link CnnWeights#NAMES},
 * in that order, each in ONNX row-major layout, as little-endian float32 with no padding or header;
 * {@code NAME.properties} beside it is the text header: {@code format=float32-le}, {@code tensors}
 * (name:dims list), {@code parameters}, {@code bytes}, {@code sha256} of the .bin, and free
 * provenance keys such as {@code test_accuracy} and {@code command}.
 */
public final class WeightsFile {
    /** Value of the header's {@code format} key. */
    public static final String FORMAT = "float32-le";

    private WeightsFile() {
    }

    /** The header file that belongs to a weights file: {@code x.bin} -> {@code x.properties}. */
    public static Path headerOf(Path bin) {
        String name = bin.getFileName().toString();
        String base = name.endsWith(".bin") ? name.substring(0, name.length() - 4) : name;
        return bin.resolveSibling(base + ".properties");
    }

    /** The tensors as one little-endian float32 byte array, in {@link CnnWeights#NAMES} order. */
    public static byte[] encode(CnnWeights weights) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(weights.shape().parameterCount() * Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] tensor : weights.tensors()) {
            buffer.asFloatBuffer().put(tensor);
            buffer.position(buffer.position() + tensor.length * Float.BYTES);
        }
        return buffer.array();
    }

    /**
     * Parses {@link #encode} output for the given shape.
     *
     * @throws EdgeperfException USER_ERROR naming {@code source} if the size does not match
     */
    public static CnnWeights decode(byte[] bytes, CnnShape shape, String source) {
        long expected = shape.parameterCount() * Float.BYTES;
        if (bytes.length != expected) {
            throw EdgeperfException.userError("weights file " + source + " has " + bytes.length + " bytes, expected "
                    + expected + " (" + shape.parameterCount() + " float32 of " + shape + ")");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[][] dims = shape.tensorDims();
        float[][] tensors = new float[dims.length][];
        for (int t = 0; t < dims.length; t++) {
            tensors[t] = new float[Math.toIntExact(CnnWeights.size(dims[t]))];
            buffer.asFloatBuffer().get(tensors[t]);
            buffer.position(buffer.position() + tensors[t].length * Float.BYTES);
        }
        return new CnnWeights(shape, tensors);
    }

    /** The header lines describing {@code bytes} of {@code weights}, followed by {@code extra} keys in order. */
    public static Map<String, String> header(CnnWeights weights, byte[] bytes, Map<String, String> extra) {
        Map<String, String> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        StringBuilder tensors = new StringBuilder();
        long[][] dims = weights.shape().tensorDims();
        for (int t = 0; t < dims.length; t++) {
            tensors.append(t == 0 ? "" : ",").append(CnnWeights.NAMES.get(t)).append(':');
            for (int d = 0; d < dims[t].length; d++) {
                tensors.append(d == 0 ? "" : "x").append(dims[t][d]);
            }
        }
        header.put("tensors", tensors.toString());
        header.put("parameters", Long.toString(weights.shape().parameterCount()));
        header.put("bytes", Integer.toString(bytes.length));
        header.put("sha256", Digests.sha256Hex(bytes));
        header.putAll(extra);
        return header;
    }

    /**
     * Writes {@code bin} and its header, each atomically (temporary file, then rename).
     *
     * @param extra provenance keys (e.g. test_accuracy, command); values must be single-line
     * @throws EdgeperfException EXTERNAL if a file cannot be written
     */
    public static void write(Path bin, CnnWeights weights, Map<String, String> extra) {
        byte[] bytes = encode(weights);
        StringBuilder text = new StringBuilder("# edgeperf mnist-cnn weights; format documented in dev.edgeperf.core.train.WeightsFile\n");
        header(weights, bytes, extra).forEach((k, v) -> text.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        atomicWrite(bin, bytes);
        atomicWrite(headerOf(bin), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Parses header text (Java properties syntax). */
    public static Map<String, String> parseHeader(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> header = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(k -> header.put(k, properties.getProperty(k)));
        return header;
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }


    private static void atomicWrite(Path target, byte[] bytes) {
        Path absolute = target.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            AtomicFiles.write(absolute, bytes);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
