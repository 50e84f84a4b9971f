package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A calibration or evaluation folder the CLI sent, staged in a temporary folder the loaders read like the user's
 * own: names are {@code NAME}, or {@code SUB/NAME} for one level of sub-folders (an image folder's classes, a
 * tensor folder's runs as in ONNX test data's {@code test_data_set_0/}). Calibration and evaluation stage here
 * alike, so a layout one accepts the other does too.
 */
final class StagedFolder implements AutoCloseable {
    private final Path dir;

    private StagedFolder(Path dir) {
        this.dir = dir;
    }

    /**
     * @param use {@code calibration} or {@code evaluation}, as messages name it
     * @throws EdgeperfException USER_ERROR when no files came or a name is not NAME or SUB/NAME (no hidden or
     *         parent segments)
     */
    static StagedFolder of(Map<String, byte[]> files, CalibrationSource source, String use) {
        if (files.isEmpty()) {
            throw EdgeperfException.userError(use + " " + source.text() + " came without its files; expected the"
                    + " folder's files sent with the campaign");
        }
        for (String name : files.keySet()) {
            if (!valid(name)) {
                throw EdgeperfException.userError(use + " file name '" + name.replaceAll("\\p{Cntrl}", "?")
                        + "' is not NAME or SUB/NAME");
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("edgeperf-" + use + "-");
        } catch (IOException e) {
            throw EdgeperfException.external("cannot stage " + use + " files: " + e.getMessage(), e);
        }
        StagedFolder staged = new StagedFolder(dir);
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path target = dir;
                for (String part : f.getKey().split("/", -1)) {
                    target = target.resolve(part);
                }
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
            }
            return staged;
        } catch (IOException e) {
            staged.close();
            throw EdgeperfException.external("cannot stage " + use + " files: " + e.getMessage(), e);
        }
    }

    static boolean valid(String name) {
        String[] parts = name.split("/", -1);
        boolean ok = parts.length <= 2;
        for (String part : parts) {
            ok &= !part.isEmpty() && !part.startsWith(".") && !part.contains("\\") && !part.contains("\0")
                    && Path.of(part).getFileName().toString().equals(part);
        }
        return ok;
    }

    /** The source read from the staged folder. */
    CalibrationSource source(CalibrationSource source) {
        return source.withFolder(dir);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind is harmless; the OS cleans its temp directory
        }
    }
}
