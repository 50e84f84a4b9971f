package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsFileTest {
    @TempDir
    Path dir;

    @Test
    void writesLittleEndianTensorsInNameOrderWithAHeader() throws Exception {
        CnnWeights weights = CnnWeights.initial(CnnShape.MNIST_CNN, 9);
        weights.tensor(CnnWeights.CONV1_B)[0] = 1.5f;
        Path bin = dir.resolve("sub/mnist-cnn.weights.bin");

        WeightsFile.write(bin, weights, Map.of("test_accuracy", "0.9876"));

        byte[] bytes = Files.readAllBytes(bin);
        assertThat(bytes).hasSize(370_338 * 4);
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(le.getFloat(0)).isEqualTo(weights.tensor(CnnWeights.CONV1_W)[0]);
        assertThat(le.getFloat(45 * 4)).as("conv1.bias follows the 45 conv1 weights").isEqualTo(1.5f);
        Map<String, String> header = WeightsFile.parseHeader(Files.readString(dir.resolve("sub/mnist-cnn.weights.properties")));
        assertThat(header).containsEntry("format", "float32-le")
                .containsEntry("parameters", "370338")
                .containsEntry("test_accuracy", "0.9876")
                .containsEntry("sha256", Digests.sha256Hex(bytes))
                .containsEntry("tensors", "conv1.weight:5x1x3x3,conv1.bias:5,conv2.weight:5x5x3x3,conv2.bias:5,"
                        + "fc1.weight:128x2880,fc1.bias:128,fc2.weight:10x128,fc2.bias:10");
        CnnWeights back = WeightsFile.decode(bytes, CnnShape.MNIST_CNN, bin.toString());
        for (int t = 0; t < 8; t++) {
            assertThat(back.tensor(t)).isEqualTo(weights.tensor(t));
        }
        try (var files = Files.list(bin.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary files left")
                    .containsExactlyInAnyOrder("mnist-cnn.weights.bin", "mnist-cnn.weights.properties");
        }
    }

    @Test
    void wrongSizeIsAUserErrorNamingTheSource() {
        assertThatThrownBy(() -> WeightsFile.decode(new byte[12], CnnShape.MNIST_CNN, "x.bin"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("x.bin")
                .hasMessageContaining("12 bytes")
                .hasMessageContaining("1481352");
    }
}
