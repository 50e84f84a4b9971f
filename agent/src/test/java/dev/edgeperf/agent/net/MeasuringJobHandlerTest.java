package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.MeasurementRequest;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.agreement.DeviceAgreement;
import dev.edgeperf.core.agreement.ReferenceSet;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.Shape;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasuringJobHandlerTest {
    @TempDir
    Path dir;
    private final ManagedChannel unused = InProcessChannelBuilder.forName("nobody-serves-this").build();

    @AfterEach
    void close() {
        unused.shutdownNow();
    }

    private MeasuringJobHandler handler() {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"), ArtifactServiceGrpc.newBlockingStub(unused),
                Duration.ofSeconds(1));
        InferenceRunner runner = new InferenceRunner(new DeviceSensors(dir), 2);
        return new MeasuringJobHandler(cache, runner, AgentClientTest.hardware(), "0.1.0-test", () -> 42L);
    }

    private Path cached(byte[] bytes) throws Exception {
        String digest = Digests.sha256Hex(bytes);
        Path f = dir.resolve("cache").resolve(digest + ".onnx");
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        return f;
    }

    private static JobAssignment job(Path cachedFile, MeasurementSettings settings) {
        return JobAssignment.newBuilder().setJobId("j1").setAttempt(1).setModelName("m")
                .setModelDigest(cachedFile.getFileName().toString().replace(".onnx", "")).setBatchSize(1)
                .setIntraOpThreads(1).setSettings(settings).build();
    }

    @Test
    void corruptCachedModelFailsTheJobAndIsEvicted() throws Exception {
        Path f = cached("verified bytes that are not an ONNX model".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> handler().execute(job(f, MeasurementSettings.getDefaultInstance())))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith(InferenceRunner.MODEL_LOAD_FAILURE);
        assertThat(f).doesNotExist();
    }

    /** Issue 11: a target the coordinator used to accept fails the job with the same line as everywhere. */
    @Test
    void outOfRangeSettingsFailTheJobWithOneUserErrorLine() throws Exception {
        Path f = cached(ModelZoo.build("mnist-cnn"));
        assertThatThrownBy(() -> handler().execute(job(f, MeasurementSettings.newBuilder().setMaxDurationMs(1000)
                .setTargetCiHalfWidth(0.0005).build())))
                .isInstanceOfSatisfying(EdgeperfException.class,
                        e -> assertThat(e.category()).isEqualTo(dev.edgeperf.core.ErrorCategory.USER_ERROR))
                .hasMessageStartingWith("job j1: measurement setting target_ci_half_width=5.0E-4 is out of range")
                .hasMessageNotContaining("\n");
    }

    @Test
    void newSettingsFieldsReachTheResult() throws Exception {
        Path f = cached(ModelZoo.build("mnist-cnn"));
        JobResult r = handler().execute(job(f, MeasurementSettings.newBuilder().setWarmupIterations(1)
                .setMinIterations(20).setMinDurationMs(10).setMaxDurationMs(3000).setTargetCiHalfWidth(0.5)
                .setConcurrency(2).setInProcess(true).build()));
        assertThat(r.getConcurrency()).isEqualTo(2);
        assertThat(r.getStopReason()).isEqualTo("target-ci-reached");
        assertThat(r.getInProcess()).isTrue();
        assertThat(r.getLatencyHistogram().isEmpty()).isFalse();
        assertThat(r.getP999Ms()).isGreaterThanOrEqualTo(r.getComputeLatency().getP99Ms());
        assertThat(r.getP50Ci95LowMs()).isLessThanOrEqualTo(r.getComputeLatency().getP50Ms());
        assertThat(r.getP50Ci95HighMs()).isGreaterThanOrEqualTo(r.getComputeLatency().getP50Ms());
        assertThat(r.hasEndToEndLatency()).isFalse(); // throughput mode
        assertThat(r.getExecutionProvidersAvailableList()).contains("CPU");
        assertThat(r.getFinishedUnixMs()).isEqualTo(42L);
        assertThat(f).exists();
    }

    @Test
    void everyMeasurementSettingOfTheJobReachesTheRunnerItAsksFor() throws Exception {
        Path f = cached(ModelZoo.build("mnist-cnn"));
        List<MeasurementRequest> forked = new ArrayList<>();
        List<MeasurementRequest> inProcess = new ArrayList<>();
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"), ArtifactServiceGrpc.newBlockingStub(unused),
                Duration.ofSeconds(1));
        MeasuringJobHandler handler = new MeasuringJobHandler(cache, capturing(forked), capturing(inProcess),
                AgentClientTest.hardware(), "0.1.0-test", () -> 42L);
        JobAssignment.Builder job = job(f, MeasurementSettings.newBuilder().setWarmupIterations(7)
                .setMinIterations(33).setMinDurationMs(1234).setMaxDurationMs(5678).setTargetCiHalfWidth(0.02)
                .setWarmupUntilStable(true).setConcurrency(3).build()).toBuilder().setBatchSize(4).setIntraOpThreads(0);

        assertThatThrownBy(() -> handler.execute(job.build())).hasMessage("captured");
        assertThatThrownBy(() -> handler.execute(job.setSettings(job.getSettings().toBuilder().setInProcess(true))
                .build())).hasMessage("captured");

        assertThat(forked).hasSize(1);
        assertThat(inProcess).hasSize(1);
        for (MeasurementRequest r : List.of(forked.get(0), inProcess.get(0))) {
            assertThat(r.model()).isEqualTo(f);
            assertThat(r.batchSize()).isEqualTo(4);
            assertThat(r.intraOpThreads()).isZero();
            assertThat(r.concurrency()).isEqualTo(3);
            assertThat(r.settings().withInProcess(false)).isEqualTo(new dev.edgeperf.core.measure.MeasurementSettings(
                    7, 33, 1234, 5678, 0.02, true, 3, false));
        }
    }

    /** Issue 10: the shapes the coordinator resolved reach the runner as they are, and nothing else is sized. */
    @Test
    void theJobsInputShapesReachTheRunnerAndNoDimensionIsInvented() throws Exception {
        Path f = cached(Files.readAllBytes(dev.edgeperf.agent.measure.TinyModels.openDimsRelu(dir, "det.onnx", "batch",
                3, "?", "?")));
        List<MeasurementRequest> captured = new ArrayList<>();
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"), ArtifactServiceGrpc.newBlockingStub(unused),
                Duration.ofSeconds(1));
        MeasuringJobHandler handler = new MeasuringJobHandler(cache, capturing(captured), capturing(captured),
                AgentClientTest.hardware(), "0.1.0-test", () -> 42L);
        MeasurementSettings quick = MeasurementSettings.newBuilder().setWarmupIterations(1).setMinIterations(3)
                .setMinDurationMs(1).setMaxDurationMs(3000).setInProcess(true).build();
        JobAssignment job = job(f, quick).toBuilder().setBatchSize(2)
                .putInputShapes("x", Shape.newBuilder().addAllDims(List.of(2L, 3L, 48L, 192L)).build()).build();

        assertThatThrownBy(() -> handler.execute(job)).hasMessage("captured");

        assertThat(captured.get(0).inputShapes()).containsOnlyKeys("x");
        assertThat(captured.get(0).inputShapes().get("x")).containsExactly(2, 3, 48, 192);
        assertThat(captured.get(0).dims()).isEmpty();

        // measured for real: the open dims take the job's sizes; without them the job fails, naming the dimension
        JobResult r = handler().execute(job);
        assertThat(r.getBatchSize()).isEqualTo(2);
        assertThat(r.getComputeLatency().getCount()).isGreaterThanOrEqualTo(3);
        assertThatThrownBy(() -> handler().execute(job.toBuilder().clearInputShapes().build()))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("has no value for dimension 2 (unnamed, dim_param '?') of [batch, 3, ?, ?]");
    }

    /** Issue 13: after measuring, the variant runs on the job's reference inputs and its agreement is reported. */
    @Test
    void theAgreementWithTheReferenceOutputsReachesTheResultAndADifferentModelIsFlagged() throws Exception {
        byte[] cnn = ModelZoo.build("mnist-cnn");
        Path f = cached(cnn);
        ai.onnx.proto.OnnxMl.ModelProto model = dev.edgeperf.core.onnx.OnnxModels.parse(cnn, "mnist-cnn");
        ReferenceSet set = ReferenceSet.of(model, ReferenceSet.generatedInputs(model,
                java.util.Map.of(model.getGraph().getInput(0).getName(), new long[] {1, 1, 28, 28}), java.util.Map.of(),
                4, ReferenceSet.DEFAULT_SEED, "mnist-cnn"), "mnist-cnn");
        Path ref = cached(set.encode());
        String refDigest = ref.getFileName().toString().replace(".onnx", "");
        MeasurementSettings quick = MeasurementSettings.newBuilder().setWarmupIterations(1).setMinIterations(3)
                .setMinDurationMs(1).setMaxDurationMs(3000).setInProcess(true).build();

        JobResult r = handler().execute(job(f, quick).toBuilder().setReferenceSetDigest(refDigest).build());
        assertThat(r.hasDeviceAgreementCosine()).isTrue();
        assertThat(r.getDeviceAgreementCosine()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.getDeviceMaxAbsDiff()).isLessThan(1e-5);
        assertThat(r.getDeviceDisagrees()).isFalse();
        assertThat(r.getDeviceAgreementError()).isEmpty();

        // another model of the same input and output shapes computes something else: flagged, not failed
        Path other = cached(ModelZoo.build("mnist-cnn-pool"));
        JobResult o = handler().execute(job(other, quick).toBuilder().setReferenceSetDigest(refDigest).build());
        assertThat(o.getComputeLatency().getCount()).isGreaterThanOrEqualTo(3);
        assertThat(o.getDeviceAgreementCosine()).isLessThan(DeviceAgreement.COSINE_THRESHOLD);
        assertThat(o.getDeviceDisagrees()).isTrue();
        assertThat(o.getDeviceAgreementError()).startsWith("disagrees at output '"
                + model.getGraph().getOutput(0).getName() + "': cosine ");

        // no reference set: no fields; an unreadable one: the measurement stands and the reason is given
        assertThat(handler().execute(job(f, quick)).hasDeviceAgreementCosine()).isFalse();
        Path junk = cached("not a reference set".getBytes(StandardCharsets.UTF_8));
        JobResult j = handler().execute(job(f, quick).toBuilder()
                .setReferenceSetDigest(junk.getFileName().toString().replace(".onnx", "")).build());
        assertThat(j.hasDeviceAgreementCosine()).isFalse();
        assertThat(j.getDeviceAgreementError()).contains("is not an edgeperf reference set");
        assertThat(j.getComputeLatency().getCount()).isGreaterThanOrEqualTo(3);
    }

    /** A runner that records the request and stops the job there. */
    private static MeasurementRunner capturing(List<MeasurementRequest> into) {
        return (request, progress) -> {
            into.add(request);
            throw new IllegalStateException("captured");
        };
    }

    /** Issue 14 item 3: a provider the agent lacks fails the job with one line before the model is fetched. */
    @Test
    void aRequestedProviderTheAgentLacksFailsTheJobNamingTheAgent() {
        ArtifactCache cache = new ArtifactCache(dir.resolve("cache"), ArtifactServiceGrpc.newBlockingStub(unused),
                Duration.ofSeconds(1));
        InferenceRunner runner = new InferenceRunner(new DeviceSensors(dir), 2);
        MeasuringJobHandler handler = new MeasuringJobHandler(cache, runner, runner, AgentClientTest.hardware(),
                "0.1.0-test", () -> 42L, "pi-1", () -> java.util.List.of("CPU"));
        // a digest nobody serves: the job must fail on the provider, never reach the fetch
        JobAssignment job = JobAssignment.newBuilder().setJobId("j1").setAttempt(1).setModelName("m")
                .setModelDigest("0".repeat(64)).setBatchSize(1).setIntraOpThreads(1)
                .setSettings(dev.edgeperf.core.measure.MeasurementSettings.defaults()
                        .withProviders(java.util.List.of("cuda", "cpu")).toProto()).build();
        assertThatThrownBy(() -> handler.execute(job))
                .isInstanceOfSatisfying(EdgeperfException.class,
                        e -> assertThat(e.category()).isEqualTo(dev.edgeperf.core.ErrorCategory.USER_ERROR))
                .hasMessage("provider cuda is not available on agent pi-1 (available: cpu)");
    }
}
