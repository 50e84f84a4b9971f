package dev.edgeperf.core.onnx;

/** Shape rules of the indexing ops (Slice, Gather, GatherND), carrying small constant values along. */
final class IndexingShapes {
    private IndexingShapes() {
    }

    static TensorInfo[] slice(NodeContext c) {
        long[] x = c.shape(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.hasAttr("starts")) {
            starts = c.attrs("starts");
            ends = c.attrs("ends");
            axes = c.attrs("axes");
        } else {
            starts = c.ints(1);
            ends = c.ints(2);
            axes = c.present(3) ? c.ints(3) : null;
            steps = c.present(4) ? c.ints(4) : null;
            if (starts == null || ends == null || (c.present(3) && axes == null) || (c.present(4) && steps == null)) {
                return DataShapes.one(null, c.type(0));
            }
        }
        if (x == null) {
            return DataShapes.one(null, c.type(0));
        }
        long[] out = x.clone();
        long[][] ranges = new long[x.length][];
        for (int i = 0; i < starts.length; i++) {
            int axis = (int) Shapes.axis(axes == null ? i : axes[i], x.length);
            long step = steps == null ? 1 : steps[i];
            long dim = x[axis];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (step > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
                out[axis] = Math.max(0, ComputeShapes.ceilDiv(e - s, step));
            } else {
                s = Math.max(-1, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
                out[axis] = Math.max(0, ComputeShapes.ceilDiv(s - e, -step));
            }
            ranges[axis] = new long[] {s, step};
        }
        long[] v = c.ints(0);
        long[] values = null;
        if (v != null && x.length == 1) {
            long[] r = ranges[0] == null ? new long[] {0, 1} : ranges[0];
            values = new long[(int) out[0]];
            for (int i = 0; i < values.length; i++) {
                values[i] = v[(int) (r[0] + i * r[1])];
            }
        }
        return DataShapes.ints(out, c.type(0), values);
    }

    static TensorInfo[] gather(NodeContext c) {
        long[] x = c.shape(0);
        long[] idx = c.shape(1);
        if (x == null || idx == null) {
            return DataShapes.one(null, c.type(0));
        }
        int axis = (int) Shapes.axis(c.attr("axis", 0), x.length);
        long[] out = new long[x.length - 1 + idx.length];
        int k = 0;
        for (int i = 0; i < axis; i++) {
            out[k++] = x[i];
        }
        for (long d : idx) {
            out[k++] = d;
        }
        for (int i = axis + 1; i < x.length; i++) {
            out[k++] = x[i];
        }
        long[] data = c.ints(0);
        long[] indices = c.ints(1);
        long[] values = null;
        if (data != null && indices != null && x.length == 1) {
            values = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                values[i] = data[(int) (indices[i] < 0 ? indices[i] + x[0] : indices[i])];
            }
        }
        return DataShapes.ints(out, c.type(0), values);
    }

    static long[] gatherNd(long[] x, long[] idx, int batchDims) {
        if (x == null || idx == null) {
            return null;
        }
        long last = idx[idx.length - 1];
        long[] out = new long[idx.length - 1 + (int) (x.length - batchDims - last)];
        int k = 0;
        for (int i = 0; i < idx.length - 1; i++) {
            out[k++] = idx[i];
        }
        for (int i = batchDims + (int) last; i < x.length; i++) {
            out[k++] = x[i];
        }
        return out;
    }
}
