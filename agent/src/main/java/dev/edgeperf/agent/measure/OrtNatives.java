package dev.edgeperf.agent.measure;

import dev.edgeperf.agent.probe.MappedLibraries;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

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
    private static final String CUDA_LIBRARY = "onnxruntime_providers_cuda";
    /** Provider libraries of GPU and other accelerated builds, in the jar beside the core library where present. */
    private static final List<String> PROVIDER_LIBRARIES = List.of("onnxruntime_providers_shared", CUDA_LIBRARY,
            "onnxruntime_providers_tensorrt", "onnxruntime_providers_rocm", "onnxruntime_providers_dnnl",
            "onnxruntime_providers_openvino");

    private OrtNatives() {
    }

    /**
     * Extracts the libraries for this OS and architecture into {@code workDir/native/onnxruntime-VERSION[-gpu]-OS-ARCH}
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
        String version = Optional.ofNullable(ort.getPackage().getImplementationVersion()).orElse("unknown");
        return extract(workDir, platform(), version, ort::getResource);
    }

    /**
     * As {@link #extract(Path)}, the jar's resources looked up by {@code resources} (absolute resource name to
     * URL, null when absent). The execution provider libraries a GPU build carries (onnxruntime_gpu) go into the
     * same folder: ONNX Runtime loads them from beside its core library, and the folder's name says "gpu", so
     * a CPU and a GPU agent sharing a work dir do not overwrite each other's libraries.
     */
    static Optional<Path> extract(Path workDir, String platform, String version, Function<String, URL> resources) {
        String prefix = "/ai/onnxruntime/native/" + platform + "/";
        boolean gpu = resources.apply(prefix + fileName(CUDA_LIBRARY)) != null;
        Path dir = workDir.resolve("native").resolve("onnxruntime-" + version + (gpu ? "-gpu" : "") + "-" + platform)
                .toAbsolutePath();
        try {
            for (String library : LIBRARIES) {
                if (!copy(resources.apply(prefix + fileName(library)), dir, fileName(library))) {
                    return Optional.empty();
                }
            }
            for (String library : PROVIDER_LIBRARIES) {
                copy(resources.apply(prefix + fileName(library)), dir, fileName(library));
            }
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot extract ONNX Runtime's native libraries to " + dir + ": "
                    + e.getMessage() + "; expected a writable --work-dir");
        }
        return Optional.of(dir);
    }

    private static String fileName(String library) {
        return System.mapLibraryName(library).replace("jnilib", "dylib");
    }

    /** Copies {@code resource} to {@code dir/file} unless a file of its size is there; false when it is absent. */
    private static boolean copy(URL resource, Path dir, String file) throws IOException {
        if (resource == null) {
            return false;
        }
        URLConnection connection = resource.openConnection();
        // a jar entry's size comes from the jar's directory: no need to read a 600 MB CUDA library to compare
        long size = connection.getContentLengthLong();
        Path target = dir.resolve(file);
        if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
            return true;
        }
        Files.createDirectories(dir);
        // Write beside and rename, so a concurrent agent or a running worker never maps a half file.
        Path tmp = Files.createTempFile(dir, file, ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
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
