package dev.edgeperf.core.onnx;

import dev.edgeperf.core.CheckedMath;
import java.util.Arrays;

/**
 * What shape inference knows about one value of a graph.
 *
 * @param shape      concrete dims, or null when the shape is not known
 * @param elemType   ONNX element type number ({@code TensorProto.DataType}), 0 when unknown
 * @param intValue   the values of a small integer tensor that is a compile-time constant (shapes,
 *                   axes, indices), else null
 * @param floatValue the values of a small float constant (Resize scales), else null
 */
public record TensorInfo(long[] shape, int elemType, long[] intValue, double[] floatValue) {
    public TensorInfo {
        shape = shape == null ? null : shape.clone();
        intValue = intValue == null ? null : intValue.clone();
        floatValue = floatValue == null ? null : floatValue.clone();
    }

    public static TensorInfo of(long[] shape, int elemType) {
        return new TensorInfo(shape, elemType, null, null);
    }

    public static TensorInfo ofInts(long[] shape, int elemType, long[] values) {
        return new TensorInfo(shape, elemType, values, null);
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    /** Dim {@code i} (negative counts from the end); the shape must be known. */
    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public boolean known() {
        return shape != null;
    }

    public int rank() {
        return shape.length;
    }

    /** Elements of a known shape; 0 when unknown. Overflow is a USER_ERROR (see {@link CheckedMath}). */
    public long elements() {
        return shape == null ? 0 : Tensors.elementCount(shape);
    }

    /** Bytes of a known shape at its element type; 0 when unknown. */
    public long bytes() {
        return CheckedMath.multiply(elements(), Tensors.bytesPerElement(elemType),
                () -> "the bytes of a tensor of shape " + Arrays.toString(shape));
    }

    @Override
    public String toString() {
        return (shape == null ? "?" : Arrays.toString(shape)) + ":" + elemType
                + (intValue == null ? "" : "=" + Arrays.toString(intValue));
    }
}
