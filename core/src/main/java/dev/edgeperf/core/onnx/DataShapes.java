package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.CheckedMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape rules of the data-movement and shape ops (Reshape, Transpose, Concat, Slice, Gather …).
 * Where an op's result is a small integer tensor computed from constants (Shape, Gather on a
 * shape, Concat of dims …) its values are carried along so later Reshape/Expand/Slice resolve.
 */
final class DataShapes {
    private DataShapes() {
    }

    static TensorInfo[] infer(NodeContext c) {
        long[] x = c.shape(0);
        int t = c.type(0);
        switch (c.op()) {
            case "Shape": {
                if (x == null) {
                    return one(null, DataType.INT64_VALUE);
                }
                int r = x.length;
                int start = (int) clampAxis(c.attr("start", 0), r);
                int end = (int) clampAxis(c.attr("end", r), r);
                long[] v = Arrays.copyOfRange(x, start, Math.max(start, end));
                return ints(new long[] {v.length}, DataType.INT64_VALUE, v);
            }
            case "Size":
                return x == null ? one(new long[0], DataType.INT64_VALUE)
                        : ints(new long[0], DataType.INT64_VALUE, new long[] {Tensors.elementCount(x)});
            case "Cast": {
                int to = (int) c.attr("to", 1);
                long[] v = Tensors.isInteger(to) ? c.ints(0) : null;
                return ints(x, to, v);
            }
            case "CastLike":
                return ints(x, c.type(1), Tensors.isInteger(c.type(1)) ? c.ints(0) : null);
            case "Reshape":
                return ints(reshape(x, c.ints(1), c.attr("allowzero", 0) != 0), t, c.ints(0));
            case "Flatten": {
                if (x == null) {
                    return one(null, t);
                }
                long a = c.attr("axis", 1) < 0 ? c.attr("axis", 1) + x.length : c.attr("axis", 1);
                if (a < 0 || a > x.length) {
                    throw new IllegalArgumentException("Flatten axis " + c.attr("axis", 1) + " out of range");
                }
                int axis = (int) a;
                long outer = Tensors.elementCount(Arrays.copyOfRange(x, 0, axis));
                return one(new long[] {outer, Tensors.elementCount(x) / Math.max(outer, 1)}, t);
            }
            case "Transpose": {
                if (x == null) {
                    return one(null, t);
                }
                long[] perm = c.attrs("perm");
                long[] out = new long[x.length];
                for (int i = 0; i < x.length; i++) {
                    out[i] = x[perm == null ? x.length - 1 - i : (int) perm[i]];
                }
                return one(out, t);
            }
            case "Squeeze":
                return ints(squeeze(x, c.hasAttr("axes") ? c.attrs("axes") : c.present(1) ? c.ints(1) : new long[0],
                        c.present(1) && c.ints(1) == null), t, c.ints(0));
            case "Unsqueeze":
                return ints(unsqueeze(x, c.hasAttr("axes") ? c.attrs("axes") : c.ints(1)), t, c.ints(0));
            case "Concat":
                return concat(c);
            case "Split":
                return split(c);
            case "Slice":
                return IndexingShapes.slice(c);
            case "Gather":
                return IndexingShapes.gather(c);
            case "GatherElements":
                return one(c.shape(1), t);
            case "ScatterND":
            case "ScatterElements":
            case "Scatter":
                return one(x, t);
            case "GatherND":
                return one(IndexingShapes.gatherNd(x, c.shape(1), (int) c.attr("batch_dims", 0)), t);
            case "ConstantOfShape": {
                long[] shape = c.ints(0);
                TensorProto value = Attributes.getTensor(c.node, "value");
                int type = value == null ? DataType.FLOAT_VALUE : value.getDataType();
                long[] v = null;
                if (shape != null && value != null && Tensors.isInteger(type)
                        && Tensors.elementCount(shape) <= Tensors.SMALL_TENSOR_ELEMENTS) {
                    long[] fill = Tensors.intValues(value);
                    v = new long[(int) Tensors.elementCount(shape)];
                    Arrays.fill(v, fill == null || fill.length == 0 ? 0 : fill[0]);
                }
                return ints(shape, type, v);
            }
            case "Expand": {
                long[] target = c.ints(1);
                return one(target == null ? null : Shapes.broadcast(x, target), t);
            }
            case "Tile": {
                long[] reps = c.ints(1);
                if (x == null || reps == null) {
                    return one(null, t);
                }
                long[] out = x.clone();
                for (int i = 0; i < out.length; i++) {
                    out[i] = CheckedMath.multiply(out[i], reps[i], "a Tile output dimension");
                }
                return one(out, t);
            }
            case "Pad":
                return one(pad(x, c.hasAttr("pads") ? c.attrs("pads") : c.ints(1), c.present(3) ? c.ints(3) : null), t);
            case "Resize":
            case "Upsample":
                return one(resize(c, x), t);
            case "Range": {
                long[] s = c.ints(0);
                long[] l = c.ints(1);
                long[] d = c.ints(2);
                if (s == null || l == null || d == null || d[0] == 0) {
                    return one(null, t);
                }
                long n = Math.max(0, ComputeShapes.ceilDiv(l[0] - s[0], d[0]));
                long[] v = null;
                if (n <= Tensors.SMALL_TENSOR_ELEMENTS) {
                    v = new long[(int) n];
                    for (int i = 0; i < n; i++) {
                        v[i] = s[0] + i * d[0];
                    }
                }
                return ints(new long[] {n}, t, v);
            }
            case "DepthToSpace":
            case "SpaceToDepth": {
                if (x == null) {
                    return one(null, t);
                }
                long b = c.attr("blocksize", 1);
                boolean up = c.op().equals("DepthToSpace");
                long bb = CheckedMath.multiply(b, b, "a DepthToSpace block");
                String what = "a " + c.op() + " output dimension";
                return one(up ? new long[] {x[0], x[1] / bb, CheckedMath.multiply(x[2], b, what),
                    CheckedMath.multiply(x[3], b, what)}
                        : new long[] {x[0], CheckedMath.multiply(x[1], bb, what), x[2] / b, x[3] / b}, t);
            }
            case "OneHot": {
                long[] depth = c.ints(1);
                long[] idx = c.shape(0);
                if (depth == null || idx == null) {
                    return one(null, c.type(2));
                }
                int axis = (int) (c.attr("axis", -1) < 0 ? c.attr("axis", -1) + idx.length + 1 : c.attr("axis", -1));
                long[] out = new long[idx.length + 1];
                for (int i = 0, k = 0; i < out.length; i++) {
                    out[i] = i == axis ? depth[0] : idx[k++];
                }
                return one(out, c.type(2));
            }
            case "TopK": {
                long[] k = c.ints(1);
                if (x == null || k == null) {
                    return new TensorInfo[] {null, null};
                }
                long[] out = x.clone();
                out[(int) Shapes.axis(c.attr("axis", -1), x.length)] = k[0];
                return new TensorInfo[] {TensorInfo.of(out, t), TensorInfo.of(out, DataType.INT64_VALUE)};
            }
            case "EyeLike":
                return one(x, c.hasAttr("dtype") ? (int) c.attr("dtype", 1) : t);
            default:
                return null;
        }
    }

