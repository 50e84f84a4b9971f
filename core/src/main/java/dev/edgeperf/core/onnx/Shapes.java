package dev.edgeperf.core.onnx;

import java.util.Arrays;

/** Shape arithmetic shared by the rules: numpy broadcasting, MatMul, axis normalization. */
final class Shapes {
    private Shapes() {
    }

    /** Numpy-style broadcast of two shapes; null when either is unknown. */
    static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.length ? 1 : a[i - (n - a.length)];
            long db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Numpy matmul shape: 1-D operands are promoted and the promoted dim removed afterwards. */
    static long[] matmul(long[] a, long[] b) {
        if (a == null || b == null || a.length == 0 || b.length == 0) {
            return null;
        }
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        if (a2[a2.length - 1] != b2[b2.length - 2]) {
            throw new IllegalArgumentException("MatMul inner dims differ: " + Arrays.toString(a) + " x "
                    + Arrays.toString(b));
        }
        long[] batch = broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        long[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = a2[a2.length - 2];
        out[batch.length + 1] = b2[b2.length - 1];
        if (a.length == 1) {
            out = remove(out, out.length - 2);
        }
        if (b.length == 1) {
            out = remove(out, out.length - 1);
        }
        return out;
    }

    static long[] remove(long[] s, int index) {
        long[] out = new long[s.length - 1];
        System.arraycopy(s, 0, out, 0, index);
        System.arraycopy(s, index + 1, out, index, s.length - index - 1);
        return out;
    }

    /** A possibly negative axis mapped into [0, rank). */
    static long axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }
}
