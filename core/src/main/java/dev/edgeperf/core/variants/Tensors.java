package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgeperf.core.EdgeperfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reading and writing ONNX initializer tensors (little-endian raw_data). Package-private helpers. */
final class Tensors {
    private Tensors() {
    }

    static long numel(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static boolean isFloat(TensorProto t) {
        return t.getDataType() == DataType.FLOAT_VALUE;
    }

    /** The values of a FLOAT tensor, from raw_data or float_data. */
    static float[] floats(TensorProto t) {
        if (!isFloat(t)) {
            throw EdgeperfException.userError("initializer '" + t.getName() + "' has data type " + t.getDataType()
                    + "; expected FLOAT (1)");
        }
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw EdgeperfException.userError("initializer '" + t.getName()
                    + "' uses external data; expected weights stored inside the .onnx file");
        }
        int n = Math.toIntExact(numel(t));
        float[] out = new float[n];
        if (!t.getRawData().isEmpty()) {
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    static long[] longs(TensorProto t) {
        int n = Math.toIntExact(numel(t));
        long[] out = new long[n];
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (t.getDataType() == DataType.INT64_VALUE) {
                b.asLongBuffer().get(out);
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
        } else if (t.getDataType() == DataType.INT64_VALUE) {
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt64Data(i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt32Data(i);
            }
        }
        return out;
    }

    static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return raw(name, DataType.FLOAT, dims, b.array());
    }

    static TensorProto int32Tensor(String name, long[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return raw(name, DataType.INT32, dims, b.array());
    }

    static TensorProto int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return raw(name, DataType.INT64, dims, b.array());
    }

    /** INT8 or UINT8 tensor from bytes (two's complement for INT8). */
    static TensorProto byteTensor(String name, DataType type, long[] dims, byte[] values) {
        return raw(name, type, dims, values.clone());
    }

    static TensorProto fp16Tensor(String name, long[] dims, float[] values) {
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
        ByteString data = UnsafeByteOperations.unsafeWrap(bytes);
        return t.setRawData(data).build();
    }

    /** IEEE 754 binary16 conversion (Java 17 has no Float.floatToFloat16). */
    static final class Half {
        private Half() {
        }

        /** Rounds to nearest even; overflow gives ±infinity, tiny values become subnormals or zero. */
        static short fromFloat(float f) {
            int bits = Float.floatToRawIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int exp = (bits >>> 23) & 0xff;
            int mant = bits & 0x7fffff;
            if (exp == 0xff) {
                return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
            }
            int e = exp - 127 + 15;
            if (e >= 0x1f) {
                return (short) (sign | 0x7c00);
            }
            if (e <= 0) {
                if (e < -10) {
                    return (short) sign;
                }
                mant |= 0x800000;
                int shift = 14 - e;
                int half = mant >> shift;
                int rem = mant & ((1 << shift) - 1);
                int mid = 1 << (shift - 1);
                if (rem > mid || (rem == mid && (half & 1) == 1)) {
                    half++;
                }
                return (short) (sign | half);
            }
            int half = (e << 10) | (mant >> 13);
            int rem = mant & 0x1fff;
            if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
                half++; // may carry into the exponent, which is the correct rounding
            }
            return (short) (sign | half);
        }

        static float toFloat(short h) {
            int sign = (h & 0x8000) << 16;
            int exp = (h >>> 10) & 0x1f;
            int mant = h & 0x3ff;
            if (exp == 0) {
                return (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
            }
            if (exp == 0x1f) {
                return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            }
            return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
        }
    }
}
