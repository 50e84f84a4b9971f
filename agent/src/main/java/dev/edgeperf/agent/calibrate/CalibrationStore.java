package dev.edgeperf.agent.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.proto.Calibration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@code <work-dir>/calibration.json}: written by {@code agent calibrate}, read by {@code agent run}. */
public final class CalibrationStore {
    /** File name inside the work directory. */
    public static final String FILE = "calibration.json";
    /** The key of the kernel samples in the file. */
    public static final String KERNELS = "kernels";
    private static final String FINGERPRINT = "hardwareFingerprint";
    private static final String ENGINE_VERSION = "engineVersion";
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

    /**
     * What a calibration was measured on, kept beside its figures so that a profile carried to other
     * hardware or read by another engine version is known to be stale.
     *
     * @param hardwareFingerprint the agent's hardware fingerprint; "" = not recorded
     * @param engineVersion       the inference engine's version; "" = not recorded
     */
    public record MeasuredOn(String hardwareFingerprint, String engineVersion) {
        public static final MeasuredOn UNKNOWN = new MeasuredOn("", "");

        public MeasuredOn {
            Objects.requireNonNull(hardwareFingerprint, "hardwareFingerprint is null");
            Objects.requireNonNull(engineVersion, "engineVersion is null");
        }

        /** The calibration's wire form with what it was measured on. */
        public Calibration stamp(Calibration c) {
            return c.toBuilder().setHardwareFingerprint(hardwareFingerprint).setEngineVersion(engineVersion).build();
        }
    }

    /** Writes the figures atomically, without saying what they were measured on. */
    public void write(CalibrationFigures figures) {
        write(figures, MeasuredOn.UNKNOWN, Optional.empty());
    }

    /** Writes the figures and the kernel samples, without saying what they were measured on. */
    public void write(CalibrationFigures figures, Optional<KernelCalibration> kernels) {
        write(figures, MeasuredOn.UNKNOWN, kernels);
    }

    /** Writes the figures and what they were measured on, without kernel samples. */
    public void write(CalibrationFigures figures, MeasuredOn measuredOn) {
        write(figures, measuredOn, Optional.empty());
    }

    /**
     * Writes the figures, what they were measured on ({@code hardwareFingerprint}, {@code engineVersion}) and,
     * when there are any, the kernel samples under {@value #KERNELS} (the format of {@link KernelCalibration}),
     * atomically.
     */
    public void write(CalibrationFigures figures, MeasuredOn measuredOn, Optional<KernelCalibration> kernels) {
        try {
            Files.createDirectories(file.getParent());
            ObjectNode root = JSON.valueToTree(figures);
            stampInto(root, measuredOn);
            kernels.ifPresent(k -> root.set(KERNELS, JSON.valueToTree(k)));
            AtomicFiles.writeString(file, JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write calibration file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's JSON without kernel samples: the figures and what they were measured on (fields left out where not recorded). */
    public static String json(CalibrationFigures figures, MeasuredOn measuredOn) throws IOException {
        ObjectNode json = JSON.valueToTree(figures);
        stampInto(json, measuredOn);
        return JSON.writeValueAsString(json);
    }

    private static void stampInto(ObjectNode json, MeasuredOn measuredOn) {
        if (!measuredOn.hardwareFingerprint().isEmpty()) {
            json.put(FINGERPRINT, measuredOn.hardwareFingerprint());
        }
        if (!measuredOn.engineVersion().isEmpty()) {
            json.put(ENGINE_VERSION, measuredOn.engineVersion());
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
                object.remove(List.of(KERNELS, FINGERPRINT, ENGINE_VERSION));
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

    /** What the stored figures were measured on; {@link MeasuredOn#UNKNOWN} when the file does not say or is absent. */
    public MeasuredOn measuredOn() {
        try {
            JsonNode json = JSON.readTree(Files.readString(file));
            return json == null ? MeasuredOn.UNKNOWN : new MeasuredOn(json.path(FINGERPRINT).asText(""),
                    json.path(ENGINE_VERSION).asText(""));
        } catch (IOException e) {
            return MeasuredOn.UNKNOWN; // read() reports a broken file
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }
}
