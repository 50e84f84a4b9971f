package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What a user said about a model's input sizes: full shapes per input ({@code --input x=1x3x48x192},
 * spec {@code inputs:}) and named symbols ({@code --dim sequence=128}, spec {@code dims:}). One value
 * carries them from the CLI or spec through campaign planning, variant building and calibration to the
 * agent; {@link InputDims} turns them into concrete shapes for a batch.
 *
 * @param shapes full shapes by input name, in the order given; the leading dimension is the batch one
 *               ({@link #resolve} says which inputs are batched); an empty array is a scalar
 * @param dims   sizes by symbol name
 * @param values values of integer inputs by input name ({@code --value sr=16000}, spec {@code values:}),
 *               row-major: fed instead of generated data and known to the profiler (an {@code If} on them)
 */
public record ModelInputs(Map<String, long[]> shapes, Map<String, Long> dims, Map<String, long[]> values) {
    private static final ModelInputs NONE = new ModelInputs(Map.of(), Map.of());
    /** Most values a model's inputs can be given in all (scalars such as a sample rate, small index lists). */
    public static final int MAX_VALUES = 64;

    /** Sizes without input values. */
    public ModelInputs(Map<String, long[]> shapes, Map<String, Long> dims) {
        this(shapes, dims, Map.of());
    }

    public ModelInputs {
        Objects.requireNonNull(shapes, "shapes is null");
        Objects.requireNonNull(dims, "dims is null");
        Map<String, long[]> copy = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            // rank 0 (a scalar) is a shape too: resolved shapes travel to agents in this form
            if (name == null || name.isBlank() || shape == null || Arrays.stream(shape).anyMatch(d -> d < 1)) {
                throw EdgeperfException.userError("input shape must be NAME=DIMxDIMx... with positive dimensions, got '"
                        + name + "=" + (shape == null ? "" : ShapeText.of(shape)) + "'");
            }
            copy.put(name, shape.clone());
        });
        dims.forEach((name, size) -> {
            if (name == null || name.isBlank() || size == null || size < 1) {
                throw EdgeperfException.userError("dim must be NAME=SIZE with a positive size, got '" + name + "="
                        + size + "'");
            }
        });
        shapes = Collections.unmodifiableMap(copy);
        dims = Collections.unmodifiableMap(new LinkedHashMap<>(dims));
        Map<String, long[]> valueCopy = new LinkedHashMap<>();
        Objects.requireNonNull(values, "values is null").forEach((name, v) -> {
            if (name == null || name.isBlank() || v == null || v.length == 0) {
                throw EdgeperfException.userError("input value must be NAME=V[,V...] with at least one integer, got '"
                        + name + "=" + (v == null ? "" : joined(v)) + "'");
            }
            valueCopy.put(name, v.clone());
        });
        if (valueCopy.values().stream().mapToLong(v -> v.length).sum() > MAX_VALUES) {
            throw EdgeperfException.userError("input values: at most " + MAX_VALUES + " values in all can be given,"
                    + " got " + valueCopy.values().stream().mapToLong(v -> v.length).sum());
        }
        values = Collections.unmodifiableMap(valueCopy);
    }

    /** The same sizes with these input values. */
    public ModelInputs withValues(Map<String, long[]> inputValues) {
        return new ModelInputs(shapes, dims, inputValues);
    }

    /** Input values as results show them: {@code sr=16000} ({@code NAME=V,V} for several), {@code ""} = none. */
    public static String describeValues(Map<String, long[]> values) {
        StringJoiner out = new StringJoiner(" ");
        values.forEach((name, v) -> out.add(name + "=" + joined(v)));
        return out.toString();
    }

    private static String joined(long[] v) {
        StringJoiner out = new StringJoiner(",");
        for (long x : v) {
            out.add(Long.toString(x));
        }
        return out.toString();
    }

    /**
     * Checks the given values against a model's inputs and the shapes resolved for one batch: every
     * value names an input the caller feeds, and gives as many values as its shape holds.
     *
     * @throws EdgeperfException USER_ERROR, one line naming the model, the input and what is expected
     */
    public void checkValues(String model, List<InputDims.Declared> inputs, Map<String, long[]> resolved) {
        for (Map.Entry<String, long[]> e : values.entrySet()) {
            long[] shape = resolved.get(e.getKey());
            if (shape == null) {
                StringJoiner names = new StringJoiner(", ");
                inputs.forEach(in -> names.add("'" + in.name() + "'"));
                throw EdgeperfException.userError("model " + model + " has no input '" + e.getKey()
                        + "' to give a value to; its inputs are " + names);
            }
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (count != e.getValue().length) {
                throw EdgeperfException.userError("model " + model + ": input '" + e.getKey() + "' of shape ["
                        + ShapeText.of(shape).replace("x", ", ") + "] holds " + count + " value(s), "
                        + e.getValue().length + " given (" + e.getKey() + "=" + joined(e.getValue()) + ")");
            }
        }
    }

    /** Nothing given: every open dimension other than a leading batch one is then an error. */
    public static ModelInputs none() {
        return NONE;
    }

    /** From the CLI's {@code --input} and {@code --dim} texts (see {@link ShapeArgs}). */
    public static ModelInputs parse(Map<String, String> inputs, Map<String, String> dims) {
        return new ModelInputs(ShapeArgs.shapes(inputs), ShapeArgs.dims(dims));
    }

    public boolean isEmpty() {
        return shapes.isEmpty() && dims.isEmpty() && values.isEmpty();
    }

    /** {@code x=1x3x48x192 sequence=128}, or {@code ""} when nothing was given. */
    public String describe() {
        StringJoiner out = new StringJoiner(" ");
        shapes.forEach((name, shape) -> out.add(name + "=" + ShapeText.of(shape)));
        dims.forEach((name, size) -> out.add(name + "=" + size));
        values.forEach((name, v) -> out.add(name + "=" + joined(v)));
        return out.toString();
    }

    /** The inputs a caller must feed (graph inputs that are not initializers), as the model declares them. */
    public static List<InputDims.Declared> declared(ModelProto model) {
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            initializers.add(t.getName());
        }
        List<InputDims.Declared> inputs = new ArrayList<>();
        model.getGraph().getInputList().stream().filter(v -> !initializers.contains(v.getName()))
                .forEach(v -> inputs.add(InputDims.Declared.of(v)));
        return inputs;
    }

    /**
     * The concrete shape of every input of a model at one batch size, in declaration order.
     *
     * <p>An input is <b>batched</b> when its declared leading dimension is open and not a symbol set
     * in {@code dims} (or it declares no shape and one is given): {@code batch} replaces that
     * dimension, in a given shape too, and sets its symbol wherever else it appears (a state input
     * {@code [2, batch, 128]}). Inputs that are not batched keep their sizes (a fixed {@code [1]}
     * scale beside a batched image). A model with no batched input has a fixed batch: only a batch
     * equal to its leading dimension can be measured. Everything else is resolved by
     * {@link InputDims#resolve} with no fallback, so nothing is invented.
     *
     * @param model  the model's name for messages (zoo name or file name)
     * @param inputs the model's inputs, see {@link #declared}
     * @param batch  the batch size, >= 1
     * @throws EdgeperfException USER_ERROR, one line naming the model and the input: a fixed-batch model
     *         asked for another batch (naming the fixed size), or anything {@link InputDims#resolve}
     *         refuses (unknown input or symbol, a shape that contradicts the model, an unset dimension)
     */
    public Map<String, long[]> resolve(String model, List<InputDims.Declared> inputs, long batch) {
        Objects.requireNonNull(model, "model is null");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        Map<String, long[]> given = new LinkedHashMap<>(shapes); // names the model lacks stay, for resolve's error
        Map<String, Long> symbols = new LinkedHashMap<>(dims);
        Set<String> leading = leadingGiven(inputs);
        Set<String> sized = sizedSymbols(inputs, leading);
        boolean anyBatched = false;
        for (InputDims.Declared in : inputs) {
            long[] g = shapes.get(in.name());
            boolean batched = batched(in, sized);
            if (batched) {
                anyBatched = true;
                if (g != null) {
                    long[] copy = g.clone();
                    copy[0] = batch;
                    given.put(in.name(), copy);
                }
                if (in.sizes() != null && in.symbol(0) != null) {
                    symbols.putIfAbsent(in.symbol(0), batch);
                }
            }
        }
        if (!anyBatched) {
            refuseFixedBatch(model, inputs, batch);
        }
        // the batch symbol further in a given shape (state [2, batch, 128] given as 2x1x128) follows the batch too
        for (InputDims.Declared in : inputs) {
            long[] g = given.get(in.name());
            if (g == null || in.sizes() == null || g.length != in.sizes().length) {
                continue;
            }
            for (int i = 1; i < g.length; i++) {
                String symbol = in.symbol(i);
                if (symbol != null && leading.contains(symbol) && Long.valueOf(batch).equals(symbols.get(symbol))
                        && !dims.containsKey(symbol)) {
                    g = g == shapes.get(in.name()) ? g.clone() : g;
                    g[i] = batch;
                    given.put(in.name(), g);
                }
            }
        }
        // the batch symbols travel as dims, so an input holding one further in is sized whatever its order
        Map<String, long[]> resolved = InputDims.resolve(model, inputs, batch, given, symbols, 0);
        if (!anyBatched) {
            for (InputDims.Declared in : inputs) {
                long[] shape = resolved.get(in.name());
                if (shape.length > 0 && shape[0] != batch) {
                    String symbol = in.sizes() != null ? in.symbol(0) : null;
                    throw EdgeperfException.userError("model " + model + ": input '" + in.name()
                            + "' has its leading dimension" + (symbol != null ? " '" + symbol + "'" : "") + " set to "
                            + shape[0] + (symbol == null ? "" : dims.containsKey(symbol) ? " by dim " + symbol
                            : " by the given shapes")
                            + ", so batch " + batch + " cannot be measured; leave the batch dimension to the"
                            + " batch sizes");
                }
            }
        }
        return resolved;
    }

    /** A model nothing batches: a batch other than its fixed leading dimension is refused. */
    private static void refuseFixedBatch(String model, List<InputDims.Declared> inputs, long batch) {
        String refusal = fixedBatchRefusal(model, inputs, batch);
        if (refusal != null) {
            throw EdgeperfException.userError(refusal);
        }
    }

    /**
     * Whether these sizes leave any input of the model batched (see {@link #resolve}); a model without one
     * has a fixed batch.
     */
    public boolean batchesAny(List<InputDims.Declared> inputs) {
        Set<String> sized = sizedSymbols(inputs, leadingGiven(inputs));
        return inputs.stream().anyMatch(in -> batched(in, sized));
    }

    // the symbol leading an input whose full shape is given (its leading size is the batch one): a state
    // [2, batch, 128] given as 2x1x128 beside an input [batch, sequence] given as 1x512 follows the batch
    private Set<String> leadingGiven(List<InputDims.Declared> inputs) {
        Set<String> leading = new HashSet<>();
        for (InputDims.Declared in : inputs) {
            if (in.sizes() != null && in.sizes().length > 0 && in.sizes()[0] == 0 && in.symbol(0) != null
                    && shapes.containsKey(in.name())) {
                leading.add(in.symbol(0));
            }
        }
        return leading;
    }

    // a symbol the user sized (by dim, or inside a given shape) is not the batch, wherever it leads,
    // except those in leading
    private Set<String> sizedSymbols(List<InputDims.Declared> inputs, Set<String> leading) {
        Set<String> sized = new HashSet<>(dims.keySet());
        for (InputDims.Declared in : inputs) {
            if (in.sizes() != null && shapes.containsKey(in.name())) {
                for (int i = 1; i < in.sizes().length; i++) {
                    if (in.symbol(i) != null && !leading.contains(in.symbol(i))) {
                        sized.add(in.symbol(i));
                    }
                }
            }
        }
        return sized;
    }

    private boolean batched(InputDims.Declared in, Set<String> sized) {
        return in.sizes() == null ? shapes.containsKey(in.name())
                : in.sizes().length > 0 && in.sizes()[0] == 0 && !sized.contains(in.symbols()[0]);
    }

    /**
     * Why a model nothing batches cannot be measured at {@code batch}: one line naming the model, the input and
     * its fixed size; null when {@code batch} is its fixed batch.
     */
    public static String fixedBatchRefusal(String model, List<InputDims.Declared> inputs, long batch) {
        boolean anyLeading = false;
        for (InputDims.Declared in : inputs) {
            if (in.sizes() != null && in.sizes().length > 0 && in.sizes()[0] > 0) {
                anyLeading = true;
                if (in.sizes()[0] != batch) {
                    return "model " + model + ": input '" + in.name()
                            + "' has a fixed batch dimension of " + in.sizes()[0] + " (" + in.describe()
                            + "), so batch " + batch + " cannot be measured; measure batch " + in.sizes()[0]
                            + ", or export the model with a symbolic leading dimension";
                }
            } else if (in.sizes() != null && in.sizes().length > 0) {
                anyLeading = true;
            }
        }
        if (!anyLeading && batch != 1) {
            return "model " + model + " has no input with a batch dimension, so batch "
                    + batch + " cannot be measured; measure batch 1";
        }
        return null;
    }

    /** Resolved shapes as results show them: {@code x=8x3x320x320 y=8x10} (a scalar input is {@code name=scalar}). */
    public static String describe(Map<String, long[]> shapes) {
        StringJoiner out = new StringJoiner(" ");
        shapes.forEach((name, shape) -> out.add(name + "=" + (shape.length == 0 ? "scalar" : ShapeText.of(shape))));
        return out.toString();
    }

    /** Shapes as {@code 1x3x48x192}. */
    public static final class ShapeText {
        private ShapeText() {
        }

        public static String of(long[] shape) {
            StringJoiner out = new StringJoiner("x");
            for (long d : shape) {
                out.add(Long.toString(d));
            }
            return out.toString();
        }
    }

    // arrays compare by content, so that two specs naming the same sizes are equal
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelInputs other) || !dims.equals(other.dims)) {
            return false;
        }
        return sameArrays(shapes, other.shapes) && sameArrays(values, other.values);
    }

    private static boolean sameArrays(Map<String, long[]> a, Map<String, long[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, long[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = dims.hashCode();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            h = 31 * h + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        for (Map.Entry<String, long[]> e : values.entrySet()) {
            h = 31 * h + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return "ModelInputs[" + describe() + "]";
    }
}
