package dev.edgeperf.coordinator.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
    @TempDir
    Path dir;

    @Test
    void putStoresUnderTheSha256AndOpensByDigest() throws Exception {
        ArtifactStore store = new ArtifactStore(dir);
        byte[] bytes = "abc".getBytes(StandardCharsets.US_ASCII);

        String digest = store.put(bytes);

        assertThat(digest).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(dir.resolve(digest + ".onnx")).hasBinaryContent(bytes);
        assertThat(store.put(bytes)).isEqualTo(digest);
        try (InputStream in = store.open(digest)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store.size(digest)).isEqualTo(3);
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1); // no temporary files left behind
        }
    }

    @Test
    void malformedAndUnknownDigestsAreRejected() {
        ArtifactStore store = new ArtifactStore(dir);

        assertThatThrownBy(() -> store.open("../../etc/passwd")).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> store.open("b".repeat(64)))
                .isInstanceOf(ArtifactStore.ArtifactNotFoundException.class);
    }

    @Test
    void aStreamedPutStoresOnceUnderItsDigestAndLeavesNoTemporaryFile() throws Exception {
        ArtifactStore store = new ArtifactStore(dir);
        byte[] bytes = new byte[700_000];
        new java.util.Random(1).nextBytes(bytes);

        String digest = store.put(new java.io.ByteArrayInputStream(bytes));

        assertThat(digest).isEqualTo(dev.edgeperf.core.io.Digests.sha256Hex(bytes));
        assertThat(store.put(new java.io.ByteArrayInputStream(bytes))).isEqualTo(digest);
        assertThat(store.path(digest)).hasBinaryContent(bytes);
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void aModelsExternalDataListIsRecordedBesideIt() {
        ArtifactStore store = new ArtifactStore(dir);
        String model = store.put("model".getBytes(StandardCharsets.US_ASCII));
        String weights = store.put("weights".getBytes(StandardCharsets.US_ASCII));
        var list = java.util.List.of(new ArtifactStore.ExternalFile("data/weights.bin", weights, 7));

        store.putExternalData(model, list);

        assertThat(store.externalData(model)).isEqualTo(list);
        assertThat(store.externalData(weights)).isEmpty();
        store.putExternalData(model, java.util.List.of());
        assertThat(store.externalData(model)).isEmpty();
    }
}