    static TensorInfo[] one(long[] shape, int type) {
        return new TensorInfo[] {TensorInfo.of(shape, type)};
    }

    static TensorInfo[] ints(long[] shape, int type, long[] values) {
        return new TensorInfo[] {TensorInfo.ofInts(shape, type, values)};
    }

    private static long clampAxis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        return Math.max(0, Math.min(rank, v));
    }

    static long[] reshape(long[] x, long[] target, boolean allowZero) {
        if (x == null || target == null) {
            return null;
        }
        long[] out = target.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = x[i];
            }
            if (out[i] == -1) {
                inferred = i;
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            out[inferred] = known == 0 ? 0 : Tensors.elementCount(x) / known;
        }
        if (Tensors.elementCount(out) != Tensors.elementCount(x)) {
            throw new IllegalArgumentException("Reshape " + Arrays.toString(x) + " -> " + Arrays.toString(target));
        }
        return out;
    }

    private static long[] squeeze(long[] x, long[] axes, boolean axesUnknown) {
        if (x == null || axesUnknown) {
            return null;
        }
        boolean[] drop = new boolean[x.length];
        if (axes.length == 0) {
            for (int i = 0; i < x.length; i++) {
                drop[i] = x[i] == 1;
            }
        }
        for (long a : axes) {
            drop[(int) Shapes.axis(a, x.length)] = true;
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!drop[i]) {
                out.add(x[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] unsqueeze(long[] x, long[] axes) {
        if (x == null || axes == null) {
            return null;
        }
        int rank = x.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            inserted[(int) Shapes.axis(a, rank)] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, k = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : x[k++];
        }
        return out;
    }

    private static TensorInfo[] concat(NodeContext c) {
        long[] first = c.shape(0);
        if (first == null) {
            return one(null, c.type(0));
        }
        int axis = (int) Shapes.axis(c.attr("axis", 0), first.length);
        long[] out = first.clone();
        out[axis] = 0;
        boolean allValues = true;
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < c.inputCount(); i++) {
            long[] s = c.shape(i);
            if (s == null) {
                return one(null, c.type(0));
            }
            out[axis] += s[axis];
            long[] v = c.ints(i);
            if (v == null || first.length != 1) {
                allValues = false;
            } else {
                for (long e : v) {
                    values.add(e);
                }
            }
        }
        return ints(out, c.type(0), allValues ? values.stream().mapToLong(Long::longValue).toArray() : null);
    }

    private static TensorInfo[] split(NodeContext c) {
        long[] x = c.shape(0);
        int n = c.outputCount();
        TensorInfo[] out = new TensorInfo[n];
        if (x == null) {
            return out;
        }
        int axis = (int) Shapes.axis(c.attr("axis", 0), x.length);
        long[] sizes = c.hasAttr("split") ? c.attrs("split") : c.present(1) ? c.ints(1) : null;
        if (sizes == null && c.present(1)) {
            return out;
        }
        if (sizes == null) {
            sizes = new long[n];
            long chunk = ComputeShapes.ceilDiv(x[axis], n);
            for (int i = 0; i < n; i++) {
                sizes[i] = Math.min(chunk, x[axis] - chunk * i);
            }
        }
        for (int i = 0; i < n; i++) {
            long[] s = x.clone();
            s[axis] = sizes[i];
            out[i] = TensorInfo.of(s, c.type(0));
        }
        return out;
    }



    private static long[] pad(long[] x, long[] pads, long[] axes) {
        if (x == null || pads == null) {
            return null;
        }
        long[] out = x.clone();
        int n = pads.length / 2;
        for (int i = 0; i < n; i++) {
            int axis = axes == null ? i : (int) Shapes.axis(axes[i], x.length);
            out[axis] += pads[i] + pads[i + n];
        }
        return out;
    }

    private static long[] resize(NodeContext c, long[] x) {
        if (x == null) {
            return null;
        }
        boolean upsample = c.op().equals("Upsample");
        long[] sizes = !upsample && c.present(3) ? c.ints(3) : null;
        if (sizes != null && sizes.length > 0) {
            long[] axes = c.attrs("axes");
            if (axes == null) {
                axes = new long[sizes.length];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i;
                }
            }
            long[] out = x.clone();
            String policy = c.attrString("keep_aspect_ratio_policy", "stretch");
            if (policy.equals("stretch")) {
                for (int i = 0; i < axes.length; i++) {
                    out[(int) Shapes.axis(axes[i], x.length)] = sizes[i];
                }
                return out;
            }
            // Opset 18: one scale for all resized axes, the largest that fits ("not_larger") or the
            // smallest that covers ("not_smaller"); sizes are then round(scale x input).
            double scale = policy.equals("not_larger") ? Double.MAX_VALUE : 0;
            for (int i = 0; i < axes.length; i++) {
                double r = (double) sizes[i] / x[(int) Shapes.axis(axes[i], x.length)];
                scale = policy.equals("not_larger") ? Math.min(scale, r) : Math.max(scale, r);
            }
            for (long a : axes) {
                int axis = (int) Shapes.axis(a, x.length);
                out[axis] = Math.round(scale * x[axis]);
            }
            return out;
        }
        double[] scales;
        float[] attrScales = Attributes.getFloats(c.node, "scales", null);
        if (attrScales != null) {
            scales = new double[attrScales.length];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = attrScales[i];
            }
        } else {
            int index = upsample || c.opset <= 10 ? 1 : 2;
            scales = c.present(index) ? c.floats(index) : null;
        }
        if (scales == null || scales.length == 0) {
            return null;
        }
        long[] out = x.clone();
        long[] axes = c.attrs("axes");
        for (int i = 0; i < scales.length; i++) {
            int axis = axes == null ? i : (int) Shapes.axis(axes[i], x.length);
            out[axis] = (long) Math.floor(x[axis] * scales[i]);
        }
        return out;
    }
}
