package dev.edgeperf.agent.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The reference for the harness's own cost: a bare ONNX Runtime Java loop, {@code session.run} in a
 * tight loop with {@code System.nanoTime()} around each call and nothing else, on a session created
 * with the same options as {@link InferenceRunner}'s. The result is released after the second
 * clock read, as edgeperf's compute latency does: releasing the output is ~1 us, which on a 25 us
 * model would otherwise be counted as harness cost.
 */
public final class RawOrtLoop implements AutoCloseable {
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final InputTensors inputs;
    private final Map<String, OnnxTensor> feed;

    /** Opens a session on {@code model} with inputs for {@code batch}; threads 0 = engine default. */
    public RawOrtLoop(Path model, int batch, int threads) {
        this(model, batch, threads, null);
    }

    /**
     * As {@link #RawOrtLoop(Path, int, int)}, with ONNX Runtime's profiler on when {@code profilePrefix}
     * is not null: every run is traced (and slowed by it) until {@link #endProfiling()}.
     */
    public RawOrtLoop(Path model, int batch, int threads, Path profilePrefix) {
        String file = model.getFileName().toString();
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            if (profilePrefix != null) {
                options.enableProfiling(profilePrefix.toString());
            }
            session = env.createSession(model.toString(), options);
            inputs = InputTensors.create(env, session.getInputInfo(), batch, Map.of(), Map.of(),
                    InputTensors.integerRules(model), file);
            feed = inputs.asMap();
        } catch (OrtException e) {
            throw EdgeperfException.external(InferenceRunner.MODEL_LOAD_FAILURE + file + ": "
                    + InferenceRunner.oneLine(e), e);
        }
    }

    /** Runs {@code n} times, returning each call's nanoseconds. */
    public long[] time(int n) {
        long[] ns = new long[n];
        try {
            for (int i = 0; i < n; i++) {
                long a = System.nanoTime();
                OrtSession.Result r = session.run(feed);
                ns[i] = System.nanoTime() - a;
                r.close();
            }
        } catch (OrtException e) {
            throw EdgeperfException.external("ONNX Runtime failed: " + InferenceRunner.oneLine(e), e);
        }
        return ns;
    }

    /** Stops the profiler of a session opened with a profile prefix; returns the trace file it wrote. */
    public Path endProfiling() {
        try {
            return Path.of(session.endProfiling());
        } catch (OrtException e) {
            throw EdgeperfException.external("ONNX Runtime cannot end profiling: " + InferenceRunner.oneLine(e), e);
        }
    }

    /** The median of {@code ns}, milliseconds (the mean of the two middle values for even counts). */
    public static double medianMs(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        int n = s.length;
        double mid = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        return mid / 1e6;
    }

    @Override
    public void close() {
        inputs.close();
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session we are done with cannot change a result
        }
        options.close();
    }
}
