package dev.edgeperf.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.DevicePeaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a device profile: the JSON that {@code agent calibrate} writes ({@code <work-dir>/calibration.json}
 * or {@code calibrate --out FILE}); its field names are the agent's {@code CalibrationFigures}. Fields
 * newer than the file (e.g. {@code nodeOverheadUs}) read as 0 = not measured.
 */
final class DeviceProfileFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeviceProfileFile() {
    }

    /** @throws EdgeperfException USER_ERROR naming the file and field for a missing, corrupt or truncated profile */
    static DevicePeaks read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("--device-profile " + file + " does not exist (write one with"
                    + " `scripts/agent calibrate --out FILE` on the device)");
        } catch (IOException e) {
            throw EdgeperfException.userError("--device-profile " + file + " is not a device profile: "
                    + e.getMessage().lines().findFirst().orElse("unreadable JSON"));
        }
        if (root == null || !root.isObject()) {
            throw EdgeperfException.userError("--device-profile " + file + " is not a device profile: expected a JSON"
                    + " object as `agent calibrate --out` writes");
        }
        return new DevicePeaks(0, positive(root, "matmulGflops", file), positive(root, "convGflops", file),
                positive(root, "memoryGbPerS", file), positive(root, "callOverheadUs", file),
                optional(root, "nodeOverheadUs", file), (int) positive(root, "threads", file));
    }

    /**
     * Why predictions from the profile are stale on this machine: it says it was calibrated with
     * another ONNX Runtime version than this one runs. "" when it matches or does not say. (Its
     * {@code hardwareFingerprint} is the device's, normally not this machine's, so it is shown, not compared.)
     */
    static String staleReason(Path file, String localEngineVersion) {
        String measuredWith = text(file, "engineVersion");
        if (measuredWith.isEmpty() || localEngineVersion.isEmpty() || measuredWith.equals(localEngineVersion)) {
            return "";
        }
        return "calibrated with onnxruntime " + measuredWith + ", this machine runs " + localEngineVersion;
    }

    /** A text field of the profile, e.g. {@code hardwareFingerprint}; "" when absent. Call after {@link #read}. */
    static String text(Path file, String field) {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            return root == null ? "" : root.path(field).asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static double positive(JsonNode root, String field, Path file) {
        JsonNode v = root.get(field);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
            throw EdgeperfException.userError("--device-profile " + file + ": field '" + field
                    + "' must be a positive number, got " + (v == null ? "nothing" : v.toString()));
        }
        return v.asDouble();
    }

    private static double optional(JsonNode root, String field, Path file) {
        JsonNode v = root.get(field);
        if (v == null) {
            return 0;
        }
        if (!v.isNumber() || !(v.asDouble() >= 0) || !Double.isFinite(v.asDouble())) {
            throw EdgeperfException.userError("--device-profile " + file + ": field '" + field
                    + "' must be a number >= 0, got " + v);
        }
        return v.asDouble();
    }
}
