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
                new MeasurementSettings(7, 33, 1234, 5678, 0.02, true, 3, true),
                Map.of("x", new long[] {1, 3, 48, 192}, "input ids", new long[] {1, 7}), Map.of("sequence", 128L));

        WorkerFiles.writeRequest(dir, asked, 6);
        WorkerFiles.Request read = WorkerFiles.readRequest(dir);

        assertThat(read.request()).usingRecursiveComparison().isEqualTo(asked);
        assertThat(read.request().inputShapes().get("x")).containsExactly(1, 3, 48, 192);
        assertThat(read.request().dims()).containsExactly(Map.entry("sequence", 128L));
        assertThat(read.defaultThreads()).isEqualTo(6);
    }
}
