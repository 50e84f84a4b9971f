package dev.edgeperf.agent.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.measure.MeasurementDefaults;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.LatencySummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The loops of a measurement: warm-up, single-stream compute, throughput (C threads on one session)
 * and end-to-end. Every timed span covers exactly what its latency kind names; bookkeeping (stop
 * checks, progress) happens between spans.
 */
final class TimedLoops {
    /** How often at most the progress listener hears from a timed loop, nanoseconds. */
    private static final long PROGRESS_EVERY_NS = 100_000_000L;
    /** How often the throughput coordinator looks at the counters, milliseconds. */
    private static final long THROUGHPUT_POLL_MS = 10;
    /** Runs per warm-up window when warming up until stable, at least. */
    private static final int MIN_WARMUP_WINDOW = 5;

    private final LongSupplier clock;

    TimedLoops(LongSupplier nanoClock) {
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock is null");
    }

    /**
     * What a timed phase produced.
     *
     * @param wallNs  single-stream: sum of the timed spans; throughput: wall time of the phase
     */
    record Phase(Histogram histogram, long calls, long wallNs, StopReason reason) {
    }

    /** Untimed warm-up; returns the number of runs done. */
    int warmup(OrtSession session, Map<String, OnnxTensor> feed, MeasurementSettings s) throws OrtException {
        if (!s.warmupUntilStable()) {
            for (int i = 0; i < s.warmupIterations(); i++) {
                session.run(feed).close();
            }
            return s.warmupIterations();
        }
        int window = Math.max(MIN_WARMUP_WINDOW, s.warmupIterations() / 2);
        long[] times = new long[window];
        int done = 0;
        double previous = Double.NaN;
        while (done < s.maxWarmupIterations()) {
            int n = Math.min(window, s.maxWarmupIterations() - done);
            for (int i = 0; i < n; i++) {
                long a = clock.getAsLong();
                session.run(feed).close();
                times[i] = clock.getAsLong() - a;
            }
            done += n;
            double median = median(Arrays.copyOf(times, n));
            if (done >= s.warmupIterations() && isStable(previous, median)) {
                break;
            }
            previous = median;
        }
        return done;
    }

    /** True when two consecutive window medians differ by less than the stability tolerance. */
    static boolean isStable(double previous, double current) {
        return !Double.isNaN(previous) && previous > 0
                && Math.abs(current - previous) / previous < MeasurementDefaults.WARMUP_STABLE_TOLERANCE;
    }

    private static double median(long[] v) {
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    /** Times each {@code session.run} alone, inputs prepared, result released outside the span. */
    Phase singleStream(OrtSession session, Map<String, OnnxTensor> feed, StopRule rule, ProgressListener progress)
            throws OrtException {
        Histogram histogram = LatencySummary.newHistogram();
        long iterations = 0;
        long timedNs = 0;
        long start = clock.getAsLong();
        long lastReport = start;
        Optional<StopReason> reason;
        while (true) {
            long a = clock.getAsLong();
            OrtSession.Result result = session.run(feed);
            long b = clock.getAsLong();
            result.close();
            long took = Math.max(1, b - a);
            histogram.recordValue(took);
            timedNs += took;
            iterations++;
            reason = rule.check(iterations, b - start, () -> histogram);
            if (reason.isPresent()) {
                break;
            }
            if (b - lastReport >= PROGRESS_EVERY_NS) {
                progress.onProgress(iterations, (b - start) / 1_000_000);
                lastReport = b;
            }
        }
        progress.onProgress(iterations, (clock.getAsLong() - start) / 1_000_000);
        return new Phase(histogram, iterations, timedNs, reason.get());
    }

    /**
     * {@code feeds.size()} threads call {@code run} on the one shared session, each with its own
     * inputs, until the stop rule (checked every 10 ms on the calling thread over all calls) says
     * stop; every call's latency goes into one histogram.
     */
    Phase throughput(OrtSession session, List<Map<String, OnnxTensor>> feeds, StopRule rule,
                     ProgressListener progress) throws OrtException {
        ConcurrentHistogram histogram = new ConcurrentHistogram(3);
        histogram.setAutoResize(true);
        AtomicLong calls = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < feeds.size(); t++) {
            Map<String, OnnxTensor> feed = feeds.get(t);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    while (!stop.get()) {
                        long a = clock.getAsLong();
                        OrtSession.Result result = session.run(feed);
                        long b = clock.getAsLong();
                        result.close();
                        histogram.recordValue(Math.max(1, b - a));
                        calls.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                }
            }, "edgeperf-load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long start = clock.getAsLong();
        go.countDown();
        StopReason reason = null;
        try {
            while (reason == null && !stop.get()) {
                Thread.sleep(THROUGHPUT_POLL_MS);
                long elapsed = clock.getAsLong() - start;
                long n = calls.get();
                reason = rule.check(n, elapsed, histogram::copy).orElse(null);
                progress.onProgress(n, elapsed / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = StopReason.MAX_DURATION;
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                joinQuietly(t);
            }
        }
        long wall = clock.getAsLong() - start;
        Throwable f = failure.get();
        if (f instanceof OrtException e) {
            throw e;
        } else if (f instanceof RuntimeException e) {
            throw e;
        } else if (f instanceof Error e) {
            throw e;
        } else if (f != null) {
            throw new IllegalStateException(f);
        }
        Histogram all = histogram.copy();
        return new Phase(all, all.getTotalCount(), wall, reason);
    }

    /**
     * End-to-end latency: tensors created from the prepared data, run, every output read into the
     * JVM, all released; for {@code minIterations} runs and at least {@code budgetNs}, at most
     * {@code capNs}.
     */
    Histogram endToEnd(OrtSession session, InputTensors inputs, int minIterations, long budgetNs, long capNs)
            throws OrtException {
        Histogram histogram = LatencySummary.newHistogram();
        long start = clock.getAsLong();
        long sink = 0;
        for (long i = 1; ; i++) {
            long a = clock.getAsLong();
            Map<String, OnnxTensor> fresh = inputs.fresh();
            try (OrtSession.Result result = session.run(fresh)) {
                for (Map.Entry<String, OnnxValue> out : result) {
                    sink += read(out.getValue());
                }
            } finally {
                fresh.values().forEach(OnnxTensor::close);
            }
            long b = clock.getAsLong();
            histogram.recordValue(Math.max(1, b - a));
            long elapsed = b - start;
            if ((i >= minIterations && elapsed >= budgetNs) || elapsed >= capNs) {
                break;
            }
        }
        if (sink == Long.MIN_VALUE) {
            histogram.reset(); // never true; keeps the output reads observable
        }
        return histogram;
    }

    private static long read(OnnxValue value) throws OrtException {
        if (value instanceof OnnxTensor t) {
            return t.getByteBuffer().remaining();
        }
        return Objects.hashCode(value.getValue());
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
