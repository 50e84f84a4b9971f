package dev.edgeperf.core.onnx;

import dev.edgeperf.core.EdgeperfException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the command-line forms of input sizes shared by the coordinator and agent CLIs:
 * {@code --input NAME=1x3x48x192} (a full shape), {@code --dim NAME=128} (a named symbolic dim) and
 * {@code --value NAME=V[,V...]} (the values of an integer input).
 * What the values mean is {@link InputDims}' business.
 */
public final class ShapeArgs {
    private ShapeArgs() {
    }

    /**
     * @param given {@code --input} values by input name
     * @throws EdgeperfException USER_ERROR for a shape that is not positive integers joined by {@code x}
     */
    public static Map<String, long[]> shapes(Map<String, String> given) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        given.forEach((name, shape) -> {
            try {
                String[] dims = shape.toLowerCase(Locale.ROOT).split("x", -1);
                long[] parsed = new long[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    parsed[i] = Long.parseLong(dims[i].strip());
                    if (parsed[i] < 1) {
                        throw new NumberFormatException();
                    }
                }
                shapes.put(name, parsed);
            } catch (NumberFormatException e) {
                throw EdgeperfException.userError("--input must be NAME=DIMxDIMx... with positive dimensions, got '"
                        + name + "=" + shape + "'");
            }
        });
        return shapes;
    }

    /**
     * @param given {@code --dim} values by symbol name
     * @throws EdgeperfException USER_ERROR for a value that is not a positive integer
     */
    public static Map<String, Long> dims(Map<String, String> given) {
        Map<String, Long> dims = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            long v;
            try {
                v = Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                v = 0;
            }
            if (v < 1 || name.isBlank()) {
                throw EdgeperfException.userError("--dim must be NAME=SIZE with a positive size, got '" + name + "="
                        + value + "'");
            }
            dims.put(name, v);
        });
        return dims;
    }

    /** {@code --value NAME=V[,V...]} as input name -> values; a malformed one is a one-line user error. */
    public static Map<String, long[]> values(List<String> values) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new NumberFormatException();
                }
                long[] parsed = Arrays.stream(v.substring(eq + 1).split(",", -1)).map(String::trim)
                        .mapToLong(Long::parseLong).toArray();
                if (out.put(v.substring(0, eq), parsed) != null) {
                    throw EdgeperfException.userError("--value for input '" + v.substring(0, eq) + "' given twice");
                }
            } catch (NumberFormatException e) {
                throw EdgeperfException.userError("--value '" + v + "' is not NAME=V[,V...] with integer values, "
                        + "e.g. sr=16000");
            }
        }
        return out;
    }
}
