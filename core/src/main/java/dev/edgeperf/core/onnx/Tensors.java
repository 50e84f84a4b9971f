package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.EdgeperfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sizes, values and construction of ONNX tensors. Shape inference and profiling only measure large
 * weight tensors (element counts from their dims) and decode small ones; the variant transforms
 * read and write whole weight tensors ({@link #floats}, {@link #floatTensor} …, little-endian
 * raw_data).
 */
public final class Tensors {
    /** Integer/float tensors up to this many elements have their values decoded for shape inference. */
    public static final int SMALL_TENSOR_ELEMENTS = 4096;

    private Tensors() {
    }

    /**
     * Product of dims; 1 for a scalar (no dims).
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR when the product overflows a long
     */
    public static long elementCount(TensorProto tensor) {
        try {
            return CheckedMath.elements(dims(tensor));
        } catch (EdgeperfException e) {
            throw CheckedMath.overflow("the element count of tensor '" + tensor.getName() + "' with dims "
                    + tensor.getDimsList());
        }
    }

    /**
     * Product of a shape's dims; 1 for a scalar.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR when the product overflows a long
     */
    public static long elementCount(long[] shape) {
        return CheckedMath.elements(shape);
    }

    public static long[] dims(TensorProto tensor) {
        long[] dims = new long[tensor.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = tensor.getDims(i);
        }
        return dims;
    }

    /**
     * Bytes per element of an ONNX data type (TensorProto.DataType number); sub-byte types (int4)
     * count as 1 and strings as 0, since neither has a fixed size.
     */
    public static int bytesPerElement(int dataType) {
        switch (dataType) {
            case DataType.FLOAT_VALUE:
            case DataType.INT32_VALUE:
            case DataType.UINT32_VALUE:
                return 4;
            case DataType.DOUBLE_VALUE:
            case DataType.INT64_VALUE:
            case DataType.UINT64_VALUE:
            case DataType.COMPLEX64_VALUE:
                return 8;
            case DataType.COMPLEX128_VALUE:
                return 16;
            case DataType.FLOAT16_VALUE:
            case DataType.BFLOAT16_VALUE:
            case DataType.INT16_VALUE:
            case DataType.UINT16_VALUE:
                return 2;
            case DataType.STRING_VALUE:
            case DataType.UNDEFINED_VALUE:
                return 0;
            default:
                return 1; // uint8, int8, bool, float8 variants, int4/uint4
        }
    }

    public static boolean isInteger(int dataType) {
        switch (dataType) {
            case DataType.INT8_VALUE:
            case DataType.UINT8_VALUE:
            case DataType.INT16_VALUE:
            case DataType.UINT16_VALUE:
            case DataType.INT32_VALUE:
            case DataType.UINT32_VALUE:
            case DataType.INT64_VALUE:
            case DataType.UINT64_VALUE:
            case DataType.BOOL_VALUE:
                return true;
            default:
                return false;
        }
    }

    public static boolean isFloat(int dataType) {
        return dataType == DataType.FLOAT_VALUE || dataType == DataType.DOUBLE_VALUE
                || dataType == DataType.FLOAT16_VALUE || dataType == DataType.BFLOAT16_VALUE;
    }

    /** At most {@link #SMALL_TENSOR_ELEMENTS} elements, and dims that describe a real tensor (none negative). */
    private static boolean isSmall(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                return false;
            }
            n *= Math.min(d, SMALL_TENSOR_ELEMENTS + 1L);
            if (n > SMALL_TENSOR_ELEMENTS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Integer values of a small integer tensor (int8..int64, uint8..uint32, bool), or null when the
     * tensor is not integer, too large, or its data lives outside the file.
     */
    public static long[] intValues(TensorProto t) {
        int type = t.getDataType();
        if (!isInteger(type) || !isSmall(t)) {
            return null;
        }
        int n = (int) elementCount(t);
        long[] out = new long[n];
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int size = bytesPerElement(type);
            if (b.remaining() < (long) n * size) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                switch (type) {
                    case DataType.INT64_VALUE, DataType.UINT64_VALUE -> out[i] = b.getLong();
                    case DataType.INT32_VALUE -> out[i] = b.getInt();
                    case DataType.UINT32_VALUE -> out[i] = b.getInt() & 0xffffffffL;
                    case DataType.INT16_VALUE -> out[i] = b.getShort();
                    case DataType.UINT16_VALUE -> out[i] = b.getShort() & 0xffff;
                    case DataType.INT8_VALUE -> out[i] = b.get();
                    default -> out[i] = b.get() & 0xff;
                }
            }
            return out;
        }
        if (type == DataType.INT64_VALUE) {
            if (t.getInt64DataCount() != n) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt64Data(i);
            }
        } else if (type == DataType.UINT64_VALUE || type == DataType.UINT32_VALUE) {
            if (t.getUint64DataCount() != n) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                out[i] = t.getUint64Data(i);
            }
        } else {
            if (t.getInt32DataCount() != n) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt32Data(i);
            }
        }
        return out;
    }

    /** Values of a small float/double tensor, or null when not float, too large or external. */
    public static double[] floatValues(TensorProto t) {
        int type = t.getDataType();
        if ((type != DataType.FLOAT_VALUE && type != DataType.DOUBLE_VALUE) || !isSmall(t)) {
            return null;
        }
        int n = (int) elementCount(t);
        double[] out = new double[n];
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < (long) n * bytesPerElement(type)) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                out[i] = type == DataType.FLOAT_VALUE ? b.getFloat() : b.getDouble();
            }
        } else if (type == DataType.FLOAT_VALUE && t.getFloatDataCount() == n) {
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        } else if (type == DataType.DOUBLE_VALUE && t.getDoubleDataCount() == n) {
            for (int i = 0; i < n; i++) {
                out[i] = t.getDoubleData(i);
            }
        } else {
            return null;
        }
        return out;
    }

    /**
     * The tensor a Constant node produces, from whichever value attribute it carries
     * ({@code value}, {@code value_float(s)}, {@code value_int(s)}); null for sparse or string values.
     */
    public static TensorProto constantValue(NodeProto constant) {
        for (AttributeProto a : constant.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.getT();
                case "value_float":
                    return TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addFloatData(a.getF()).build();
                case "value_floats":
                    return TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE)
                            .addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
                case "value_int":
                    return TensorProto.newBuilder().setDataType(DataType.INT64_VALUE).addInt64Data(a.getI()).build();
                case "value_ints":
                    return TensorProto.newBuilder().setDataType(DataType.INT64_VALUE)
                            .addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build();
                default:
                    break;
            }
        }
        return null;
    }

    /** A little-endian int64 tensor, for building small shape constants. */
    public static TensorProto int64Tensor(String name, long[] dims, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** Whether an initializer holds FLOAT (fp32) values. */
    public static boolean isFloat(TensorProto t) {
        return t.getDataType() == DataType.FLOAT_VALUE;
    }

    /**
     * All values of a FLOAT tensor, from raw_data or float_data (weights that a transform rewrites;
     * unlike {@link #floatValues} this copies tensors of any size).
     *
     * @throws EdgeperfException USER_ERROR when the tensor is not FLOAT, lives in external data, is
     *         too large for one Java array or holds fewer values than its dims say
     */
    public static float[] floats(TensorProto t) {
        if (!isFloat(t)) {
            throw EdgeperfException.userError("initializer '" + t.getName() + "' has data type " + t.getDataType()
                    + "; expected FLOAT (1)");
        }
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw EdgeperfException.userError("initializer '" + t.getName()
                    + "' uses external data; expected weights stored inside the .onnx file");
        }
        int n = arrayLength(t);
        float[] out = new float[n];
        if (!t.getRawData().isEmpty()) {
            checkStored(t, t.getRawData().size() / 4L, n);
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else {
            checkStored(t, t.getFloatDataCount(), n);
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** All values of an INT64 or INT32 tensor, from raw_data or the typed field. */
    public static long[] longs(TensorProto t) {
        int n = arrayLength(t);
        long[] out = new long[n];
        boolean int64 = t.getDataType() == DataType.INT64_VALUE;
        if (!t.getRawData().isEmpty()) {
            checkStored(t, t.getRawData().size() / (int64 ? 8L : 4L), n);
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (int64) {
                b.asLongBuffer().get(out);
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
        } else if (int64) {
            checkStored(t, t.getInt64DataCount(), n);
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt64Data(i);
            }
        } else {
            checkStored(t, t.getInt32DataCount(), n);
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt32Data(i);
            }
        }
        return out;
    }

    private static int arrayLength(TensorProto t) {
        long n = elementCount(t);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw EdgeperfException.userError("tensor '" + t.getName() + "' with dims " + t.getDimsList() + " has "
                    + n + " elements; expected at most " + (Integer.MAX_VALUE - 8) + " to rewrite it");
        }
        return (int) n;
    }

    private static void checkStored(TensorProto t, long stored, int expected) {
        if (stored < expected) {
            throw EdgeperfException.userError("tensor '" + t.getName() + "' with dims " + t.getDimsList()
                    + " stores " + stored + " values; expected " + expected);
        }
    }

    /** A little-endian FLOAT tensor (raw_data). */
    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return raw(name, DataType.FLOAT, dims, b.array());
    }

    /** A little-endian INT32 tensor (raw_data). */
    public static TensorProto int32Tensor(String name, long[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return raw(name, DataType.INT32, dims, b.array());
    }

    /** INT8 or UINT8 tensor from bytes (two's complement for INT8). */
    public static TensorProto byteTensor(String name, DataType type, long[] dims, byte[] values) {
        return raw(name, type, dims, values.clone());
    }

    /** A FLOAT16 tensor of the values rounded to half precision ({@link Half#fromFloat}). */
    public static TensorProto fp16Tensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Half.fromFloat(v));
        }
        return raw(name, DataType.FLOAT16, dims, b.array());
    }

    private static TensorProto raw(String name, DataType type, long[] dims, byte[] bytes) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        // The array is fresh and never written again, so the tensor may alias it.
        return t.setRawData(UnsafeByteOperations.unsafeWrap(bytes)).build();
    }
}
