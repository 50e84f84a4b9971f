package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.cli.CoordinatorMain;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign's {@code distilled:} variant is trained at preparation, through the same core path as
 * {@code variants build}: the same teacher, recipe and train images give the same bytes; without training data
 * the recipe is refused at submit with one line, and nothing is stored.
 */
class DistilledPreparationTest {
    private static final String RECIPE = "distilled:mnist-cnn:width=0.5,epochs=1";

    @TempDir
    Path dir;

    private Store store;
    private VariantPreparation preparation;
    private Campaigns campaigns;

    private static Path mnist() {
        return dev.edgeperf.coordinator.testing.Fixtures.mnist();
    }

    @BeforeEach
    void setUp() {
        store = Fixtures.store(dir);
        FleetRegistry fleet = new FleetRegistry();
        JobScheduler scheduler = new JobScheduler(store, fleet, new NaivePredictor());
        scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), new RecordingLink());
        // the real builder, on the datasets the CLI reads
        preparation = new VariantPreparation(new ArtifactStore(dir.resolve("artifacts")), ModelZoo::build,
                new ModelBuilder(mnist()));
        campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(), preparation);
    }

    @AfterEach
    void tearDown() {
        preparation.close();
        Database.close(store.dataSource());
    }

    private static CampaignRequest request(TrainingData training) {
        return new CampaignRequest("", List.of("mnist-cnn"), Map.of(), List.of("baseline", RECIPE), List.of(1),
                List.of(), List.of(), List.of(), new MeasurementSettings(2, 5, 10, 1000), "", Map.of(), Map.of(),
                Map.of(), training);
    }

    @Test
    void aDistilledVariantIsPreparedWithTheDigestVariantsBuildGives() throws Exception {
        Path data = mnist();
        Path out = dir.resolve("cli");
        StringWriter err = new StringWriter();
        var cli = CoordinatorMain.newCommandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("variants", "build", "mnist-cnn", "--variants", RECIPE, "--calibration", "mnist",
                "--datasets", data.toString(), "--train-images", "1000", "--eval-images", "100", "--out", out.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")));
        String cliDigest = manifest.path("variants").get(0).path("sha256").asText();

        String id = campaigns.submit(request(new TrainingData("mnist", 1000))).summary().id();
        long deadline = System.nanoTime() + 300_000_000_000L; // a wait bound, not a speed assertion
        while (campaigns.status(id).summary().total() == 0 && !campaigns.status(id).summary().preparation().failed()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(campaigns.status(id).summary().preparation().failure()).isEmpty();
        Map<String, String> digests = new LinkedHashMap<>();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT variant_recipe, model_digest FROM jobs ORDER BY seq")) {
            while (rs.next()) {
                digests.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(digests).containsKeys("baseline", RECIPE);
        assertThat(digests.get(RECIPE)).isEqualTo(cliDigest).isNotEqualTo(digests.get("baseline"));

        // fewer train images train another student: the training data really reaches preparation
        byte[] other = new ModelBuilder(data).build(ModelZoo.build("mnist-cnn"), "mnist-cnn", RECIPE,
                dev.edgeperf.core.onnx.ModelInputs.none(), ModelCalibration.RANDOM, new TrainingData("mnist", 500)).onnx();
        assertThat(dev.edgeperf.core.io.Digests.sha256Hex(other)).isNotEqualTo(cliDigest);
    }

    @Test
    void withoutTrainingDataTheRecipeIsRefusedAtSubmitWithOneLine() {
        assertThatThrownBy(() -> campaigns.submit(request(null))).isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("recipe '" + RECIPE + "' trains a student on labelled data, and none was given")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new TrainingData("random", 0)).isInstanceOf(EdgeperfException.class)
                .hasMessage("training 'random' is not a labelled dataset; expected mnist or fashion-mnist (the train"
                        + " split distilled: students are trained on)");
        assertThat(campaigns.list()).isEmpty();
    }
}
