package dev.edgeperf.core.onnx;

/**
 * Evaluates elementwise integer arithmetic on small constant tensors, so that shape computations
 * exported as subgraphs (Shape -> Gather -> Mul -> Concat -> Reshape, as PyTorch emits them)
 * resolve to concrete shapes.
 */
final class ConstantFolding {
    private ConstantFolding() {
    }

    /** The output of a broadcasting op with its values when all inputs are small int constants. */
    static TensorInfo elementwise(NodeContext c, long[] shape, int type) {
        if (shape == null || Tensors.elementCount(shape) > Tensors.SMALL_TENSOR_ELEMENTS) {
            return TensorInfo.of(shape, type);
        }
        int n = c.inputCount();
        long[][] values = new long[n][];
        for (int i = 0; i < n; i++) {
            values[i] = c.ints(i);
            if (values[i] == null) {
                return TensorInfo.of(shape, type);
            }
        }
        int size = (int) Tensors.elementCount(shape);
        long[] out = new long[size];
        for (int k = 0; k < size; k++) {
            long[] args = new long[n];
            for (int i = 0; i < n; i++) {
                args[i] = values[i][broadcastIndex(k, shape, c.shape(i))];
            }
            Long r = apply(c.op(), args);
            if (r == null) {
                return TensorInfo.of(shape, type);
            }
            out[k] = r;
        }
        return TensorInfo.ofInts(shape, type, out);
    }

    private static Long apply(String op, long[] a) {
        switch (op) {
            case "Add": return a[0] + a[1];
            case "Sub": return a[0] - a[1];
            case "Mul": return a[0] * a[1];
            case "Div": return a[1] == 0 ? null : a[0] / a[1];
            case "Mod": return a[1] == 0 ? null : Math.floorMod(a[0], a[1]);
            case "Max": {
                long m = a[0];
                for (long v : a) {
                    m = Math.max(m, v);
                }
                return m;
            }
            case "Min": {
                long m = a[0];
                for (long v : a) {
                    m = Math.min(m, v);
                }
                return m;
            }
            case "Equal": return a[0] == a[1] ? 1L : 0L;
            case "Less": return a[0] < a[1] ? 1L : 0L;
            case "Greater": return a[0] > a[1] ? 1L : 0L;
            case "LessOrEqual": return a[0] <= a[1] ? 1L : 0L;
            case "GreaterOrEqual": return a[0] >= a[1] ? 1L : 0L;
            case "And": return a[0] != 0 && a[1] != 0 ? 1L : 0L;
            case "Or": return a[0] != 0 || a[1] != 0 ? 1L : 0L;
            case "Xor": return (a[0] != 0) != (a[1] != 0) ? 1L : 0L;
            case "Where": return a[0] != 0 ? a[1] : a[2];
            default: return null;
        }
    }

    /** Flat index into an input of shape {@code in} for flat output index k of shape {@code out}. */
    static int broadcastIndex(int k, long[] out, long[] in) {
        int index = 0;
        int stride = 1;
        int rem = k;
        for (int d = out.length - 1; d >= 0; d--) {
            int coord = (int) (rem % out[d]);
            rem /= (int) out[d];
            int id = d - (out.length - in.length);
            if (id >= 0) {
                if (in[id] != 1) {
                    index += coord * stride;
                }
                stride *= (int) in[id];
            }
        }
        return index;
    }
}
