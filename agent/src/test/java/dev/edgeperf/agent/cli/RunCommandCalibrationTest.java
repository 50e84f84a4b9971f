package dev.edgeperf.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.agent.calibrate.CalibrationFigures;
import dev.edgeperf.agent.calibrate.CalibrationStore;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.proto.Calibration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code agent run} sends in the hello: the figures, and the kernel samples in field 90 when stored. */
class RunCommandCalibrationTest {
    private static final CalibrationFigures FIGURES = new CalibrationFigures(41.5, 30.25, 9.5, 12.0, 1.5, 2, 1L);

    @Test
    void storedKernelSamplesTravelInTheHello(@TempDir Path dir) {
        KernelCalibration k = new KernelCalibration(1, "onnxruntime 1.28.0", 5, 5.1, List.of(
                new KernelCalibration.ThreadSamples(2, 3.5, List.of(
                        new KernelSample("gemm", Map.of("m", 1L, "k", 64L, "n", 64L), 8192, 33024, 0.004)))));
        CalibrationStore.inWorkDir(dir).write(FIGURES, Optional.of(k));

        Calibration sent = RunCommand.withKernels(RunCommand.readCalibration(dir).orElseThrow().toProto(), dir);

        assertThat(sent.getMatmulGflops()).isEqualTo(41.5);
        assertThat(sent.hasKernels()).isTrue();
        assertThat(sent.getKernels().getThreads(0).getThreads()).isEqualTo(2);
        assertThat(sent.getKernels().getThreads(0).getSamples(0).getFeaturesMap()).containsEntry("k", 64L);
    }

    @Test
    void aBrokenKernelSectionIsLeftOutNotFatal(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(CalibrationStore.FILE), "{\"matmulGflops\": 41.5, \"convGflops\": 30.25,"
                + " \"memoryGbPerS\": 9.5, \"callOverheadUs\": 12.0, \"threads\": 2, \"measuredUnixMs\": 1,"
                + " \"kernels\": {\"format\": 1, \"threads\": \"many\"}}");
        Calibration sent = RunCommand.withKernels(RunCommand.readCalibration(dir).orElseThrow().toProto(), dir);
        assertThat(sent.getMatmulGflops()).isEqualTo(41.5);
        assertThat(sent.hasKernels()).isFalse();
    }
}
