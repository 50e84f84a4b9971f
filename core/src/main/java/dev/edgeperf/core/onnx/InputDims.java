package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Resolves the concrete shape of every model input from what the user gave.
 *
 * <p>A dimension is <b>fixed</b> ({@code dim_value > 0}), a <b>named symbol</b> (a {@code dim_param}
 * other than {@code ""} and {@code "?"}: every dimension of that name, in any input, takes one value)
 * or <b>unnamed</b> ({@code dim_param} {@code "?"} or empty, or neither field: each is its own
 * unknown, never shared). Values come, in this order, from full shapes given per input
 * ({@code --input NAME=1x3x48x192}, which also set the symbols they cover), from symbols set by name
 * ({@code --dim sequence=128}), from {@code batch} for an open leading dimension, and from
 * {@code fallback} (the deprecated {@code --free-dim}) when it is set. A dimension nothing sets is a
 * user error naming the input, the dimension index and its symbol: nothing invents a dimension.
 */
public final class InputDims {
    private InputDims() {
    }

    /**
     * One model input as declared.
     *
     * @param name    input name
     * @param sizes   per dimension the fixed size (> 0) or 0 when open; null when the input declares no shape
     * @param symbols per dimension its {@code dim_param} as written ({@code ""} when absent); null with sizes
     */
    public record Declared(String name, long[] sizes, String[] symbols) {
        public Declared {
            Objects.requireNonNull(name, "name is null");
            if ((sizes == null) != (symbols == null) || (sizes != null && sizes.length != symbols.length)) {
                throw new IllegalArgumentException("sizes and symbols must both be null or of one length");
            }
            sizes = sizes == null ? null : sizes.clone();
            symbols = symbols == null ? null : symbols.clone();
        }

        /** The declaration of a graph input. */
        public static Declared of(ValueInfoProto v) {
            if (!v.getType().getTensorType().hasShape()) {
                return new Declared(v.getName(), null, null);
            }
            TensorShapeProto shape = v.getType().getTensorType().getShape();
            long[] sizes = new long[shape.getDimCount()];
            String[] symbols = new String[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                TensorShapeProto.Dimension d = shape.getDim(i);
                sizes[i] = Math.max(0, d.getDimValue());
                symbols[i] = d.hasDimParam() ? d.getDimParam() : "";
            }
            return new Declared(v.getName(), sizes, symbols);
        }

        /** The named symbol of dimension {@code i}, or null when it is fixed or unnamed. */
        public String symbol(int i) {
            return sizes[i] > 0 || !isNamed(symbols[i]) ? null : symbols[i];
        }

