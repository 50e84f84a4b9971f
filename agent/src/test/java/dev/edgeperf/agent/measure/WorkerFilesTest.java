package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forked worker measures exactly what the agent was asked: every request field survives the file. */
class WorkerFilesTest {
    @TempDir
    Path dir;

    @Test
    void everyRequestFieldAndTheDefaultThreadCountRoundTrip() throws Exception {
        MeasurementRequest asked = new MeasurementRequest(dir.resolve("m.onnx"), 4, 0,
                new MeasurementSettings(7, 33, 1234, 5678, 0.02, true, 3, true, java.util.List.of("cuda", "cpu")),
                Map.of("x", new long[] {1, 3, 48, 192}, "input ids", new long[] {1, 7}), Map.of("sequence", 128L));

        WorkerFiles.writeRequest(dir, asked, 6);
        WorkerFiles.Request read = WorkerFiles.readRequest(dir);

        assertThat(read.request()).usingRecursiveComparison().isEqualTo(asked);
        assertThat(read.request().inputShapes().get("x")).containsExactly(1, 3, 48, 192);
        assertThat(read.request().dims()).containsExactly(Map.entry("sequence", 128L));
        assertThat(read.defaultThreads()).isEqualTo(6);
        assertThat(read.request().settings().providers()).containsExactly("cuda", "cpu");
    }

    @Test
    void aScalarInputAndGivenInputValuesRoundTrip() throws Exception {
        MeasurementRequest asked = new MeasurementRequest(dir.resolve("vad.onnx"), 1, 2, MeasurementSettings.defaults(),
                Map.of("input", new long[] {1, 512}, "sr", new long[0]), Map.of(),
                Map.of("sr", new long[] {16000}, "ids", new long[] {3, -1, 7}));

        WorkerFiles.writeRequest(dir, asked, 2);
        MeasurementRequest read = WorkerFiles.readRequest(dir).request();

        assertThat(read.inputShapes().get("sr")).isEmpty();
        assertThat(read.inputShapes().get("input")).containsExactly(1, 512);
        assertThat(read.inputValues().get("sr")).containsExactly(16000);
        assertThat(read.inputValues().get("ids")).containsExactly(3, -1, 7);
    }
}
