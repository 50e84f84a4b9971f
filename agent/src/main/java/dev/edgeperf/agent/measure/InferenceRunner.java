package dev.edgeperf.agent.measure;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.LatencySummary;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Measures one model configuration with ONNX Runtime on the CPU execution provider.
 *
 * <p>Order of events: session creation (timed as cold start), input tensors built from the session's
 * input info, first inference (timed), warm-up runs, device state read, then the timed loop: each
 * {@code session.run} is timed alone (input preparation and result release are outside the timed
 * span, so this is "compute" latency per batch) and recorded in nanoseconds into an HdrHistogram.
 */
public final class InferenceRunner {
    /** Engine name results carry. */
    public static final String ENGINE = "onnxruntime";
    /** Execution provider used. */
    public static final String EXECUTION_PROVIDER = "CPU";
    /** How often at most the progress listener hears from the timed loop, nanoseconds. */
    private static final long PROGRESS_EVERY_NS = 100_000_000L;

    /** Hears about the timed loop, at most every 100 ms, from the measuring thread. */
    @FunctionalInterface
    public interface ProgressListener {
        /** @param elapsedMs time since the timed loop started, milliseconds */
        void onProgress(long iterations, long elapsedMs);

        ProgressListener NONE = (i, e) -> { };
    }

    private final DeviceSensors sensors;
    private final int defaultThreads;
    private final LongSupplier nanoClock;

    /**
     * @param defaultThreads what ONNX Runtime uses when asked for 0 threads (its default is the
     *                       number of physical cores); reported as the threads used
     */
    public InferenceRunner(DeviceSensors sensors, int defaultThreads) {
        this(sensors, defaultThreads, System::nanoTime);
    }

    InferenceRunner(DeviceSensors sensors, int defaultThreads, LongSupplier nanoClock) {
        this.sensors = Objects.requireNonNull(sensors, "sensors is null");
        this.defaultThreads = Math.max(1, defaultThreads);
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock is null");
    }

    /** The ONNX Runtime version, e.g. "1.19.2". */
    public static String engineVersion() {
        try {
            return OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            String v = OrtEnvironment.class.getPackage().getImplementationVersion();
            return v == null ? "unknown" : v;
        }
    }

    /** Measures without progress reports. */
    public Measurement measure(MeasurementRequest request) {
        return measure(request, ProgressListener.NONE);
    }

    /**
     * Measures {@code request}.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot take the batch or its inputs cannot
     *                           be filled; EXTERNAL when ONNX Runtime fails
     */
    public Measurement measure(MeasurementRequest request, ProgressListener progress) {
        String file = request.model().getFileName().toString();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (request.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(request.intraOpThreads());
            }
            long t0 = nanoClock.getAsLong();
            try (OrtSession session = env.createSession(request.model().toString(), options)) {
                double sessionCreateMs = (nanoClock.getAsLong() - t0) / 1e6;
                try (InputTensors inputs = InputTensors.create(env, session.getInputInfo(), request.batchSize(), file)) {
                    return timedRuns(request, session, inputs, sessionCreateMs, progress);
                }
            }
        } catch (OrtException e) {
            throw EdgeperfException.external("ONNX Runtime failed on model " + file + ": " + oneLine(e), e);
        }
    }

    private Measurement timedRuns(MeasurementRequest request, OrtSession session, InputTensors inputs,
                                  double sessionCreateMs, ProgressListener progress) throws OrtException {
        MeasurementSettings s = request.settings();
        var feed = inputs.asMap();
        long f0 = nanoClock.getAsLong();
        session.run(feed).close();
        double firstInferenceMs = (nanoClock.getAsLong() - f0) / 1e6;
        for (int i = 0; i < s.warmupIterations(); i++) {
            session.run(feed).close();
        }

        DeviceState before = sensors.read();
        Histogram histogram = LatencySummary.newHistogram();
        long minNs = TimeUnit.MILLISECONDS.toNanos(s.minDurationMs());
        long maxNs = TimeUnit.MILLISECONDS.toNanos(s.maxDurationMs());
        long iterations = 0;
        long timedNs = 0;
        long start = nanoClock.getAsLong();
        long lastReport = start;
        StopReason reason;
        while (true) {
            long a = nanoClock.getAsLong();
            OrtSession.Result result = session.run(feed);
            long b = nanoClock.getAsLong();
            result.close();
            long took = Math.max(1, b - a);
            histogram.recordValue(took);
            timedNs += took;
            iterations++;
            long elapsed = b - start;
            if (iterations >= s.minIterations() && elapsed >= minNs) {
                reason = StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET;
                break;
            }
            if (elapsed >= maxNs) {
                reason = StopReason.MAX_DURATION;
                break;
            }
            if (b - lastReport >= PROGRESS_EVERY_NS) {
                progress.onProgress(iterations, elapsed / 1_000_000);
                lastReport = b;
            }
        }
        progress.onProgress(iterations, (nanoClock.getAsLong() - start) / 1_000_000);
        DeviceState after = sensors.read();

        LatencySummary latency = LatencySummary.from(histogram, TimeUnit.NANOSECONDS);
        double timedSeconds = timedNs / 1e9;
        double throughput = request.batchSize() * (double) iterations / timedSeconds;
        int threads = request.intraOpThreads() > 0 ? request.intraOpThreads() : defaultThreads;
        return new Measurement(request.batchSize(), threads, latency, throughput, timedSeconds, sessionCreateMs,
                firstInferenceMs, s.warmupIterations(), reason, ENGINE, engineVersion(), EXECUTION_PROVIDER,
                before, after, DeviceState.throttled(before, after));
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
