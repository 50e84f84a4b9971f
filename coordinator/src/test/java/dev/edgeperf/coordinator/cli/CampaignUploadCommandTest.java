package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.grpc.ArtifactServiceImpl;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ExternalData;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.CampaignState;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.ListAgentsRequest;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.SubmitCampaignRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code campaign run SPEC} uploading its model files to a loopback server before Submit. */
class CampaignUploadCommandTest {
    @TempDir
    Path dir;

    private final CliCapture cli = new CliCapture();
    private final List<SubmitCampaignRequest> submitted = new CopyOnWriteArrayList<>();
    private ArtifactStore store;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");
        store = new ArtifactStore(dir.resolve("artifacts"));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ArtifactServiceImpl(store))
                .addService(new CampaignServiceGrpc.CampaignServiceImplBase() {
                    @Override
                    public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> r) {
                        r.onNext(ListAgentsResponse.getDefaultInstance());
                        r.onCompleted();
                    }

                    @Override
                    public void submit(SubmitCampaignRequest request, StreamObserver<CampaignStatus> r) {
                        submitted.add(request);
                        r.onNext(CampaignStatus.newBuilder().setCampaignId("c-1")
                                .setState(CampaignState.CAMPAIGN_STATE_PREPARING).build());
                        r.onCompleted();
                    }
                }).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private int run(Path spec) {
        return cli.run("campaign", "run", spec.toString(), "--detach", "--data-dir", dir.toString(),
                "--coordinator", "127.0.0.1:" + server.getPort());
    }

    private Path spec(String model) throws Exception {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "models: [" + model + "]\nbatch_sizes: [1]\n");
        return spec;
    }

    private List<Path> stored() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("artifacts"))) {
            return files.toList();
        }
    }

    @Test
    void aModelAndItsExternalDataAreUploadedAndSubmittedByDigest() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        var model = ExternalData.externalize(ModelZoo.buildProto("mnist-cnn"), models, "weights.bin", 64);
        Files.write(models.resolve("cnn.onnx"), model.toByteArray());
        String onnxDigest = Digests.sha256Hex(models.resolve("cnn.onnx"));
        String weightsDigest = Digests.sha256Hex(models.resolve("weights.bin"));

        int code = run(spec("./models/cnn.onnx"));

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(submitted).singleElement().satisfies(r -> {
            assertThat(r.getModelFilesList()).singleElement().satisfies(f -> {
                assertThat(f.getName()).isEqualTo("cnn.onnx");
                assertThat(f.getOnnx().isEmpty()).isTrue();
                assertThat(f.getDigest()).isEqualTo(onnxDigest);
                assertThat(f.getSizeBytes()).isEqualTo(Files.size(models.resolve("cnn.onnx")));
                assertThat(f.getExternalDataList()).singleElement().satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("weights.bin");
                    assertThat(e.getDigest()).isEqualTo(weightsDigest);
                });
            });
        });
        assertThat(store.path(onnxDigest)).hasSameBinaryContentAs(models.resolve("cnn.onnx"));
        assertThat(store.path(weightsDigest)).hasSameBinaryContentAs(models.resolve("weights.bin"));
        // stderr is not a terminal here: one plain line per file, no bar
        assertThat(cli.err.toString()).contains("uploaded cnn.onnx: ").contains("uploaded weights.bin: ")
                .doesNotContain("%");

        int again = run(spec("./models/cnn.onnx"));

        assertThat(again).isZero();
        assertThat(cli.err.toString()).contains("uploaded cnn.onnx: already stored");
        assertThat(stored()).hasSize(2);
    }

    @Test
    void aMissingExternalDataFileIsAOneLineUserErrorBeforeAnyUpload() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        var model = ExternalData.externalize(ModelZoo.buildProto("mnist-cnn"), models, "weights.bin", 64);
        Files.write(models.resolve("cnn.onnx"), model.toByteArray());
        Files.delete(models.resolve("weights.bin"));

        int code = run(spec("./models/cnn.onnx"));

        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).isEqualTo("edgeperf: model cnn.onnx reads external data from 'weights.bin',"
                + " which does not exist (looked for " + models.resolve("weights.bin") + ")" + System.lineSeparator());
        assertThat(submitted).isEmpty();
        assertThat(stored()).isEmpty();
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeUploading() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.write(models.resolve("cnn.onnx"), ModelZoo.build("mnist-cnn"));

        var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> ModelUploads.check("cnn.onnx", models.resolve("cnn.onnx"), 1000),
                dev.edgeperf.core.EdgeperfException.class);

        assertThat(e.category()).isEqualTo(dev.edgeperf.core.ErrorCategory.USER_ERROR);
        assertThat(e.getMessage()).isEqualTo("cnn.onnx file " + models.resolve("cnn.onnx") + " is "
                + Files.size(models.resolve("cnn.onnx")) + " bytes; at most 1000 bytes per file can be uploaded");
    }
}
