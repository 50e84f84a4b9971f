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
    void aModelsExternalDataListIsRecordedPerCampaign() throws Exception {
        ArtifactStore store = new ArtifactStore(dir);
        String model = store.put("model".getBytes(StandardCharsets.US_ASCII));
        String weights = store.put("weights".getBytes(StandardCharsets.US_ASCII));
        String other = store.put("other weights".getBytes(StandardCharsets.US_ASCII));
        var list = java.util.List.of(new ArtifactStore.ExternalFile("data/weights.bin", weights, 7));
        var otherList = java.util.List.of(new ArtifactStore.ExternalFile("data/weights.bin", other, 13));

        // two campaigns upload the same .onnx with different data beside it: each keeps its own
        store.putExternalData("c-1", model, list);
        store.putExternalData("c-2", model, otherList);

        assertThat(store.externalData("c-1", model)).isEqualTo(list);
        assertThat(store.externalData("c-2", model)).isEqualTo(otherList);
        assertThat(store.externalData("c-1", weights)).isEmpty();
        assertThat(store.externalData("c-3", model)).isEmpty();
        store.putExternalData("c-1", model, java.util.List.of());
        assertThat(store.externalData("c-1", model)).isEmpty();
        assertThat(store.externalData("c-2", model)).isEqualTo(otherList);
        // a campaign stored before lists were per campaign reads the model's one list
        Files.writeString(dir.resolve(model + ".external"), weights + "\t7\tw.bin\n");
        assertThat(store.externalData("old", model)).containsExactly(new ArtifactStore.ExternalFile("w.bin", weights, 7));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.putExternalData("../x", model, list))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
