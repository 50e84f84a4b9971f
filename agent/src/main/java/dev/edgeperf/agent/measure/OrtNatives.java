package dev.edgeperf.agent.measure;

import dev.edgeperf.agent.probe.MappedLibraries;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ONNX Runtime's native libraries, extracted once into a fixed folder under the agent's work dir.
 * Left to itself, ONNX Runtime copies its libraries out of the jar into a fresh
 * {@code onnxruntime-java*} temp folder in every JVM that loads it, and that folder survives the
 * JVM (one per forked worker). With the system property {@value #PROPERTY} naming a folder that
 * holds the libraries, it loads them from there and its own temp folder stays empty and is removed.
 */
public final class OrtNatives {
    /** The system property ONNX Runtime's loader reads (a folder holding the native libraries). */
    public static final String PROPERTY = "onnxruntime.native.path";
    /** The property naming one library file: ONNX Runtime's core library, loaded before the folder is tried. */
    public static final String CORE_PROPERTY = "onnxruntime.native.onnxruntime.path";
    /** Likewise for the Java binding; set beside {@link #CORE_PROPERTY} (a folder property would win over both). */
    public static final String JNI_PROPERTY = "onnxruntime.native.onnxruntime4j_jni.path";
    private static final String ORT_CLASS = "ai.onnxruntime.OrtEnvironment";
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni");

    private OrtNatives() {
    }

    /**
     * Extracts the libraries for this OS and architecture into {@code workDir/native/onnxruntime-VERSION-OS-ARCH}
     * (skipping files already there with the same size) and points this JVM at them; forked workers
     * inherit the property from {@link ForkedRunner}. Must run before ONNX Runtime is first used.
     *
     * @return the folder, or empty when the jar has no libraries for this platform (ONNX Runtime
     *         then falls back to {@code java.library.path} on its own)
     * @throws EdgeperfException USER_ERROR when the work dir cannot hold the folder
     */
    public static Optional<Path> install(Path workDir) {
        Optional<Path> dir = extract(workDir);
        // First install wins: a JVM runs one command, and ONNX Runtime reads the property only once.
        dir.ifPresent(d -> {
            if (System.getProperty(PROPERTY) != null) {
                return;
            }
            if (System.getProperty(CORE_PROPERTY) != null) {
                // a local core library (useLocal): only the jar's binding comes from here, named file by file
                if (System.getProperty(JNI_PROPERTY) == null) {
                    System.setProperty(JNI_PROPERTY, d.resolve(System.mapLibraryName(LIBRARIES.get(1))).toString());
                }
            } else {
                System.setProperty(PROPERTY, d.toString());
            }
        });
        return dir;
    }

    /**
     * Points this JVM (and, through {@link ForkedRunner}, its workers) at a locally built ONNX Runtime
     * in {@code dir} instead of the jar's: the folder as a whole when it also holds the Java binding
     * ({@code libonnxruntime4j_jni}), else just its core library, with the jar's binding beside it
     * (a C/C++ build with CUDA or TensorRT, as Jetson users make, has no Java binding). Must run before
     * {@link #install} and before ONNX Runtime is first used.
     *
     * @throws EdgeperfException USER_ERROR (one line) when {@code dir} is no folder or holds no core library
     */
    public static void useLocal(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw EdgeperfException.userError("--ort-native-dir " + dir + " is not a directory; expected the lib"
                    + " folder of an ONNX Runtime build holding " + System.mapLibraryName(LIBRARIES.get(0)));
        }
        Path core = absolute.resolve(System.mapLibraryName(LIBRARIES.get(0)));
        if (!Files.isRegularFile(core) || !Files.isReadable(core)) {
            throw EdgeperfException.userError("--ort-native-dir " + dir + " holds no readable "
                    + core.getFileName() + "; expected the lib folder of an ONNX Runtime build");
        }
        if (Files.isRegularFile(absolute.resolve(System.mapLibraryName(LIBRARIES.get(1))))) {
            System.setProperty(PROPERTY, absolute.toString());
        } else {
            System.setProperty(CORE_PROPERTY, core.toString());
        }
    }

    /**
     * The ONNX Runtime libraries this process has mapped, as the kernel lists them in
     * {@code /proc/self/maps}: proof of which build runs, not what was asked for. Empty where that
     * file is absent (not Linux) or nothing is loaded yet.
     */
    public static List<Path> loaded() {
        return loaded(Path.of("/proc/self/maps"));
    }

    static List<Path> loaded(Path maps) {
        return MappedLibraries.matching(maps, "libonnxruntime");
    }

    /** As {@link #install} without setting the property. */
    static Optional<Path> extract(Path workDir) {
        Class<?> ort = ortClass();
        String platform = platform();
        String version = Optional.ofNullable(ort.getPackage().getImplementationVersion()).orElse("unknown");
        Path dir = workDir.resolve("native").resolve("onnxruntime-" + version + "-" + platform).toAbsolutePath();
        try {
            for (String library : LIBRARIES) {
                String file = System.mapLibraryName(library).replace("jnilib", "dylib");
                String resource = "/ai/onnxruntime/native/" + platform + "/" + file;
                try (InputStream in = ort.getResourceAsStream(resource)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    Path target = dir.resolve(file);
                    if (Files.isRegularFile(target) && Files.size(target) == resourceSize(ort, resource)) {
                        continue;
                    }
                    Files.createDirectories(dir);
                    // Write beside and rename, so a concurrent agent or a running worker never maps a half file.
                    Path tmp = Files.createTempFile(dir, file, ".part");
                    try {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        move(tmp, target);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot extract ONNX Runtime's native libraries to " + dir + ": "
                    + e.getMessage() + "; expected a writable --work-dir");
        }
        return Optional.of(dir);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long resourceSize(Class<?> ort, String resource) throws IOException {
        try (InputStream in = ort.getResourceAsStream(resource)) {
            return in == null ? -1 : in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /** ONNX Runtime's class, loaded without running its static initializer (which loads the natives). */
    private static Class<?> ortClass() {
        try {
            return Class.forName(ORT_CLASS, false, OrtNatives.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw EdgeperfException.internal("ONNX Runtime is not on the class path", e);
        }
    }

    /** The jar's folder name for this platform, as ONNX Runtime's loader computes it. */
    static String platform() {
        String os = System.getProperty("os.name", "generic").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "generic").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
                : arch.startsWith("aarch64") ? "aarch64" : arch;
        return o + "-" + a;
    }
}
