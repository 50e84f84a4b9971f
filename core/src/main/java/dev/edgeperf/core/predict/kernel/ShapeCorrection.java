package dev.edgeperf.core.predict.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The shape-dependent part of a kernel's latency that a rate ({@link KernelRegressor}'s
 * {@code a + b x FLOPs + c x bytes}) cannot express: ONNX Runtime's conv blocks channels by 8 or 16
 * (5 channels run at a fraction of the rate 64 do), a small GEMM or a cin = 1 conv misses the vector
 * units, a fused Tanh costs per output, weights that leave the cache run at memory speed. Gradient-boosted
 * regression trees (depth {@value #DEPTH}, {@value #ROUNDS} rounds, shrinkage {@value #SHRINKAGE}) fitted
 * on log(measured / rate prediction) over the log of every feature, each channel-like feature's use of
 * an 8-wide vector, log FLOPs, log bytes and log arithmetic intensity. The factor it returns is
 * bounded by the residuals it saw, so a kernel larger than any calibrated one still extrapolates by the
 * rate, only the factor stays within the calibrated range (a tree alone would return the largest
 * calibrated time, see {@link KernelRegressor}).
 */
final class ShapeCorrection {
    static final int ROUNDS = 60;
    static final int DEPTH = 3;
    static final double SHRINKAGE = 0.15;
    /** Fewer samples per leaf than this and a leaf follows one noisy sample. */
    static final int MIN_LEAF = 4;
    /**
     * Below this many usable samples the rate alone is used: 5-fold cross-validated on the kernel samples
     * of a loaded 2-core box, the trees made conv worse with 26 samples a type (27 % -> 8 % within 10 %)
     * and better with 70-84 (21 % -> 45 % at one thread).
     */
    static final int MIN_SAMPLES = 40;
    static final ShapeCorrection NONE = new ShapeCorrection(List.of(), List.of());

    private final List<String> names;
    private final List<Node> trees;

    private ShapeCorrection(List<String> names, List<Node> trees) {
        this.names = names;
        this.trees = trees;
    }

    /** A node: a leaf when {@code left} is null. */
    private record Node(int feature, double threshold, double value, Node left, Node right) {
        double eval(double[] x) {
            Node n = this;
            while (n.left != null) {
                n = x[n.feature] <= n.threshold ? n.left : n.right;
            }
            return n.value;
        }
    }

    /**
     * Fits the trees on the samples whose time and rate prediction are both positive.
     *
     * @param rateMs the rate part's prediction of each sample, in the order of {@code data}
     */
    static ShapeCorrection fit(List<KernelSample> data, double[] rateMs) {
        List<Integer> usable = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (data.get(i).ms() > 0 && rateMs[i] > 0) {
                usable.add(i);
            }
        }
        if (usable.size() < MIN_SAMPLES) {
            return NONE;
        }
        TreeSet<String> keys = new TreeSet<>();
        data.forEach(s -> keys.addAll(s.features().keySet()));
        List<String> names = List.copyOf(keys);
        double[][] x = new double[usable.size()][];
        double[] residual = new double[usable.size()];
        for (int j = 0; j < usable.size(); j++) {
            KernelSample s = data.get(usable.get(j));
            x[j] = encode(names, s.features(), s.flops(), s.bytes());
            residual[j] = Math.log(s.ms() / rateMs[usable.get(j)]);
        }
        // each feature's row order, sorted once: a node walks it filtered by membership (no sort per node)
        int[][] order = new int[x[0].length][];
        for (int f = 0; f < order.length; f++) {
            int feature = f;
            order[f] = java.util.stream.IntStream.range(0, x.length).boxed()
                    .sorted((a, b) -> Double.compare(x[a][feature], x[b][feature])).mapToInt(Integer::intValue).toArray();
        }
        boolean[] all = new boolean[x.length];
        Arrays.fill(all, true);
        List<Node> trees = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Node tree = grow(x, residual, order, all, x.length, DEPTH);
            trees.add(tree);
            for (int j = 0; j < x.length; j++) {
                residual[j] -= SHRINKAGE * tree.eval(x[j]);
            }
        }
        return new ShapeCorrection(names, List.copyOf(trees));
    }

    /** The factor to multiply the rate prediction of a kernel with these features by; 1 without trees. */
    double factor(Map<String, Long> features, long flops, long bytes) {
        if (trees.isEmpty()) {
            return 1;
        }
        double[] x = encode(names, features, flops, bytes);
        double log = 0;
        for (Node t : trees) {
            log += SHRINKAGE * t.eval(x);
        }
        return Math.exp(log);
    }

    boolean fitted() {
        return !trees.isEmpty();
    }

    /**
     * The tree inputs: per feature log(1 + v) and v / (v rounded up to 8) and to 16 (AVX2 and AVX-512 NCHWc
     * blocks); then log FLOPs, bytes and FLOPs per byte.
     */
    static double[] encode(List<String> names, Map<String, Long> features, long flops, long bytes) {
        double[] x = new double[3 * names.size() + 3];
        for (int i = 0; i < names.size(); i++) {
            long v = Math.max(0, features.getOrDefault(names.get(i), 0L));
            x[3 * i] = Math.log1p(v);
            x[3 * i + 1] = v == 0 ? 1 : v / (8.0 * Math.ceil(v / 8.0));
            x[3 * i + 2] = v == 0 ? 1 : v / (16.0 * Math.ceil(v / 16.0));
        }
        int k = 3 * names.size();
        x[k] = Math.log1p(flops);
        x[k + 1] = Math.log1p(bytes);
        x[k + 2] = Math.log((flops + 1.0) / (bytes + 1.0));
        return x;
    }

    /** A least-squares regression tree over the rows marked in {@code in} ({@code count} of them). */
    private static Node grow(double[][] x, double[] r, int[][] order, boolean[] in, int count, int depth) {
        double sum = 0;
        for (int i = 0; i < in.length; i++) {
            sum += in[i] ? r[i] : 0;
        }
        double mean = sum / count;
        if (depth == 0 || count < 2 * MIN_LEAF) {
            return new Node(-1, 0, mean, null, null);
        }
        double bestGain = 1e-12;
        int bestFeature = -1;
        double bestThreshold = 0;
        for (int f = 0; f < order.length; f++) {
            double left = 0;
            int nl = 0;
            int previous = -1;
            for (int i : order[f]) {
                if (!in[i]) {
                    continue;
                }
                if (previous >= 0 && nl >= MIN_LEAF && count - nl >= MIN_LEAF && x[previous][f] != x[i][f]) {
                    // reduction of the squared error relative to the parent's mean
                    double gain = left * left / nl + (sum - left) * (sum - left) / (count - nl) - sum * sum / count;
                    if (gain > bestGain) {
                        bestGain = gain;
                        bestFeature = f;
                        bestThreshold = (x[previous][f] + x[i][f]) / 2;
                    }
                }
                left += r[i];
                nl++;
                previous = i;
            }
        }
        if (bestFeature < 0) {
            return new Node(-1, 0, mean, null, null);
        }
        boolean[] l = new boolean[in.length];
        boolean[] g = new boolean[in.length];
        int nl = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i]) {
                boolean goesLeft = x[i][bestFeature] <= bestThreshold;
                l[i] = goesLeft;
                g[i] = !goesLeft;
                nl += goesLeft ? 1 : 0;
            }
        }
        return new Node(bestFeature, bestThreshold, mean, grow(x, r, order, l, nl, depth - 1),
                grow(x, r, order, g, count - nl, depth - 1));
    }
}
