package dev.edgeperf.coordinator.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.EdgeperfException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a job's input shapes are kept in {@code jobs.input_shapes}: JSON ({@code {"x":[8,3,320,320]}}),
 * because ONNX input names may hold any character ({@code input_1:0}, spaces), so the display text
 * results show ({@code x=8x3x320x320}) could not be read back. {@code ""} = none resolved.
 */
final class InputShapesColumn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, long[]>> TYPE = new TypeReference<>() {
    };

    private InputShapesColumn() {
    }

    /** An unmodifiable copy, arrays cloned, in the given order. */
    static Map<String, long[]> copy(Map<String, long[]> shapes) {
        Map<String, long[]> copy = new LinkedHashMap<>();
        Objects.requireNonNull(shapes, "inputShapes is null").forEach((name, shape) ->
                copy.put(Objects.requireNonNull(name, "input name is null"),
                        Objects.requireNonNull(shape, "shape of " + name + " is null").clone()));
        return Collections.unmodifiableMap(copy);
    }

    static String write(Map<String, long[]> shapes) {
        if (shapes.isEmpty()) {
            return "";
        }
        try {
            return JSON.writeValueAsString(shapes);
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("cannot write input shapes " + shapes.keySet() + ": " + e.getMessage(), e);
        }
    }

    static Map<String, long[]> read(String column) {
        if (column == null || column.isEmpty()) {
            return Map.of();
        }
        try {
            return copy(JSON.readValue(column, TYPE));
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("a job's stored input shapes cannot be read: " + column, e);
        }
    }
}
