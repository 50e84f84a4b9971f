package dev.edgeperf.core.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelZooTest {
    /**
     * Pinned digest of mnist-cnn. Stored measurements are keyed by model digest, so any change to
     * weight generation, graph layout or the trained weights must be deliberate: update it only on purpose.
     */
    private static final String MNIST_CNN_SHA256 = "a29fee7bbefe2ad478baf8f8170a32a6d944c08fcbc93bfaca6241bce5416b7e";

    @Test
    void listsEveryModelOnceInDisplayOrder() {
        assertThat(ModelZoo.names()).containsExactly("mnist-cnn", "mnist-cnn-pool", "seed-conv", "seed-separable",
                "keras-mlp", "lenet5", "mobilenet-v1", "mobilenet-v2", "resnet18", "resnet50", "vgg16", "squeezenet1_1");
        for (String name : ModelZoo.names()) {
            assertThat(ModelZoo.describe(name)).as(name).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void unknownNameIsAUserErrorNamingTheKnownModels() {
        assertThatThrownBy(() -> ModelZoo.build("resnet-18"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("unknown model 'resnet-18': expected one of mnist-cnn, ")
                .hasMessageContaining("resnet18")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        assertThatThrownBy(() -> ModelZoo.describe(null)).isInstanceOf(EdgeperfException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mnist-cnn", "lenet5", "resnet18", "mobilenet-v2"})
    void twoBuildsAreByteIdentical(String name) {
        assertThat(sha256(ModelZoo.build(name))).isEqualTo(sha256(ModelZoo.build(name)));
    }

    @Test
    void mnistCnnDigestIsStableAcrossProcessesAndVersions() {
        assertThat(sha256(ModelZoo.build("mnist-cnn"))).isEqualTo(MNIST_CNN_SHA256);
    }

    @Test
    void differentModelsWithTheSameLayerNamesGetDifferentWeights() {
        var cnn = ZooModelChecks.parse(ModelZoo.build("mnist-cnn")).getGraph().getInitializer(0);
        var pool = ZooModelChecks.parse(ModelZoo.build("mnist-cnn-pool")).getGraph().getInitializer(0);
        assertThat(cnn.getName()).isEqualTo(pool.getName()).isEqualTo("conv1.weight");
        assertThat(cnn.getRawData()).isNotEqualTo(pool.getRawData());
    }

    @Test
    void exportWritesTheBuiltBytesAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("models/lenet5.onnx");
        ModelZoo.export("lenet5", out);
        ModelZoo.export("lenet5", out);
        assertThat(Files.readAllBytes(out)).isEqualTo(ModelZoo.build("lenet5"));
        try (var files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void exportToAnUnwritablePlaceIsAnExternalErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path out = blocker.resolve("m.onnx");
        assertThatThrownBy(() -> ModelZoo.export("keras-mlp", out))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(out.toString())
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
