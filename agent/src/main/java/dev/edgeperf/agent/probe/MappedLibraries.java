package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The shared libraries this process has mapped, as the kernel lists them in {@code /proc/self/maps}
 * (under qemu user-mode emulation, qemu's view of the emulated process): proof of which native build
 * runs, not what was asked for.
 */
public final class MappedLibraries {
    private static final String DELETED = " (deleted)";

    private MappedLibraries() {
    }

    /** Mapped files of this process whose path contains {@code fragment}, each once, in map order. */
    public static List<Path> matching(String fragment) {
        return matching(Path.of("/proc/self/maps"), fragment);
    }

    /**
     * As {@link #matching(String)}, read from {@code maps}; empty where that file is absent (not Linux)
     * or nothing matches. A file deleted since it was mapped is named without the kernel's
     * {@code " (deleted)"} mark.
     */
    public static List<Path> matching(Path maps, String fragment) {
        try (var lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')).strip())
                    // a library deleted after loading (as shaded Netty does with its extracted copy) stays mapped
                    .map(f -> f.endsWith(DELETED) ? f.substring(0, f.length() - DELETED.length()) : f)
                    .filter(f -> f.contains(fragment)).distinct().map(Path::of).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }
}