        /** The declared shape as {@code [batch, 3, ?, ?]}. */
        public String describe() {
            if (sizes == null) {
                return "(no shape)";
            }
            List<String> dims = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                dims.add(sizes[i] > 0 ? Long.toString(sizes[i]) : isNamed(symbols[i]) ? symbols[i] : "?");
            }
            return "[" + String.join(", ", dims) + "]";
        }
    }

    /** Whether a {@code dim_param} is a real, shared symbol ({@code "?"} and {@code ""} are not). */
    public static boolean isNamed(String dimParam) {
        return dimParam != null && !dimParam.isEmpty() && !dimParam.equals("?");
    }

    /** The named symbols of the inputs, sorted. */
    public static List<String> symbols(Collection<Declared> inputs) {
        TreeSet<String> names = new TreeSet<>();
        for (Declared in : inputs) {
            for (int i = 0; in.sizes() != null && i < in.sizes().length; i++) {
                if (in.symbol(i) != null) {
                    names.add(in.symbol(i));
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * The shape of every input, in declaration order.
     *
     * @param source   file or model name for messages
     * @param batch    value of an open leading dimension no shape or symbol sets, >= 1
     * @param given    full shapes per input name
     * @param dims     values of named symbols
     * @param fallback value of any other open dimension, or 0 to make it an error
     * @throws EdgeperfException USER_ERROR for an unknown input or symbol name, a shape that
     *         contradicts the model or another shape, or a dimension nothing sets
     */
    public static Map<String, long[]> resolve(String source, List<Declared> inputs, long batch,
            Map<String, long[]> given, Map<String, Long> dims, long fallback) {
        Map<String, Declared> byName = new LinkedHashMap<>();
        inputs.forEach(in -> byName.put(in.name(), in));
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                throw EdgeperfException.userError(model(source) + " has no input '" + name + "'; its inputs are "
                        + byName.values().stream().map(v -> "'" + v.name() + "' " + v.describe())
                                .collect(Collectors.joining(", ")));
            }
        }
        List<String> known = symbols(inputs);
        Map<String, Long> values = new HashMap<>();
        Map<String, String> setBy = new HashMap<>();
        for (Map.Entry<String, Long> d : dims.entrySet()) {
            if (!known.contains(d.getKey())) {
                throw EdgeperfException.userError("--dim " + d.getKey() + ": " + model(source)
                        + " has no dimension named '" + d.getKey() + "'; "
                        + (known.isEmpty() ? "it has no named dimensions" : "its named dimensions are "
                        + String.join(", ", known)));
            }
            if (d.getValue() < 1) {
                throw EdgeperfException.userError("--dim " + d.getKey() + "=" + d.getValue()
                        + " must be a positive integer");
            }
            values.put(d.getKey(), d.getValue());
            setBy.put(d.getKey(), "--dim " + d.getKey() + "=" + d.getValue());
        }
        for (Map.Entry<String, long[]> e : given.entrySet()) {
            bindGiven(source, byName.get(e.getKey()), e.getValue(), values, setBy);
        }
        Map<String, long[]> resolved = new LinkedHashMap<>();
        for (Declared in : byName.values()) {
            long[] shape = given.get(in.name());
            resolved.put(in.name(), shape != null ? shape.clone() : open(source, in, batch, fallback, values, setBy));
        }
        return resolved;
    }

    /** "model m.onnx" for a file name, the source itself when it already says "model 'name'". */
    private static String model(String source) {
        return source.startsWith("model ") ? source : "model " + source;
    }

    private static void bindGiven(String source, Declared in, long[] shape, Map<String, Long> values,
            Map<String, String> setBy) {
        String what = "input '" + in.name() + "' of " + source;
        if (in.sizes() != null && in.sizes().length != shape.length) {
            throw EdgeperfException.userError(what + " has rank " + in.sizes().length + " (" + in.describe()
                    + "), but shape " + ShapeInference.format(shape) + " was given");
        }
        for (int i = 0; i < shape.length; i++) {
            long fixed = in.sizes() != null ? in.sizes()[i] : 0;
            if (shape[i] < 1 || (fixed > 0 && fixed != shape[i])) {
                throw EdgeperfException.userError(what + " has shape " + in.describe() + "; the given "
                        + ShapeInference.format(shape) + " contradicts dimension " + i);
            }
            String symbol = in.sizes() != null ? in.symbol(i) : null;
            if (symbol == null) {
                continue;
            }
            Long previous = values.putIfAbsent(symbol, shape[i]);
            String by = "--input " + in.name() + "=" + ShapeInference.format(shape);
            setBy.putIfAbsent(symbol, by);
            if (previous != null && previous != shape[i]) {
                throw EdgeperfException.userError(what + " dimension " + i + " (symbol '" + symbol + "') is "
                        + shape[i] + " in " + by + ", but " + setBy.get(symbol) + " sets '" + symbol + "' to "
                        + previous);
            }
        }
    }

    private static long[] open(String source, Declared in, long batch, long fallback, Map<String, Long> values,
            Map<String, String> setBy) {
        if (in.sizes() == null) {
            throw EdgeperfException.userError("input '" + in.name() + "' of " + source
                    + " declares no shape; pass --input " + in.name() + "=<d0>x<d1>x...");
        }
        long[] s = new long[in.sizes().length];
        for (int i = 0; i < s.length; i++) {
            String symbol = in.symbol(i);
            if (in.sizes()[i] > 0) {
                s[i] = in.sizes()[i];
            } else if (symbol != null && values.containsKey(symbol)) {
                s[i] = values.get(symbol);
            } else if (i == 0) {
                s[i] = batch;
                if (symbol != null) {
                    // The batch binds the symbol, so an input holding it elsewhere takes the same value.
                    values.put(symbol, batch);
                    setBy.put(symbol, "the batch size " + batch);
                }
            } else if (fallback > 0) {
                s[i] = fallback;
                if (symbol != null) {
                    values.put(symbol, fallback);
                    setBy.put(symbol, "--free-dim " + fallback);
                }
            } else {
                throw unresolved(source, in, i, s);
            }
        }
        return s;
    }

    private static EdgeperfException unresolved(String source, Declared in, int index, long[] partial) {
        String symbol = in.symbol(index);
        String raw = in.symbols()[index];
        String label = symbol != null ? "symbol '" + symbol + "'"
                : raw.isEmpty() ? "unnamed, no dim_param" : "unnamed, dim_param '" + raw + "'";
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < partial.length; i++) {
            dims.add(in.sizes()[i] > 0 ? Long.toString(in.sizes()[i]) : i < index ? Long.toString(partial[i])
                    : in.symbol(i) != null ? "<" + in.symbol(i) + ">" : "<d" + i + ">");
        }
        String hint = "pass " + (symbol != null ? "--dim " + symbol + "=SIZE or " : "") + "--input " + in.name() + "="
                + String.join("x", dims);
        return EdgeperfException.userError("input '" + in.name() + "' of " + source + " has no value for dimension "
                + index + " (" + label + ") of " + in.describe() + "; " + hint);
    }
}
