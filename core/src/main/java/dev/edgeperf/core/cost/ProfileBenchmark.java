package dev.edgeperf.core.cost;

import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Times {@link ModelProfiler#profile(byte[], String, ProfileOptions)} on one model.
 * Usage: {@code ProfileBenchmark <zoo-name|model.onnx> [repetitions=10]}; prints milliseconds per
 * profile (first run, then mean and best of the rest), parsing included, model building not.
 */
public final class ProfileBenchmark {
    private ProfileBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ProfileBenchmark <zoo-name|model.onnx> [repetitions]");
            System.exit(2);
        }
        String source = args[0];
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        byte[] model = Files.isRegularFile(Path.of(source)) ? OnnxModels.readBytes(Path.of(source))
                : ModelZoo.build(source);
        ProfileOptions options = new ProfileOptions(1, Map.of(), CountingConvention.SEED);
        long start = System.nanoTime();
        ModelProfile profile = ModelProfiler.profile(model, source, options);
        double first = (System.nanoTime() - start) / 1e6;
        double total = 0;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repetitions; i++) {
            long t = System.nanoTime();
            ModelProfiler.profile(model, source, options);
            double ms = (System.nanoTime() - t) / 1e6;
            total += ms;
            best = Math.min(best, ms);
        }
        System.out.printf(Locale.ROOT, "%s: %d nodes, %,d bytes, %,d FLOPs; first %.1f ms, mean %.1f ms, best %.1f ms"
                        + " per profile over %d repetitions%n", source, profile.nodes().size(), model.length,
                profile.totalFlops(), first, repetitions == 0 ? first : total / repetitions,
                repetitions == 0 ? first : best, repetitions);
    }
}
