package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * ONNX external data: initializers whose values live in files beside the {@code .onnx}
 * ({@code TensorProto.data_location = EXTERNAL}, the file named by the {@code external_data}
 * entry {@code location}, relative to the model file's folder, with optional {@code offset} and
 * {@code length} in bytes). A model parsed without those files still has every tensor's dims, which
 * is all shape inference and cost counting need.
 */
public final class ExternalData {
    /**
     * Most bytes of external data {@link #inline} copies into a model: past 2 GiB a protobuf message
     * (the model with its weights inside) cannot be serialized.
     */
    public static final long MAX_INLINE_BYTES = Integer.MAX_VALUE;

    /** A relative path of plain segments: no absolute path, no "..", no control characters. */
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[^/\\\\\\p{Cntrl}:]+");

    private ExternalData() {
    }

    /**
     * The external-data file names the model's tensors reference (graph initializers, Constant
     * values and subgraphs), in first-use order; empty for a self-contained model.
     *
     * @param modelName used in error messages
     * @throws EdgeperfException USER_ERROR for a tensor marked EXTERNAL without a location, or a
     *         location that is not a plain relative path inside the model's folder
     */
    public static Set<String> locations(ModelProto model, String modelName) {
        Set<String> out = new LinkedHashSet<>();
        collect(model.getGraph(), modelName, out);
        return out;
    }

    /** True when the model reads any tensor from an external file. */
    public static boolean uses(ModelProto model, String modelName) {
        return !locations(model, modelName).isEmpty();
    }

    /**
     * Checks an external-data location as a relative file name under the model's folder.
     *
     * @return the location, unchanged
     * @throws EdgeperfException USER_ERROR naming the model and the location
     */
    public static String checkLocation(String location, String modelName) {
        if (location == null || location.isEmpty()) {
            throw EdgeperfException.userError("model " + modelName + " has an external-data tensor without a"
                    + " 'location'");
        }
        String[] segments = location.split("/", -1);
        for (String s : segments) {
            if (s.equals(".") || s.equals("..") || !SAFE_SEGMENT.matcher(s).matches()) {
                throw EdgeperfException.userError("model " + modelName + " reads external data from '"
                        + location.replaceAll("\\p{Cntrl}", "?") + "'; expected a file name relative to the"
                        + " model's folder (no absolute path, no '..')");
            }
        }
        return location;
    }

    /**
     * A copy of {@code model} with every external tensor's bytes read into {@code raw_data}, so it
     * can be transformed like a self-contained model.
     *
     * @param files location -> the file holding it
     * @throws EdgeperfException USER_ERROR when the data adds up to more than {@link #MAX_INLINE_BYTES},
     *         a file is missing or shorter than a tensor's offset + length says
     */
    public static ModelProto inline(ModelProto model, String modelName, Function<String, Path> files) {
        long total = 0;
        for (String location : locations(model, modelName)) {
            Path file = files.apply(location);
            try {
                total += Files.size(file);
            } catch (IOException e) {
                throw EdgeperfException.userError("model " + modelName + ": external data file '" + location
                        + "' cannot be read: " + e.getMessage());
            }
        }
        if (total > MAX_INLINE_BYTES) {
            throw EdgeperfException.userError("model " + modelName + " has " + total + " bytes of external data;"
                    + " at most " + MAX_INLINE_BYTES + " can be loaded to transform it");
        }
        ModelProto.Builder b = model.toBuilder();
        inline(b.getGraphBuilder(), modelName, files);
        return b.build();
    }

    private static void inline(GraphProto.Builder g, String modelName, Function<String, Path> files) {
        for (TensorProto.Builder t : g.getInitializerBuilderList()) {
            inlineTensor(t, modelName, files);
        }
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (AttributeProto.Builder a : n.getAttributeBuilderList()) {
                if (a.hasT()) {
                    inlineTensor(a.getTBuilder(), modelName, files);
                }
                if (a.hasG()) {
                    inline(a.getGBuilder(), modelName, files);
                }
                for (GraphProto.Builder sub : a.getGraphsBuilderList()) {
                    inline(sub, modelName, files);
                }
            }
        }
    }

    private static void inlineTensor(TensorProto.Builder t, String modelName, Function<String, Path> files) {
        if (!isExternal(t.build())) {
            return;
        }
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), "offset", t.getName(), modelName);
                case "length" -> length = parseLong(e.getValue(), "length", t.getName(), modelName);
                default -> {
                    // "checksum" and others: informative only
                }
            }
        }
        checkLocation(location, modelName);
        Path file = files.apply(location);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long n = length < 0 ? size - offset : length;
            if (offset < 0 || n < 0 || offset + n > size || n > Integer.MAX_VALUE) {
                throw EdgeperfException.userError("model " + modelName + ": initializer '" + t.getName()
                        + "' reads bytes " + offset + ".." + (offset + n) + " of external data file '" + location
                        + "', which has " + size + " bytes");
            }
            channel.position(offset);
            InputStream in = Channels.newInputStream(channel);
            ByteString bytes = ByteString.readFrom(new BoundedInput(in, n));
            if (bytes.size() != n) {
                throw EdgeperfException.userError("model " + modelName + ": external data file '" + location
                        + "' ended after " + bytes.size() + " of " + n + " bytes for initializer '" + t.getName() + "'");
            }
            t.setRawData(bytes).clearExternalData().clearDataLocation();
        } catch (IOException e) {
            throw EdgeperfException.userError("model " + modelName + ": external data file '" + location
                    + "' cannot be read: " + e.getMessage());
        }
    }

    /**
     * Moves the {@code raw_data} of every graph initializer of at least {@code minBytes} into one
     * file {@code folder/location} (appended in order, as exporters write it) and returns the model
     * that references it, the form {@code onnx.save(..., save_as_external_data=True)} produces.
     *
     * @throws IOException when the file cannot be written
     */
    public static ModelProto externalize(ModelProto model, Path folder, String location, long minBytes)
            throws IOException {
        checkLocation(location, "externalize");
        Path file = folder.resolve(location);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ModelProto.Builder b = model.toBuilder();
        long offset = 0;
        try (var out = Files.newOutputStream(file)) {
            for (TensorProto.Builder t : b.getGraphBuilder().getInitializerBuilderList()) {
                ByteString raw = t.getRawData();
                if (raw.isEmpty() || raw.size() < minBytes) {
                    continue;
                }
                raw.writeTo(out);
                t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL).clearExternalData()
                        .addExternalData(entry("location", location))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Integer.toString(raw.size())));
                offset += raw.size();
            }
        }
        return b.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Whether a tensor's values live in an external file. */
    public static boolean isExternal(TensorProto t) {
        return t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    private static void collect(GraphProto g, String modelName, Set<String> out) {
        for (TensorProto t : g.getInitializerList()) {
            collectTensor(t, modelName, out);
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    collectTensor(a.getT(), modelName, out);
                }
                if (a.hasG()) {
                    collect(a.getG(), modelName, out);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collect(sub, modelName, out);
                }
            }
        }
    }

    private static void collectTensor(TensorProto t, String modelName, Set<String> out) {
        if (!isExternal(t)) {
            return;
        }
        String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                .map(StringStringEntryProto::getValue).findFirst().orElse(null);
        out.add(checkLocation(location, modelName));
    }

    private static long parseLong(String text, String key, String tensor, String modelName) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw EdgeperfException.userError("model " + modelName + ": initializer '" + tensor + "' has external_data "
                    + key + " '" + text + "'; expected a number of bytes");
        }
    }

    /** Reads at most {@code limit} bytes of {@code in}. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
