package dev.edgeperf.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private long filesIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.count();
        }
    }

    @Test
    void replacesTheTargetAndLeavesNoTempFile() throws Exception {
        Path target = dir.resolve("a.json");
        AtomicFiles.writeString(target, "old");
        AtomicFiles.writeString(target, "new");

        assertThat(target).hasContent("new");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void aFailingWriterKeepsTheOldContentAndRemovesItsTempFile() throws Exception {
        Path target = dir.resolve("model.onnx");
        AtomicFiles.write(target, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(9);
            throw new IOException("disk full");
        })).hasMessage("disk full");

        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void theResultIsReadableByOthersLikeAnyFileTheUserWrites() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        Path atomic = dir.resolve("atomic");
        AtomicFiles.writeString(atomic, "x");

        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(Files.getPosixFilePermissions(plain))
                .contains(PosixFilePermission.OWNER_READ);
    }

    @Test
    void digestsAreLowerCaseHexOfTheContentWhateverTheSource() throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
        String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        Path file = Files.write(dir.resolve("abc"), abc);

        assertThat(Digests.sha256Hex(abc)).isEqualTo(expected);
        assertThat(Digests.sha256Hex("abc")).isEqualTo(expected);
        assertThat(Digests.sha256Hex(file)).isEqualTo(expected);
        assertThat(Digests.sha256Hex(new ByteArrayInputStream(abc))).isEqualTo(expected);
        assertThat(Digests.isSha256Hex(expected)).isTrue();
        assertThat(Digests.isSha256Hex(expected.toUpperCase())).isFalse();
        assertThat(Digests.isSha256Hex("abc")).isFalse();
    }
}
