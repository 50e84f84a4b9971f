package dev.edgeperf.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path root;

    @Test
    void loadsPlainMnistFromTheDatasetsFolder() throws IOException {
        IdxFiles.writeDataset(root.resolve("mnist"), 12, 5, false);

        Dataset mnist = Datasets.mnist(root);

        assertThat(mnist.name()).isEqualTo("mnist");
        assertThat(mnist.train().count()).isEqualTo(12);
        assertThat(mnist.test().count()).isEqualTo(5);
        assertThat(mnist.test().batchShape(5)).containsExactly(5, 1, 28, 28);
        assertThat(mnist.train().labels()[11]).isEqualTo(1);
        assertThat(mnist.train().images()[784 + 2]).isEqualTo(3f / 255f);
    }

    @Test
    void loadsGzippedFashionMnistFromItsOwnFolder() throws IOException {
        Path folder = root.resolve("elsewhere");
        IdxFiles.writeDataset(folder, 4, 3, true);

        assertThat(Datasets.isPresent(Datasets.FASHION_MNIST, folder)).isTrue();
        Dataset fashion = Datasets.fashionMnist(folder);

        assertThat(fashion.train().count()).isEqualTo(4);
        assertThat(Datasets.load(Datasets.FASHION_MNIST, folder, Split.TEST).labels()).containsExactly(0, 1, 2);
    }

    @Test
    void missingDatasetSaysWhatToRun() {
        assertThat(Datasets.isPresent(Datasets.MNIST, root)).isFalse();
        assertThatThrownBy(() -> Datasets.mnist(root))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(root.resolve("mnist").toString())
                .hasMessageContaining("fetch-datasets.sh");
    }

    @Test
    void unknownNameListsKnownOnes() {
        assertThatThrownBy(() -> Datasets.load("cifar10", root, Split.TEST))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("cifar10")
                .hasMessageContaining("mnist, fashion-mnist");
    }

    @Test
    void sliceCopiesTheRange() throws IOException {
        IdxFiles.writeDataset(root.resolve("mnist"), 12, 5, false);
        LabeledImages train = Datasets.load(Datasets.MNIST, root, Split.TRAIN);
        LabeledImages part = train.slice(3, 6);
        assertThat(part.labels()).containsExactly(3, 4, 5);
        assertThat(part.images()[0]).isEqualTo(train.images()[3 * 784]);
        assertThat(train.first(100).count()).isEqualTo(12);
        assertThatThrownBy(() -> train.slice(5, 13)).isInstanceOf(IllegalArgumentException.class);
    }
}
