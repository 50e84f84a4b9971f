package dev.edgeperf.core.data;

import dev.edgeperf.core.EdgeperfException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format: big-endian magic {@code 0x0000TTNN} with type code TT and
 * NN dimensions, NN big-endian int32 sizes, then the data), plain or gzipped; gzip is recognised
 * by its magic bytes, not by the file name. Only unsigned-byte data (type 0x08) is supported,
 * which is what MNIST and Fashion-MNIST use.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private IdxReader() {
    }

    /**
     * Reads an unsigned-byte IDX file of the given rank.
     *
     * @param file         IDX file, plain or gzipped
     * @param expectedRank number of dimensions expected (3 for images, 1 for labels)
     * @throws EdgeperfException USER_ERROR naming the file when it is missing, has a bad magic
     *                           number, the wrong rank or type, or is truncated / has extra bytes
     */
    public static IdxTensor read(Path file, int expectedRank) {
        byte[] bytes = readAllBytes(file);
        if (bytes.length < 4) {
            throw bad(file, "is truncated: " + bytes.length + " bytes, expected at least a 4-byte IDX header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = buffer.getInt();
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank != expectedRank) {
            throw bad(file, String.format("has magic number 0x%08x, expected 0x%08x (IDX unsigned bytes, %d dimensions)",
                    magic, (UNSIGNED_BYTE << 8) | expectedRank, expectedRank));
        }
        int header = 4 + 4 * rank;
        if (bytes.length < header) {
            throw bad(file, "is truncated: " + bytes.length + " bytes, expected a " + header + "-byte IDX header");
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = buffer.getInt();
            if (dims[i] < 0) {
                throw bad(file, "has negative dimension " + dims[i] + " at index " + i);
            }
            size *= dims[i];
        }
        long expected = header + size;
        if (bytes.length != expected) {
            throw bad(file, (bytes.length < expected ? "is truncated: " : "has trailing data: ") + bytes.length
                    + " bytes, expected " + expected + " for dimensions " + Arrays.toString(dims));
        }
        return new IdxTensor(dims, Arrays.copyOfRange(bytes, header, bytes.length));
    }

    /**
     * Reads an image file ([N, H, W] unsigned bytes) and its label file ([N]) into normalised
     * single-channel images (pixel / 255).
     *
     * @param classes number of classes; every label must be below it
     * @throws EdgeperfException USER_ERROR if either file is bad, the counts differ or a label is
     *                           out of range
     */
    public static LabeledImages readLabeled(Path imagesFile, Path labelsFile, int classes) {
        IdxTensor images = read(imagesFile, 3);
        IdxTensor labels = read(labelsFile, 1);
        if (images.count() != labels.count()) {
            throw EdgeperfException.userError("IDX files do not match: " + imagesFile + " has " + images.count()
                    + " images but " + labelsFile + " has " + labels.count() + " labels");
        }
        int[] dims = images.dims();
        float[] pixels = new float[images.data().length];
        byte[] data = images.data();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (data[i] & 0xFF) / 255f;
        }
        int[] classOf = new int[labels.count()];
        for (int i = 0; i < classOf.length; i++) {
            classOf[i] = labels.unsigned(i);
            if (classOf[i] >= classes) {
                throw bad(labelsFile, "has label " + classOf[i] + " at index " + i + ", expected 0.." + (classes - 1));
            }
        }
        return new LabeledImages(pixels, classOf, 1, dims[1], dims[2], classes);
    }

    private static byte[] readAllBytes(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = raw.markSupported() ? raw : new java.io.BufferedInputStream(raw);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) {
                try (GZIPInputStream gzip = new GZIPInputStream(in, 1 << 16)) {
                    return gzip.readAllBytes();
                }
            }
            return in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw bad(file, "does not exist (run scripts/fetch-datasets.sh to fetch the datasets)");
        } catch (EOFException | ZipException e) {
            throw bad(file, "is a truncated or corrupt gzip stream, expected a gzipped IDX file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw bad(file, "cannot be read: " + e.getMessage());
        }
    }

    private static EdgeperfException bad(Path file, String what) {
        return EdgeperfException.userError("IDX file " + file + " " + what);
    }
}
