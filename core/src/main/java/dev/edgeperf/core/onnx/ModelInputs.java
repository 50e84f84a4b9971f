package dev.edgeperf.core.onnx;

import dev.edgeperf.core.EdgeperfException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
