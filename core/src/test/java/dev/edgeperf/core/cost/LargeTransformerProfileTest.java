package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.cost.fixtures.BertFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiling a large transformer file: the weights must stay out of the Java heap (the file is
 * memory-mapped and parsed with aliasing). The full BERT-base timing (about 440 MB) is a benchmark,
 * run on request: {@code mvn -o -q -pl core test -Dtest=LargeTransformerProfileTest
 * -Dedgeperf.benchmark=true}; it prints the figure.
 */
class LargeTransformerProfileTest {
    @TempDir
    Path tmp;

    private static final Map<String, long[]> INPUT = Map.of("input_ids", new long[] {1, 128});

    private static Path write(BertFixture bert, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            bert.build().model().writeTo(out);
        }
        return file;
    }

    @Test
    void a126MegabyteBertProfilesWithoutCopyingItsWeights() throws IOException {
        BertFixture bert = BertFixture.base(1);
        Path file = write(bert, tmp.resolve("bert-base-1layer.onnx"));
        long size = Files.size(file);
        assertThat(size).isGreaterThan(120_000_000L);

        ProfileBenchmark.Timing timing = ProfileBenchmark.timeFile(file, 2, INPUT);
        System.out.println(timing);

        ModelProfile p = ModelProfiler.profile(file, new ProfileOptions(1, INPUT, CountingConvention.SEED));
        assertThat(p.totalParams()).isEqualTo(bert.totalParams()).isEqualTo(31_515_648L);
        assertThat(p.fileSizeBytes()).isEqualTo(size);
        assertThat(p.totalMacs()).isEqualTo(bert.layerMacs(1, 128) + 768L * 768);
        // A copy of the weights would allocate at least the 126 MB of the file; the graph
        // structure, shapes and the small int tensors need a few MB.
        Assumptions.assumeTrue(timing.heapBytesPerProfile() >= 0, "JVM cannot measure thread allocation");
        assertThat(timing.heapBytesPerProfile()).isLessThan(size / 8);
    }

    @Test
    void bertBaseBenchmark() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("edgeperf.benchmark"), "benchmark: -Dedgeperf.benchmark=true");
        for (int layers : new int[] {2, 12}) {
            BertFixture bert = BertFixture.base(layers);
            Path file = write(bert, tmp.resolve("bert-base-" + layers + ".onnx"));
            ProfileBenchmark.Timing timing = ProfileBenchmark.timeFile(file, 5, INPUT);
            System.out.println("BERT-base, " + layers + " layers, " + bert.totalParams() + " params: " + timing);
            Files.delete(file);
        }
    }
}
