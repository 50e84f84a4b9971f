package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForkedRunnerTest {
    @TempDir
    Path dir;

    @Test
    void workerMeasuresAndReportsItsPeakRss() throws Exception {
        Path mnist = dir.resolve("mnist-cnn.onnx");
        Files.write(mnist, ModelZoo.build("mnist-cnn"));
        AtomicLong progress = new AtomicLong();
        MeasurementResult m = new ForkedRunner(dir.resolve("scratch"), 2).measure(
                new MeasurementRequest(mnist, 2, 1, new MeasurementSettings(2, 30, 50, 120_000)),
                (it, ms) -> progress.set(it));
        assertThat(m.inProcess()).isFalse();
        assertThat(m.batchSize()).isEqualTo(2);
        assertThat(m.computeLatency().count()).isGreaterThanOrEqualTo(30);
        assertThat(progress.get()).isEqualTo(m.computeLatency().count());
        assertThat(m.memory().peakRssBytes()).isGreaterThan(20L << 20);
        assertThat(m.endToEndLatency()).isPresent();
        assertThat(m.stopReason()).isEqualTo(StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET);
        assertThat(m.host().executionProvidersAvailable()).contains("CPU");
        // the job directory is cleaned up
        assertThat(Files.list(dir.resolve("scratch"))).isEmpty();
    }

    /**
     * Issue 11: every JVM that loads ONNX Runtime left an empty onnxruntime-java* folder in the temp
     * dir. Each worker here gets a temp dir of its own, so other processes on the machine cannot
     * disturb the count; without the natives folder the same worker leaves one (the control).
     */
    @Test
    void workerWithExtractedNativesLeavesNothingInTheTempDir() throws Exception {
        Path mnist = dir.resolve("mnist-cnn.onnx");
        Files.write(mnist, ModelZoo.build("mnist-cnn"));
        Path natives = OrtNatives.extract(dir.resolve("work")).orElseThrow();
        Path withNatives = Files.createDirectories(dir.resolve("tmp-with"));
        Path without = Files.createDirectories(dir.resolve("tmp-without"));
        MeasurementRequest request = new MeasurementRequest(mnist, 1, 1, new MeasurementSettings(0, 5, 0, 2_000));

        new ForkedRunner(dir.resolve("scratch"), 1, WorkerMain.class.getName(), List.of(
                "-Djava.io.tmpdir=" + withNatives, "-D" + OrtNatives.PROPERTY + "=" + natives)).measure(request);
        new ForkedRunner(dir.resolve("scratch"), 1, WorkerMain.class.getName(), List.of(
                "-Djava.io.tmpdir=" + without)).measure(request);

        assertThat(ortFolders(withNatives)).isEmpty();
        assertThat(ortFolders(without)).hasSize(1);
    }

    @Test
    void nativesAreExtractedOnceAndReused() throws Exception {
        Path natives = OrtNatives.extract(dir).orElseThrow();
        assertThat(natives).startsWith(dir.resolve("native"));
        assertThat(natives.getFileName().toString()).isEqualTo("onnxruntime-"
                + ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion() + "-" + OrtNatives.platform())
                .matches("onnxruntime-\\d+\\.\\d+\\.\\d+-.*");
        Path lib = natives.resolve(System.mapLibraryName("onnxruntime"));
        Files.setLastModifiedTime(lib, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        assertThat(OrtNatives.extract(dir)).contains(natives);
        assertThat(Files.getLastModifiedTime(lib).toMillis()).as("not rewritten").isEqualTo(1_000_000);
        try (var files = Files.list(natives)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(
                    System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"));
        }
    }

    @Test
    void workersInheritTheNativesFolderOfTheirParent() {
        String before = System.getProperty(OrtNatives.PROPERTY);
        try {
            System.setProperty(OrtNatives.PROPERTY, "/some/natives");
            assertThat(ForkedRunner.inheritedOptions()).containsExactly("-D" + OrtNatives.PROPERTY + "=/some/natives");
            System.clearProperty(OrtNatives.PROPERTY);
            assertThat(ForkedRunner.inheritedOptions()).isEmpty();
        } finally {
            if (before != null) {
                System.setProperty(OrtNatives.PROPERTY, before);
            }
        }
    }

    private static List<Path> ortFolders(Path tmp) throws Exception {
        try (var files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("onnxruntime-java")).toList();
        }
    }

    /** As an agent under qemu starts its workers: the prefix's program runs, and it runs the worker's java. */
    @Test
    void aWorkerStartsBehindThePrefixOfWorkerLauncher() throws Exception {
        Path mnist = dir.resolve("mnist-cnn.onnx");
        Files.write(mnist, ModelZoo.build("mnist-cnn"));
        Path marker = dir.resolve("prefix-ran");
        Path emulator = Files.writeString(dir.resolve("emulator.sh"), "#!/bin/sh\necho \"$1\" > " + marker
                + "\nexec \"$@\"\n");
        assertThat(emulator.toFile().setExecutable(true)).isTrue();
        List<String> javaCommand = WorkerLauncher.javaCommand(java.util.Map.of(WorkerLauncher.PREFIX_ENV, emulator.toString()),
                System.getProperty("java.home"));

        MeasurementResult m = new ForkedRunner(dir.resolve("scratch"), 1, WorkerMain.class.getName(), List.of(), javaCommand)
                .measure(new MeasurementRequest(mnist, 1, 1, new MeasurementSettings(0, 3, 0, 2_000)));

        assertThat(m.inProcess()).isFalse();
        assertThat(m.computeLatency().count()).isGreaterThanOrEqualTo(3);
        assertThat(Files.readString(marker).strip()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    @Test
    void aWorkerJavaTheKernelCannotExecFailsTheJobWithWhatToDo() throws Exception {
        Path foreign = Files.writeString(dir.resolve("java"), "not a program this kernel runs");
        ForkedRunner runner = new ForkedRunner(dir.resolve("scratch"), 1, WorkerMain.class.getName(), List.of(),
                List.of(foreign.toString()));
        assertThatThrownBy(() -> runner.measure(new MeasurementRequest(dir.resolve("m.onnx"), 1, 1,
                new MeasurementSettings(0, 5, 0, 1000))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("cannot start the measurement worker JVM for m.onnx (" + foreign + "): ")
                .hasMessageContaining("set " + WorkerLauncher.PREFIX_ENV);
    }

    @Test
    void workerFailureKeepsItsCategoryAndMessage() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "not a model");
        assertThatThrownBy(() -> new ForkedRunner(dir, 1).measure(
                new MeasurementRequest(junk, 1, 1, new MeasurementSettings(0, 5, 0, 1000))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith(InferenceRunner.MODEL_LOAD_FAILURE + "junk.onnx: ")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
    }

    @Test
    void crashedWorkerFailsTheJobWithSignalAndLastStderrLine() {
        ForkedRunner crashing = new ForkedRunner(dir, 1, CrashingWorker.class.getName(), List.of());
        assertThatThrownBy(() -> crashing.measure(new MeasurementRequest(dir.resolve("any.onnx"), 1, 1,
                new MeasurementSettings(0, 5, 0, 1000))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("measurement worker for any.onnx was killed by signal 6 (SIGABRT); last stderr line: "
                        + "# fake native crash in libonnxruntime.so")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
    }

    @Test
    void killedWorkerIsReportedAsProbablyOutOfMemory() {
        EdgeperfException e = ForkedRunner.crash("big.onnx", 137, "");
        assertThat(e.getMessage()).isEqualTo("measurement worker for big.onnx was killed by signal 9 (SIGKILL), "
                + "probably out of memory");
        assertThat(e.category()).isEqualTo(ErrorCategory.INSUFFICIENT_RESOURCES);
        assertThat(ForkedRunner.crash("m.onnx", 3, "java.lang.OutOfMemoryError: Java heap space").getMessage())
                .contains("ran out of Java heap").endsWith("last stderr line: java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void classPathEntriesBecomeAbsoluteBecauseTheWorkerRunsInTheJobDirectory() {
        String cp = ForkedRunner.absoluteClassPath("agent/target/edgeperf-agent.jar:/opt/lib/x.jar");
        assertThat(cp.split(":")).containsExactly(Path.of("agent/target/edgeperf-agent.jar").toAbsolutePath().toString(),
                "/opt/lib/x.jar");
    }
}
