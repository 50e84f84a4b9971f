package dev.edgeperf.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.cost.ProfileOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the ONNX reader, shape inference and the profiler with generated models
 * ({@link RandomOnnx}: random graphs of known op types, random attributes and shapes, symbolic and
 * huge dims, truncated and corrupted bytes). Every try either profiles with non-negative totals
 * that equal the sums over the nodes, or fails with an {@link EdgeperfException} whose message is
 * one line; any other exception is a failure.
 *
 * <p>CI runs a few hundred tries ({@code jqwik.tries.default} in {@code junit-platform.properties});
 * {@code scripts/fuzz.sh N} runs N (10,000 and more) with {@code -Dedgeperf.fuzz.keepGoing=true},
 * which records every failure instead of stopping at the first, and prints the counts.
 */
class ProfilerFuzzTest {
    /** With -Dedgeperf.fuzz.seedLog=FILE each try's seed is written there first, to replay a native crash. */
    private static final java.nio.file.Path SEED_LOG = System.getProperty("edgeperf.fuzz.seedLog") == null ? null
            : java.nio.file.Path.of(System.getProperty("edgeperf.fuzz.seedLog"));
    private static final boolean KEEP_GOING = Boolean.getBoolean("edgeperf.fuzz.keepGoing");
    private static final AtomicLong TRIES = new AtomicLong();
    private static final AtomicLong PROFILED = new AtomicLong();
    private static final Map<ErrorCategory, AtomicLong> ERRORS = new EnumMap<>(ErrorCategory.class);
    private static final List<String> FAILURES = new ArrayList<>();
    /** Error messages by their first words, to show which checks the tries reached. */
    private static final Map<String, AtomicLong> KINDS = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        for (ErrorCategory c : ErrorCategory.values()) {
            ERRORS.put(c, new AtomicLong());
        }
    }

    @Property(shrinking = ShrinkingMode.OFF)
    void profilingSucceedsConsistentlyOrFailsWithOneCategorizedLine(@ForAll long seed) {
        TRIES.incrementAndGet();
        String failure = tryOnce(seed);
        if (failure != null) {
            synchronized (FAILURES) {
                FAILURES.add(failure);
            }
            if (!KEEP_GOING) {
                throw new AssertionError(failure);
            }
        }
    }

    /**
     * Seeds that once failed: -2372732389630326154 (a MaxPool stride of 0 killed the JVM with SIGFPE in
     * ONNX Runtime's session creation), -2451267949 (malformed nodes made ONNX Runtime abort on a failed
     * assert), 52890 (a corrupted name put a line break into the error message), -158502 (a huge
     * Flatten axis allocated a huge array: OutOfMemoryError).
     */
    @Example
    void seedsThatOnceFailedPass() {
        for (long seed : new long[] {-2372732389630326154L, -2451267949L, 52890L, -158502L}) {
            assertThat(tryOnce(seed)).as("seed " + seed).isNull();
        }
    }

    /** Null when the try passed, else what went wrong (with the seed to replay it). */
    static String tryOnce(long seed) {
        if (SEED_LOG != null) {
            try {
                java.nio.file.Files.writeString(SEED_LOG, Long.toString(seed));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        RandomOnnx gen = new RandomOnnx(seed);
        byte[] model;
        ProfileOptions options;
        try {
            model = gen.bytes();
            CountingConvention convention = seed % 2 == 0 ? CountingConvention.SEED : CountingConvention.DETAILED;
            options = new ProfileOptions(gen.batch(), gen.inputShapes(model), convention);
        } catch (RuntimeException e) {
            return "seed " + seed + ": the generator itself failed: " + e;
        }
        try {
            ModelProfile p = ModelProfiler.profile(model, "fuzz.onnx", options);
            String inconsistent = inconsistency(p);
            if (inconsistent != null) {
                return "seed " + seed + ": " + inconsistent;
            }
            PROFILED.incrementAndGet();
            return null;
        } catch (EdgeperfException e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")
                    || e.getMessage().contains("\r")) {
                return "seed " + seed + ": " + e.category() + " message is not one line: " + e.getMessage();
            }
            ERRORS.get(e.category()).incrementAndGet();
            KINDS.computeIfAbsent(kind(e.getMessage()), k -> new AtomicLong()).incrementAndGet();
            return null;
        } catch (Throwable e) {
            String frames = java.util.Arrays.stream(e.getStackTrace())
                    .filter(f -> f.getClassName().startsWith("dev.edgeperf") && !f.getClassName().contains("fuzz"))
                    .limit(4).map(f -> f.getClassName().replace("dev.edgeperf.core.", "") + "." + f.getMethodName()
                            + ":" + f.getLineNumber())
                    .collect(java.util.stream.Collectors.joining(" < "));
            return "seed " + seed + ": " + e + " at " + frames;
        }
    }

    private static String inconsistency(ModelProfile p) {
        long macs = 0;
        long flops = 0;
        long params = 0;
        for (NodeCost n : p.nodes()) {
            if (n.macs() < 0 || n.flops() < 0 || n.params() < 0 || n.activationBytes() < 0) {
                return "node " + n.name() + " (" + n.opType() + ") has a negative count: " + n;
            }
            if (n.outputShape().stream().anyMatch(d -> d < 0)) {
                return "node " + n.name() + " has a negative output dim: " + n.outputShape();
            }
            macs += n.macs();
            flops += n.flops();
            params += n.params();
        }
        if (p.totalMacs() != macs || p.totalFlops() != flops || p.totalParams() != params) {
            return "totals (" + p.totalMacs() + " MACs, " + p.totalFlops() + " FLOPs, " + p.totalParams()
                    + " params) differ from the node sums (" + macs + ", " + flops + ", " + params + ")";
        }
        if (p.trainableParams() < 0 || p.trainableParams() > p.totalParams() || p.weightBytes() < 0
                || p.peakActivationBytes() < 0 || p.fileSizeBytes() < 0) {
            return "negative or inconsistent totals: trainable " + p.trainableParams() + " of " + p.totalParams()
                    + ", weight bytes " + p.weightBytes() + ", peak " + p.peakActivationBytes();
        }
        if (p.convention() == CountingConvention.SEED ? p.totalFlops() < 2 * 0 : p.totalFlops() < 2 * p.totalMacs()) {
            return "FLOPs " + p.totalFlops() + " below 2 x MACs " + p.totalMacs();
        }
        return null;
    }

    private static String kind(String message) {
        String m = message.replace("fuzz.onnx", "").replaceAll("'[^']*'", "'x'").replaceAll("[0-9]+", "N");
        String[] words = m.split(" ");
        return String.join(" ", java.util.Arrays.copyOf(words, Math.min(7, words.length)));
    }

    @AfterContainer
    static void report() {
        StringBuilder b = new StringBuilder("fuzz ONNX reader + shape inference + profiler: ").append(TRIES.get())
                .append(" tries: ").append(PROFILED.get()).append(" profiled, ");
        long errors = ERRORS.values().stream().mapToLong(AtomicLong::get).sum();
        b.append(errors).append(" categorized one-line errors (");
        ERRORS.forEach((c, n) -> b.append(c).append(' ').append(n.get()).append(c.ordinal() < 3 ? ", " : ""));
        b.append("), ").append(FAILURES.size()).append(" failures");
        System.out.println(b);
        if (Boolean.getBoolean("edgeperf.fuzz.kinds")) {
            KINDS.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().get(), x.getValue().get())).limit(25)
                    .forEach(e -> System.out.println("  " + e.getValue().get() + "  " + e.getKey()));
        }
        FAILURES.stream().limit(40).forEach(f -> System.out.println("  FAILURE " + f));
    }
}
