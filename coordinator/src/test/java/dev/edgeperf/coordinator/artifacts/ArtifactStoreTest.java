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
}
