package dev.edgeperf.core.cost;

import com.sun.management.ThreadMXBean;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Times {@link ModelProfiler} on one model.
 * Usage: {@code ProfileBenchmark <zoo-name|model.onnx> [repetitions=10] [NAME=1x128 ...]}; prints milliseconds per
 * profile (first run, then mean and best of the rest). A file is profiled as the CLI does it
 * (memory-mapped, parsing included); a zoo model from its bytes (parsing included, building not).
 */
public final class ProfileBenchmark {
    /**
     * One benchmark result.
     *
     * @param firstMs first profile in a fresh JVM (includes class loading and JIT warm-up), ms
     * @param meanMs  mean of the repetitions after the first, ms
     * @param bestMs  fastest repetition, ms
     * @param heapBytesPerProfile bytes the profiling thread allocated on the Java heap in the last
     *                repetition; -1 where the JVM cannot tell
     */
    public record Timing(String source, int nodes, long modelBytes, long totalFlops, double firstMs, double meanMs,
                         double bestMs, int repetitions, long heapBytesPerProfile) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d nodes, %,d bytes, %,d FLOPs; first %.1f ms, mean %.1f ms,"
                            + " best %.1f ms per profile over %d repetitions; %,d heap bytes allocated per profile",
                    source, nodes, modelBytes, totalFlops, firstMs, meanMs, bestMs, repetitions, heapBytesPerProfile);
        }
    }

    private ProfileBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ProfileBenchmark <zoo-name|model.onnx> [repetitions] [NAME=D0xD1x... ...]");
            System.exit(2);
        }
        String source = args[0];
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Map<String, long[]> inputs = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            inputs.put(kv[0], Arrays.stream(kv[1].split("x")).mapToLong(Long::parseLong).toArray());
        }
        Timing timing;
        if (Files.isRegularFile(Path.of(source))) {
            timing = timeFile(Path.of(source), repetitions, inputs);
        } else {
            byte[] model = ModelZoo.build(source);
            ProfileOptions options = new ProfileOptions(1, inputs, CountingConvention.SEED);
            timing = time(source, model.length, () -> ModelProfiler.profile(model, source, options), repetitions);
        }
        System.out.println(timing);
    }

    /** Times profiling a model file at batch 1 with the given input shapes, as {@code models profile} does. */
    public static Timing timeFile(Path file, int repetitions, Map<String, long[]> inputShapes) {
        ProfileOptions options = new ProfileOptions(1, inputShapes, CountingConvention.SEED);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file, e);
        }
        return time(file.toString(), size, () -> ModelProfiler.profile(file, options), repetitions);
    }

    public static Timing timeFile(Path file, int repetitions) {
        return timeFile(file, repetitions, Map.of());
    }

    private static Timing time(String source, long bytes, Supplier<ModelProfile> run, int repetitions) {
        long start = System.nanoTime();
        ModelProfile profile = run.get();
        double first = (System.nanoTime() - start) / 1e6;
        double total = 0;
        double best = first;
        long allocated = -1;
        for (int i = 0; i < repetitions; i++) {
            long before = allocatedBytes();
            long t = System.nanoTime();
            run.get();
            double ms = (System.nanoTime() - t) / 1e6;
            long after = allocatedBytes();
            allocated = before < 0 || after < 0 ? -1 : after - before;
            total += ms;
            best = Math.min(best, ms);
        }
        return new Timing(source, profile.nodes().size(), bytes, profile.totalFlops(), first,
                repetitions == 0 ? first : total / repetitions, best, repetitions, allocated);
    }

    /** Heap bytes allocated so far by this thread (HotSpot's ThreadMXBean extension), or -1. */
    static long allocatedBytes() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
            return hotspot.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
