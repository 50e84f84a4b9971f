package dev.edgeperf.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import java.util.Optional;
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
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

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
     * The profile's kernel samples ({@code "kernels"}, the format of {@link KernelCalibration}); empty
     * when the profile has none (calibrated with {@code --budget 0} or before kernels existed).
     *
     * @throws EdgeperfException USER_ERROR naming the file and the broken field when the section is corrupt
     */
    static Optional<KernelCalibration> readKernels(Path file) {
        JsonNode kernels;
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            kernels = root == null ? null : root.get("kernels");
        } catch (IOException e) {
            return Optional.empty(); // read() has already reported an unreadable file
        }
        if (kernels == null || kernels.isNull()) {
            return Optional.empty();
        }
        // the one optional field: a thread count's drift, which only a refreshed profile has
        kernels.path("threads").forEach(t -> {
            if (t instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("drift")) {
                o.putObject("drift");
            }
        });
        try {
            KernelCalibration k = JSON.treeToValue(kernels, KernelCalibration.class);
            if (k.threads().isEmpty()) {
                throw new IllegalArgumentException("no thread counts");
            }
            return Optional.of(k);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            String why = e instanceof JsonMappingException m && m.getOriginalMessage() != null
                    ? m.getOriginalMessage() + " at " + path(m) : String.valueOf(e.getMessage());
            throw EdgeperfException.userError("--device-profile " + file + ": the kernel section is corrupt ("
                    + why.lines().findFirst().orElse("") + "); run `scripts/agent calibrate --out FILE` again");
        }
    }

    /** The JSON path of a mapping error, e.g. kernels.threads[0].samples[3].ms. */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder("kernels");
        for (JsonMappingException.Reference r : e.getPath()) {
            b.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
        }
        return b.toString();
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

    /** When the profile was calibrated or last refreshed, ms since the epoch; 0 when it does not say. Call after {@link #read}. */
    static long measuredUnixMs(Path file) {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            return root == null ? 0 : Math.max(0, root.path("measuredUnixMs").asLong(0));
        } catch (IOException e) {
            return 0;
        }
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
