package dev.edgeperf.agent.calibrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** {@code <work-dir>/calibration.json}: written by {@code agent calibrate}, read by {@code agent run}. */
public final class CalibrationStore {
    /** File name inside the work directory. */
    public static final String FILE = "calibration.json";
    /** The key of the kernel samples in the file. */
    public static final String KERNELS = "kernels";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    private CalibrationStore(Path file) {
        this.file = Objects.requireNonNull(file, "file is null").toAbsolutePath();
    }

    /** {@code <workDir>/calibration.json}, where {@code run} looks for the figures. */
    public static CalibrationStore inWorkDir(Path workDir) {
        return new CalibrationStore(Objects.requireNonNull(workDir, "workDir is null").resolve(FILE));
    }

    /** The same figures in a file of the user's choosing ({@code calibrate --out FILE}). */
    public static CalibrationStore atFile(Path file) {
        return new CalibrationStore(file);
    }

    public Path file() {
        return file;
    }

    /** Writes the figures atomically. */
    public void write(CalibrationFigures figures) {
        write(figures, Optional.empty());
    }

    /**
     * Writes the figures and, when there are any, the kernel samples under {@value #KERNELS}
     * (the format of {@link KernelCalibration}) atomically.
     */
    public void write(CalibrationFigures figures, Optional<KernelCalibration> kernels) {
        try {
            Files.createDirectories(file.getParent());
            ObjectNode root = JSON.valueToTree(figures);
            kernels.ifPresent(k -> root.set(KERNELS, JSON.valueToTree(k)));
            AtomicFiles.writeString(file, JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write calibration file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stored figures; empty when there is no file.
     *
     * @throws EdgeperfException USER_ERROR when the file exists but is not valid calibration JSON
     */
    public Optional<CalibrationFigures> read() {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            if (root instanceof ObjectNode object) {
                object.remove(KERNELS);
            }
            return Optional.of(JSON.treeToValue(root, CalibrationFigures.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw EdgeperfException.userError("calibration file " + file + " is not valid (" + oneLine(e)
                    + "); run `agent calibrate` again or delete it");
        }
    }

    /**
     * The kernel samples of the file; empty when there is no file or it has none.
     *
     * @throws EdgeperfException USER_ERROR when the kernel section is not valid
     */
    public Optional<KernelCalibration> readKernels() {
        try {
            JsonNode kernels = JSON.readTree(Files.readString(file)).get(KERNELS);
            return kernels == null ? Optional.empty() : Optional.of(JSON.treeToValue(kernels, KernelCalibration.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw EdgeperfException.userError("calibration file " + file + ": the kernel section is not valid ("
                    + oneLine(e) + "); run `agent calibrate` again");
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }
}
