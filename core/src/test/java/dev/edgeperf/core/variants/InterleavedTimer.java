package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Compares the compute latency of several models on one machine by interleaving them: each round
 * runs every model for one block (at least {@code blockMillis} and {@link #MIN_RUNS_PER_BLOCK} runs),
 * in an order rotated from round to round, so slow drifts and bursts of load from other processes
 * hit all models alike. A model's ratio to the reference (index 0) is the median over rounds of
 * (its block median ÷ the reference's block median in the same round).
 *
 * <p>Latency is {@code compute}: {@code session.run} only, the input tensor prepared beforehand and
 * outputs closed after the clock stops.
 */
final class InterleavedTimer {
    static final int MIN_RUNS_PER_BLOCK = 2;
    static final int WARMUP_RUNS = 3;

    /**
     * @param p50Ms     median over rounds of the block medians, milliseconds per batch
     * @param ratio     median over rounds of the per-round ratio to the reference model (1 for it)
     * @param runs      timed runs in all blocks
     * @param rounds    blocks measured
     */
    record Timing(double p50Ms, double ratio, long runs, int rounds) {
    }

    private InterleavedTimer() {
    }

    /**
     * @param models      reference first; all take the same input
     * @param input       one batch, shape included
     * @param threads     intra-op threads per session
     * @param rounds      number of round-robin rounds (blocks per model)
     * @param blockMillis minimum wall time of one block, milliseconds
     * @throws EdgeperfException USER_ERROR when a model cannot be loaded or run
     */
    static List<Timing> measure(List<ModelProto> models, InputBatch input, int threads, int rounds, long blockMillis) {
        Objects.requireNonNull(input, "input is null");
        if (models.isEmpty() || rounds < 1) {
            throw new IllegalArgumentException("need at least one model and one round");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int n = models.size();
        List<OrtSession> sessions = new ArrayList<>();
        double[][] blockMedian = new double[n][rounds];
        long[] runs = new long[n];
        List<OrtFeeds> feeds = new ArrayList<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            for (ModelProto m : models) {
                sessions.add(env.createSession(m.toByteArray(), opts));
            }
            for (ModelProto m : models) {
                feeds.add(OrtFeeds.of(env, m, input));
            }
            for (int i = 0; i < n; i++) {
                for (int w = 0; w < WARMUP_RUNS; w++) {
                    sessions.get(i).run(feeds.get(i).map()).close();
                }
            }
            long blockNanos = blockMillis * 1_000_000L;
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n;
                    List<Long> times = new ArrayList<>();
                    long blockStart = System.nanoTime();
                    while (times.size() < MIN_RUNS_PER_BLOCK || System.nanoTime() - blockStart < blockNanos) {
                        long t0 = System.nanoTime();
                        OrtSession.Result res = sessions.get(i).run(feeds.get(i).map());
                        times.add(System.nanoTime() - t0);
                        res.close();
                    }
                    runs[i] += times.size();
                    blockMedian[i][r] = median(times.stream().mapToDouble(t -> t / 1e6).toArray());
                }
            }
        } catch (OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot time the variants: " + OrtRunner.oneLine(e));
        } finally {
            feeds.forEach(OrtFeeds::close);
            for (OrtSession s : sessions) {
                try {
                    s.close();
                } catch (OrtException ignored) {
                    // closing a session that ran fine does not fail in practice; nothing to recover
                }
            }
        }
        List<Timing> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = blockMedian[i][r] / blockMedian[0][r];
            }
            out.add(new Timing(median(blockMedian[i]), median(ratios), runs[i], rounds));
        }
        return out;
    }

    /** Median of the values (mean of the two middle ones for an even count); NaN when empty. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
