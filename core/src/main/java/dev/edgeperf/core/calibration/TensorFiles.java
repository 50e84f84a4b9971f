package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a {@code tensors:DIR} folder: {@code .npy} files ({@link NpyReader}) and ONNX {@code TensorProto}
 * {@code .pb} files (FLOAT, INT64, INT32 or UINT8), in natural name order ({@code input_2} before
 * {@code input_10}); {@code output_*.pb} files (expected outputs in ONNX test data) are left out.
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /**
     * @throws EdgeperfException USER_ERROR for a missing or empty folder, or an unreadable file, naming it
     */
    public static List<RawTensor> read(Path dir) {
        List<RawTensor> out = new ArrayList<>();
        for (Path p : list(dir, List.of(".npy", ".pb"), "tensor", ".npy or .pb")) {
            String name = p.getFileName().toString();
            if (name.toLowerCase(Locale.ROOT).endsWith(".pb") && name.toLowerCase(Locale.ROOT).startsWith("output_")) {
                continue;
            }
            byte[] bytes = readAll(p);
            out.add(name.toLowerCase(Locale.ROOT).endsWith(".npy") ? NpyReader.read(p.toString(), bytes) : pb(p.toString(), bytes));
        }
        if (out.isEmpty()) {
            throw EdgeperfException.userError("calibration folder " + dir + " has only output_*.pb files; expected input"
                    + " tensors (.npy, or input_*.pb)");
        }
        return out;
    }

    /** One ONNX TensorProto file. */
    static RawTensor pb(String name, byte[] bytes) {
        TensorProto t;
        try {
            t = TensorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw EdgeperfException.userError("tensor file " + name + " is not an ONNX TensorProto: " + e.getMessage());
        }
        long[] shape = Tensors.dims(t);
        String type = TensorProto.DataType.forNumber(t.getDataType()) == null ? "type " + t.getDataType()
                : TensorProto.DataType.forNumber(t.getDataType()).name();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw EdgeperfException.userError("tensor file " + name + " keeps its data outside the file; expected the"
                    + " values inside the TensorProto");
        }
        try {
            switch (t.getDataType()) {
                case TensorProto.DataType.FLOAT_VALUE:
                    return new RawTensor(name, type, shape, Tensors.floats(t), null);
                case TensorProto.DataType.INT64_VALUE:
                case TensorProto.DataType.INT32_VALUE:
                    return new RawTensor(name, type, shape, null, Tensors.longs(t));
                case TensorProto.DataType.UINT8_VALUE:
                    byte[] raw = t.getRawData().toByteArray();
                    long[] v = new long[raw.length > 0 ? raw.length : t.getInt32DataCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = raw.length > 0 ? raw[i] & 0xFF : t.getInt32Data(i);
                    }
                    return new RawTensor(name, type, shape, null, v);
                default:
                    throw EdgeperfException.userError("tensor file " + name + " holds " + type
                            + "; expected FLOAT, INT64, INT32 or UINT8");
            }
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError("tensor file " + name + ": " + e.getMessage());
        }
    }

    /**
     * The files of {@code dir} whose names end in one of {@code extensions} (any case), hidden files left out,
     * in natural order.
     *
     * @throws EdgeperfException USER_ERROR when the folder is missing, cannot be listed or has no such file
     */
    static List<Path> list(Path dir, List<String> extensions, String what, String expected) {
        if (!Files.isDirectory(dir)) {
            throw EdgeperfException.userError("calibration folder " + dir + " does not exist or is not a folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> extensions.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                            .endsWith(e)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), TensorFiles::natural)).toList();
        } catch (IOException e) {
            throw EdgeperfException.userError("calibration folder " + dir + " cannot be listed: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw EdgeperfException.userError("calibration folder " + dir + " has no " + what + " files; expected " + expected
                    + " files");
        }
        return files;
    }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw EdgeperfException.userError("calibration file " + p + " cannot be read: " + e.getMessage());
        }
    }

    /** Names compared with digit runs as numbers: {@code input_2} before {@code input_10}. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
