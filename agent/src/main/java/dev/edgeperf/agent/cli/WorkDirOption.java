package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.measure.OrtNatives;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --work-dir}: the agent's state on disk, shared by every command that loads ONNX Runtime. */
final class WorkDirOption {
    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.edgeperf-agent",
            description = "Agent state: model cache, result spool, calibration.json, worker scratch and "
                    + "ONNX Runtime's native libraries (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--ort-native-dir", paramLabel = "DIR",
            description = "Load ONNX Runtime from this folder (a local build, e.g. with CUDA/TensorRT on a Jetson)"
                    + " instead of the jar's: it must hold libonnxruntime.so; the jar's Java binding is used unless"
                    + " the folder has libonnxruntime4j_jni.so too.")
    Path ortNativeDir;

    /**
     * Creates the work dir when missing and extracts ONNX Runtime's natives into it, so neither this
     * JVM nor its workers leave a folder in the temp dir. Call before anything loads ONNX Runtime.
     *
     * @return the work dir as an absolute path
     * @throws EdgeperfException USER_ERROR (one line) when the path is a file or cannot be created
     */
    Path prepare() {
        useLocalNatives();
        return prepare(workDir);
    }

    private void useLocalNatives() {
        if (ortNativeDir != null) {
            OrtNatives.useLocal(ortNativeDir);
        }
    }

    /** As {@link #prepare()}, but a work dir that cannot be used leaves ONNX Runtime to its temp folder. */
    void prepareQuietly() {
        useLocalNatives(); // asked for explicitly: a wrong folder is an error here too
        try {
            prepare(workDir);
        } catch (EdgeperfException e) {
            // the command does not need the work dir for anything else
        }
    }

    static Path prepare(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw EdgeperfException.userError("--work-dir " + dir + " is a file, not a directory; "
                    + "expected a directory (it is created when missing)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot create --work-dir " + dir + ": "
                    + e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage()
                    + "; expected a writable directory");
        }
        if (!Files.isWritable(dir)) {
            throw EdgeperfException.userError("--work-dir " + dir + " is not writable; expected a writable directory");
        }
        // absolute: forked workers run inside their job folder
        Path absolute = dir.toAbsolutePath();
        OrtNatives.install(absolute);
        return absolute;
    }
}
