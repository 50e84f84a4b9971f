package dev.edgeperf.core.zoo;

import java.util.List;

/** Built-in models, generated in code as ONNX with a dynamic batch dimension and deterministic weights. */
public final class ModelZoo {
    private ModelZoo() {
    }

    /** Names of all zoo models, in display order. */
    public static List<String> names() {
        throw new UnsupportedOperationException("TODO(core helper)");
    }

    /**
     * Serialized ONNX bytes of the named model. Deterministic: the same name gives the same bytes
     * (and so the same SHA-256) in every process.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR naming the unknown model and the known ones
     */
    public static byte[] build(String name) {
        throw new UnsupportedOperationException("TODO(core helper)");
    }
}
