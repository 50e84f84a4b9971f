package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.fail;

import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/** Test inputs: the real MNIST folder (skip locally when absent, fail on CI) and synthetic images. */
final class TestData {
    private TestData() {
    }

    /**
     * The datasets folder holding MNIST. Aborts the test when it is absent, unless {@code CI=true},
     * where the CI script has run {@code scripts/fetch-datasets.sh} and absence is a failure.
     */
    static Path mnistDir() {
        Optional<Path> dir = DatasetLocator.system().locate().filter(d -> Datasets.isPresent(Datasets.MNIST, d));
        if (dir.isPresent()) {
            return dir.get();
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("MNIST not found but CI=true: run scripts/fetch-datasets.sh before the tests");
        }
        Assumptions.abort("MNIST not found (run scripts/fetch-datasets.sh); skipped outside CI");
        throw new AssertionError("unreachable");
    }

    /**
     * Synthetic 28x28 images: class c is a bright 6x6 square at a class-specific position, plus
     * uniform noise; learnable, but not at initialisation.
     */
    static LabeledImages blobs(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * 784];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            int c = random.nextInt(10);
            labels[n] = c;
            int top = 2 + (c / 5) * 12 + random.nextInt(3);
            int left = 1 + (c % 5) * 5 + random.nextInt(2);
            for (int p = 0; p < 784; p++) {
                pixels[n * 784 + p] = (float) (random.nextDouble() * 0.3);
            }
            for (int y = top; y < top + 6; y++) {
                for (int x = left; x < Math.min(28, left + 6); x++) {
                    pixels[n * 784 + y * 28 + x] = 1f;
                }
            }
        }
        return new LabeledImages(pixels, labels, 1, 28, 28, 10);
    }

    static float[] random(int n, SplittableRandom random, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
