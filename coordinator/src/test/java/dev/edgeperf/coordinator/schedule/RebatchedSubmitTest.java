package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.Tensors;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fixed-batch upload rebatched at submit: stored only once every check passed, the user's digest kept. */
class RebatchedSubmitTest {
    @TempDir
    Path dir;

    private Store store;
    private ArtifactStore artifacts;
    private VariantPreparation preparation;
    private Campaigns campaigns;

    @BeforeEach
    void setUp() {
        store = Fixtures.store(dir);
        FleetRegistry fleet = new FleetRegistry();
        JobScheduler scheduler = new JobScheduler(store, fleet, new NaivePredictor());
        scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), new RecordingLink());
        artifacts = new ArtifactStore(dir.resolve("artifacts"));
        preparation = new VariantPreparation(artifacts, ModelZoo::build, new ModelBuilder(null)::build,
                (model, baseline, variant, recipe, inputs, evaluation) -> null);
        campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(), preparation);
    }

    @AfterEach
    void tearDown() {
        preparation.close();
        Database.close(store.dataSource());
    }

    /** x [1, 4] @ w [4, 3] = y [1, 3]: fixed batch 1, rebatchable. */
    private static ModelProto fixed() {
        GraphProto g = GraphProto.newBuilder().setName("fixed").addInput(value("x", 4)).addOutput(value("y", 3))
                .addInitializer(Tensors.floatTensor("w", new long[] {4, 3}, new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1,
                    0.5f, 0.5f, 0.5f}))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                        .addOutput("y")).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build();
    }

    private static ValueInfoProto value(String name, long width) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(
                        TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))))).build();
    }

    private CampaignRequest request(String digest, long size, Map<String, ModelCalibration> evaluations) {
        return new CampaignRequest("", List.of("fixed.onnx"), Map.of("fixed.onnx", UploadedModel.stored(digest, size,
                List.of())), List.of("baseline"), List.of(1, 4), List.of(), List.of(), List.of(),
                new MeasurementSettings(2, 5, 10, 1000), "", Map.of(), Map.of(), evaluations);
    }

    private long storedFiles() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("artifacts"))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aRefusalAfterRebatchingLeavesNoRebatchedFileAndASubmitKeepsTheUsersDigest() throws Exception {
        byte[] user = fixed().toByteArray();
        String userDigest = artifacts.put(user);
        String rebatched = Digests.sha256Hex(Rebatching.rebatched("fixed.onnx", fixed(), ModelInputs.none(),
                List.of(1, 4)).model().toByteArray());
        long before = storedFiles();

        // the evaluation check runs after rebatching: two classes, the model outputs three
        Map<String, ModelCalibration> twoClasses = Map.of("", new ModelCalibration("images:pets", "",
                Map.of("cat/1.png", new byte[] {1}, "dog/1.png", new byte[] {1})));
        assertThatThrownBy(() -> campaigns.submit(request(userDigest, user.length, twoClasses)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("evaluation images:pets has 2 classes but model fixed.onnx outputs 3; expected data with one"
                        + " class per model output");
        assertThat(artifacts.contains(rebatched)).isFalse();
        assertThat(storedFiles()).isEqualTo(before);
        assertThat(campaigns.list()).isEmpty();

        campaigns.submit(request(userDigest, user.length, Map.of()));
        assertThat(artifacts.contains(rebatched)).isTrue();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT spec_json, prep_message FROM campaigns")) {
            assertThat(rs.next()).isTrue();
            JsonNode file = new ObjectMapper().readTree(rs.getString(1)).path("uploads").path("fixed.onnx");
            assertThat(file.path("digest").asText()).isEqualTo(userDigest);
            assertThat(file.path("sizeBytes").asLong()).isEqualTo(user.length);
            assertThat(file.path("rebatchedDigest").asText()).isEqualTo(rebatched);
            assertThat(rs.getString(2)).contains("rebatched: fixed.onnx input x leading dim 1 → batch (uploaded "
                    + userDigest.substring(0, 12) + ", measured as " + rebatched.substring(0, 12) + ")");
        }
    }

    @Test
    void replacingTheUploadsKeepsEverythingElseOfTheRequest() {
        TrainingData training = new TrainingData("mnist", 100);
        CampaignRequest r = new CampaignRequest("n", List.of("m"), Map.of(), List.of("baseline"), List.of(1),
                List.of(), List.of(), List.of(), new MeasurementSettings(2, 5, 10, 1000), "spec", Map.of(), Map.of(),
                Map.of(), training);
        CampaignRequest replaced = r.withUploads(Map.of("m", UploadedModel.stored("d", 1, List.of())));
        assertThat(replaced.training()).isEqualTo(training);
        assertThat(replaced.specSource()).isEqualTo("spec");
        assertThat(replaced.uploads()).containsOnlyKeys("m");
    }
}
