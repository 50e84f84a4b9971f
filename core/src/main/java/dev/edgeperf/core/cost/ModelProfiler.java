package dev.edgeperf.core.cost;

import java.nio.file.Path;

/** Shape inference + per-node cost counting for an ONNX model. */
public final class ModelProfiler {
    private ModelProfiler() {
    }

    /**
     * Profiles an ONNX model held in memory.
     *
     * @param sourceName file or zoo name, used in error messages and in {@link ModelProfile#source()}
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR for a non-ONNX/truncated model, an unknown
     *         input name or a contradictory shape
     */
    public static ModelProfile profile(byte[] onnxModel, String sourceName, ProfileOptions options) {
        throw new UnsupportedOperationException("TODO(core helper)");
    }

    /** Reads and profiles an ONNX file. */
    public static ModelProfile profile(Path onnxFile, ProfileOptions options) {
        throw new UnsupportedOperationException("TODO(core helper)");
    }
}
