package dev.edgeperf.core.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** IDX bytes with magic 0x0000 08 rank, the dims, then {@code data}. */
    public static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.putInt(0x0800 | dims.length);
        for (int d : dims) {
            buffer.putInt(d);
        }
        buffer.put(data);
        return buffer.array();
    }

    public static Path write(Path file, byte[] bytes, boolean gzip) throws IOException {
        if (!gzip) {
            return Files.write(file, bytes);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    /**
     * Writes the four standard files of a dataset with {@code train} and {@code test} images of
     * 28x28 into {@code folder}; pixel values and labels follow the image index.
     */
    public static void writeDataset(Path folder, int train, int test, boolean gzip) throws IOException {
        Files.createDirectories(folder);
        String suffix = gzip ? ".gz" : "";
        for (Split split : Split.values()) {
            int n = split == Split.TRAIN ? train : test;
            byte[] pixels = new byte[n * 28 * 28];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
                for (int p = 0; p < 28 * 28; p++) {
                    pixels[i * 784 + p] = (byte) ((i + p) % 256);
                }
            }
            write(folder.resolve(split.filePrefix() + "-images-idx3-ubyte" + suffix), idx(new int[] {n, 28, 28}, pixels), gzip);
            write(folder.resolve(split.filePrefix() + "-labels-idx1-ubyte" + suffix), idx(new int[] {n}, labels), gzip);
        }
    }
}
