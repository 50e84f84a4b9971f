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
 * @param dims   sizes by symbol name
 */
public record ModelInputs(Map<String, long[]> shapes, Map<String, Long> dims) {
    private static final ModelInputs NONE = new ModelInputs(Map.of(), Map.of());

    public ModelInputs {
        Objects.requireNonNull(shapes, "shapes is null");
        Objects.requireNonNull(dims, "dims is null");
        Map<String, long[]> copy = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            if (name == null || name.isBlank() || shape == null || shape.length == 0
                    || Arrays.stream(shape).anyMatch(d -> d < 1)) {
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
        return shapes.isEmpty() && dims.isEmpty();
    }

    /** {@code x=1x3x48x192 sequence=128}, or {@code ""} when nothing was given. */
    public String describe() {
        StringJoiner out = new StringJoiner(" ");
        shapes.forEach((name, shape) -> out.add(name + "=" + ShapeText.of(shape)));
        dims.forEach((name, size) -> out.add(name + "=" + size));
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
     * The concrete shape of every input of a model at one batch size, in declaration order. An input
     * is <b>batched</b> when its declared leading dimension is open (or it declares no shape and one is
     * given): {@code batch} replaces that dimension, in a given shape too. Everything else is resolved
     * by {@link InputDims#resolve} with no fallback, so nothing is invented.
     *
     * @param model  the model's name for messages (zoo name or file name)
     * @param inputs the model's inputs, see {@link #declared}
     * @param batch  the batch size, >= 1
     * @throws EdgeperfException USER_ERROR, one line naming the model and the input: a fixed leading
     *         dimension other than {@code batch}; a {@code dims} entry naming a batch dimension; a model
     *         with nothing to batch and {@code batch > 1}; or anything {@link InputDims#resolve} refuses
     *         (unknown input or symbol, a shape that contradicts the model, an unset dimension)
     */
    public Map<String, long[]> resolve(String model, List<InputDims.Declared> inputs, long batch) {
        Objects.requireNonNull(model, "model is null");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        Map<String, long[]> given = new LinkedHashMap<>(shapes); // names the model lacks stay, for resolve's error
        Map<String, InputDims.Declared> batched = new LinkedHashMap<>();
        Map<String, String> batchSymbols = new LinkedHashMap<>();
        boolean anyLeading = false;
        for (InputDims.Declared in : inputs) {
            long[] g = shapes.get(in.name());
            boolean isBatched;
            if (in.sizes() == null) {
                isBatched = g != null;
            } else if (in.sizes().length == 0) {
                isBatched = false;
            } else if (in.sizes()[0] > 0) {
                anyLeading = true;
                isBatched = false;
                if (in.sizes()[0] != batch) {
                    throw EdgeperfException.userError("model " + model + ": input '" + in.name()
                            + "' has a fixed batch dimension of " + in.sizes()[0] + " (" + in.describe()
                            + "), so batch " + batch + " cannot be measured; measure batch " + in.sizes()[0]
                            + ", or export the model with a symbolic leading dimension");
                }
            } else {
                isBatched = true;
                if (in.symbol(0) != null) {
                    batchSymbols.putIfAbsent(in.symbol(0), in.name());
                }
            }
            if (isBatched) {
                anyLeading = true;
                batched.put(in.name(), in);
                if (g != null) {
                    long[] copy = g.clone();
                    copy[0] = batch;
                    given.put(in.name(), copy);
                }
            }
        }
        if (!anyLeading && batch != 1) {
            throw EdgeperfException.userError("model " + model + " has no input with a batch dimension, so batch "
                    + batch + " cannot be measured; measure batch 1");
        }
        for (String symbol : dims.keySet()) {
            if (batchSymbols.containsKey(symbol)) {
                String input = batchSymbols.get(symbol);
                throw EdgeperfException.userError("model " + model + ": dim '" + symbol + "' is the batch dimension of"
                        + " input '" + input + "' " + batched.get(input).describe()
                        + "; the batch sizes set it, not a dim");
            }
        }
        Map<String, long[]> resolved = InputDims.resolve("model " + model, inputs, batch, given, dims, 0);
        for (InputDims.Declared in : batched.values()) {
            long lead = resolved.get(in.name())[0];
            if (lead != batch) {
                throw EdgeperfException.userError("model " + model + ": input '" + in.name() + "' " + in.describe()
                        + " has batch dimension '" + in.symbol(0) + "', which the given shapes set to " + lead
                        + "; it must follow the batch size (" + batch + ")");
            }
        }
        return resolved;
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
        if (!(o instanceof ModelInputs other) || !dims.equals(other.dims) || shapes.size() != other.shapes.size()) {
            return false;
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.shapes.get(e.getKey()))) {
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
        return h;
    }

    @Override
    public String toString() {
        return "ModelInputs[" + describe() + "]";
    }
}
