package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.onnx.ShapeArgs;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --input NAME=SHAPE} and {@code --dim NAME=SIZE}: how a model's open input dimensions are
 * sized (see {@link dev.edgeperf.core.onnx.InputDims}).
 */
final class InputSizeOptions {
    @Option(names = "--input", paramLabel = "NAME=SHAPE",
            description = "Full shape of one input, e.g. x=1x3x48x192; also sets the named dims it covers (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--dim", paramLabel = "NAME=SIZE",
            description = "Size of a named symbolic dimension in every input that has it, e.g. sequence=128 (repeatable).")
    Map<String, String> dims = new LinkedHashMap<>();

    Map<String, long[]> shapes() {
        return ShapeArgs.shapes(inputs);
    }

    Map<String, Long> dimValues() {
        return ShapeArgs.dims(dims);
    }
}
