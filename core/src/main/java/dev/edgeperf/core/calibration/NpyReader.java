package dev.edgeperf.core.calibration;

import dev.edgeperf.core.EdgeperfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format versions 1, 2 and 3): C-order arrays of {@code '<f4'}
 * (float32), {@code '<i8'}, {@code '<i4'} or {@code '|u1'} (integers, widened to int64). Fortran order and
 * other dtypes are refused with one line naming the file.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    /**
     * @param name  the file name, for messages
     * @param bytes the whole file
     * @throws EdgeperfException USER_ERROR for a file that is not NPY, is truncated, Fortran-ordered or of
     *         another dtype
     */
    public static RawTensor read(String name, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) {
            throw bad(name, "is too short for an NPY header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw bad(name, "is not an NPY file (no \\x93NUMPY magic)");
            }
        }
        int major = bytes[6] & 0xFF;
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            offset = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw bad(name, "is too short for an NPY v" + major + " header");
            }
            headerLen = b.getInt(8);
            offset = 12;
        } else {
            throw bad(name, "has NPY format version " + major + "; expected 1, 2 or 3");
        }
        if (headerLen < 0 || offset + headerLen > bytes.length) {
            throw bad(name, "is truncated inside its header");
        }
        String header = new String(bytes, offset, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        String fortran = group(FORTRAN, header, name, "fortran_order");
        String shapeText = group(SHAPE, header, name, "shape");
        if (fortran.equals("True")) {
            throw bad(name, "is in Fortran order; expected a C-order array (numpy.ascontiguousarray)");
        }
        List<Long> dims = new ArrayList<>();
        for (String d : shapeText.split(",")) {
            if (!d.isBlank()) {
                try {
                    dims.add(Long.parseLong(d.strip().replace("L", "")));
                } catch (NumberFormatException e) {
                    throw bad(name, "has an unreadable shape (" + shapeText + ")");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        int width = switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<i8" -> 8;
            case "|u1" -> 1;
            default -> throw bad(name, "has dtype '" + descr + "'; expected '<f4', '<i8', '<i4' or '|u1'");
        };
        int data = offset + headerLen;
        if ((long) bytes.length - data < n * width) {
            throw bad(name, "holds " + (bytes.length - data) + " data bytes; shape " + shapeText.strip() + " of '" + descr
                    + "' needs " + n * width);
        }
        b.position(data);
        int count = Math.toIntExact(n);
        if (descr.equals("<f4")) {
            float[] v = new float[count];
            b.asFloatBuffer().get(v);
            return new RawTensor(name, descr, shape, v, null);
        }
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
            v[i] = switch (width) {
                case 8 -> b.getLong(data + 8 * i);
                case 4 -> b.getInt(data + 4 * i);
                default -> bytes[data + i] & 0xFF;
            };
        }
        return new RawTensor(name, descr, shape, null, v);
    }

    private static String group(Pattern p, String header, String name, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw bad(name, "has an NPY header without '" + key + "'");
        }
        return m.group(1);
    }

    private static EdgeperfException bad(String name, String what) {
        return EdgeperfException.userError("tensor file " + name + " " + what);
    }
}
