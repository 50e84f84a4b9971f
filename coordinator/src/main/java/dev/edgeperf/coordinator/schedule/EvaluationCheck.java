package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.calibration.EvaluationData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The submit-time check of a model's evaluation data, from the model's declared output and the files the CLI
 * sent, so that data that cannot fit fails the submit (nothing stored) rather than the preparation. What only a
 * run can tell (a symbolic class dimension, images that do not decode) is checked at preparation.
 */
final class EvaluationCheck {
    /** Classes of the built-in datasets (MNIST digits, Fashion-MNIST garments). */
    static final int DATASET_CLASSES = 10;

    private EvaluationCheck() {
    }

    /** @throws EdgeperfException USER_ERROR naming the model, the data and what was expected */
    static void check(String modelName, ModelProto model, ModelCalibration evaluation) {
        CalibrationSource source = evaluation.parse();
        String what = "evaluation " + source.text();
        int dataClasses = 0;
        int maxLabel = -1;
        Map<String, byte[]> files = evaluation.files();
        switch (source.kind()) {
            case RANDOM -> throw EdgeperfException.userError("evaluation '" + source.text() + "' has no labels; expected"
                    + " mnist, fashion-mnist, images:DIR (one sub-folder per class), tensors:DIR (with "
                    + EvaluationData.LABELS_FILE + ") or idx:DIR");
            case DATASET -> dataClasses = DATASET_CLASSES;
            case IMAGES -> {
                TreeSet<String> classes = new TreeSet<>();
                for (String name : files.keySet()) {
                    int slash = name.indexOf('/');
                    if (slash < 0) {
                        throw EdgeperfException.userError(what + " holds files beside its class sub-folders (" + name
                                + "); expected only one sub-folder of images per class");
                    }
                    classes.add(name.substring(0, slash));
                }
                if (classes.isEmpty()) {
                    throw EdgeperfException.userError(what + " has no class sub-folders; expected one sub-folder of"
                            + " images per class");
                }
                dataClasses = classes.size();
            }
            case TENSORS -> {
                byte[] labels = files.get(EvaluationData.LABELS_FILE);
                if (labels == null) {
                    throw EdgeperfException.userError(what + ": " + EvaluationData.LABELS_FILE + " is missing; expected"
                            + " one integer class per sample, in file order");
                }
                for (String t : new String(labels, StandardCharsets.UTF_8).strip().split("[\\s,]+")) {
                    if (!t.isEmpty()) {
                        try {
                            maxLabel = Math.max(maxLabel, Integer.parseInt(t));
                        } catch (NumberFormatException e) {
                            throw EdgeperfException.userError(what + ": " + EvaluationData.LABELS_FILE + " holds '" + t
                                    + "', not a class number; expected integers >= 0");
                        }
                    }
                }
            }
            case IDX -> {
                if (files.keySet().stream().noneMatch(n -> n.startsWith("t10k-labels-idx1-ubyte"))) {
                    throw EdgeperfException.userError(what + " has no t10k-labels-idx1-ubyte[.gz]; expected the labelled"
                            + " test files t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte");
                }
            }
        }
        if (model.getGraph().getOutputCount() == 0) {
            return;
        }
        List<TensorShapeProto.Dimension> dims = model.getGraph().getOutput(0).getType().getTensorType().getShape()
                .getDimList();
        if (dims.size() < 2 || !dims.get(1).hasDimValue() || dims.get(1).getDimValue() < 1) {
            return; // not declared: the preparation's run tells
        }
        long classes = dims.get(1).getDimValue();
        if (dataClasses > 0 && classes != dataClasses) {
            throw EdgeperfException.userError(what + " has " + dataClasses + " classes but model " + modelName
                    + " outputs " + classes + "; expected data with one class per model output");
        }
        if (maxLabel >= classes) {
            throw EdgeperfException.userError(what + " has label " + maxLabel + " but model " + modelName + " outputs "
                    + classes + " classes (0.." + (classes - 1) + ")");
        }
    }
}
