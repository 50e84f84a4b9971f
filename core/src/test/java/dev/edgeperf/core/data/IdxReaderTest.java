package dev.edgeperf.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static final byte[] PIXELS = {0, (byte) 255, (byte) 128, 51, 0, 1, 2, 3, 4, 5, 6, (byte) 200};

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsImagesAndLabelsPlainOrGzipped(boolean gzip) throws IOException {
        // 3 images of 2x2 and their labels; the file names carry no .gz so detection must use the magic bytes
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.idx(new int[] {3, 2, 2}, PIXELS), gzip);
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.idx(new int[] {3}, new byte[] {7, 0, 9}), gzip);

        LabeledImages data = IdxReader.readLabeled(images, labels, 10);

        assertThat(data.count()).isEqualTo(3);
        assertThat(data.channels()).isEqualTo(1);
        assertThat(data.height()).isEqualTo(2);
        assertThat(data.width()).isEqualTo(2);
        assertThat(data.labels()).containsExactly(7, 0, 9);
        assertThat(data.images()[0]).isEqualTo(0f);
        assertThat(data.images()[1]).isEqualTo(1f);
        assertThat(data.images()[2]).isEqualTo(128f / 255f);
        assertThat(data.images()[11]).isEqualTo(200f / 255f);
    }

    @Test
    void readsRawTensor() throws IOException {
        Path file = IdxFiles.write(dir.resolve("t"), IdxFiles.idx(new int[] {2, 3, 2}, PIXELS), false);
        IdxTensor tensor = IdxReader.read(file, 3);
        assertThat(tensor.dims()).containsExactly(2, 3, 2);
        assertThat(tensor.unsigned(1)).isEqualTo(255);
    }

    @Test
    void badMagicNamesFileAndExpectation() throws IOException {
        byte[] bytes = IdxFiles.idx(new int[] {3, 2, 2}, PIXELS);
        bytes[2] = 0x0D; // float data type code instead of unsigned byte
        Path file = IdxFiles.write(dir.resolve("floats-idx3"), bytes, false);
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("0x00000d03")
                .hasMessageContaining("expected 0x00000803")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
    }

    @Test
    void wrongRankIsBadMagic() throws IOException {
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.idx(new int[] {3}, new byte[] {1, 2, 3}), false);
        assertThatThrownBy(() -> IdxReader.read(labels, 3))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("3 dimensions");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedDataIsAUserError(boolean gzip) throws IOException {
        byte[] whole = IdxFiles.idx(new int[] {3, 2, 2}, PIXELS);
        Path file = IdxFiles.write(dir.resolve("cut"), Arrays.copyOf(whole, whole.length - 5), gzip);
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("expected " + whole.length);
    }

    @Test
    void truncatedHeaderIsAUserError() throws IOException {
        Path file = Files.write(dir.resolve("short"), new byte[] {0, 0, 8, 3, 0, 0});
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("16-byte IDX header");
    }

    @Test
    void cutGzipStreamIsAUserError() throws IOException {
        Path whole = IdxFiles.write(dir.resolve("whole.gz"), IdxFiles.idx(new int[] {3, 2, 2}, PIXELS), true);
        byte[] gz = Files.readAllBytes(whole);
        Path file = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 12));
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("gzip");
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] whole = IdxFiles.idx(new int[] {3}, new byte[] {1, 2, 3});
        Path file = Files.write(dir.resolve("long"), Arrays.copyOf(whole, whole.length + 2));
        assertThatThrownBy(() -> IdxReader.read(file, 1)).hasMessageContaining("trailing data");
    }

    @Test
    void countMismatchAndLabelRangeAreUserErrors() throws IOException {
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.idx(new int[] {3, 2, 2}, PIXELS), false);
        Path two = IdxFiles.write(dir.resolve("two"), IdxFiles.idx(new int[] {2}, new byte[] {1, 2}), false);
        Path big = IdxFiles.write(dir.resolve("big"), IdxFiles.idx(new int[] {3}, new byte[] {1, 12, 2}), false);
        assertThatThrownBy(() -> IdxReader.readLabeled(images, two, 10))
                .hasMessageContaining("3 images").hasMessageContaining("2 labels");
        assertThatThrownBy(() -> IdxReader.readLabeled(images, big, 10))
                .hasMessageContaining(big.toString()).hasMessageContaining("label 12 at index 1");
    }

    @Test
    void missingFileSaysHowToFetch() {
        Path file = dir.resolve("nope");
        assertThatThrownBy(() -> IdxReader.read(file, 1))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("fetch-datasets.sh");
    }
}
