package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.store.VariantEvaluation;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation data travels from the request to every job of its variant (V10 columns), or is refused at submit. */
class VariantEvaluationTest {
    @TempDir
    Path dir;

    private Store store;
    private VariantPreparation preparation;
    private Campaigns campaigns;
    private final List<String> evaluated = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        store = Fixtures.store(dir);
        FleetRegistry fleet = new FleetRegistry();
        JobScheduler scheduler = new JobScheduler(store, fleet, new NaivePredictor());
        scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), new RecordingLink());
        ArtifactStore artifacts = new ArtifactStore(dir.resolve("artifacts"));
        // a fake evaluator: the baseline scores 0.99, any variant 0.5, and says what it was given
        VariantPreparation.Evaluator fake = (model, baseline, variant, recipe, inputs, evaluation) -> {
            evaluated.add(model + " " + recipe + " " + (variant == null ? "baseline-bytes" : "variant-bytes") + " "
                    + evaluation.source());
            return variant == null ? new VariantEvaluation("fake test[0:10]", 10, 0.99, 1.0, null, null, null)
                    : new VariantEvaluation("fake test[0:10]", 10, 0.5, 0.9, 0.8, 3.0, 0.6);
        };
        preparation = new VariantPreparation(artifacts, ModelZoo::build, new ModelBuilder(null)::build, fake);
        campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(), preparation);
    }

    @AfterEach
    void tearDown() {
        preparation.close();
        Database.close(store.dataSource());
    }

    private static CampaignRequest request(Map<String, ModelCalibration> evaluations) {
        return new CampaignRequest("", List.of("mnist-cnn"), Map.of(), List.of("baseline", "pruned:structured:0.5"),
                List.of(1, 4), List.of(), List.of(), List.of(), new MeasurementSettings(2, 5, 10, 1000), "",
                Map.of(), Map.of(), evaluations);
    }

    @Test
    void everyJobOfAVariantCarriesItsOneEvaluation() throws Exception {
        String id = campaigns.submit(request(Map.of("", new ModelCalibration("mnist", "", Map.of())))).summary().id();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (campaigns.status(id).summary().total() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(evaluated).containsExactly("mnist-cnn baseline baseline-bytes mnist",
                "mnist-cnn pruned:structured:0.5 variant-bytes mnist");
        Map<String, String> stored = new LinkedHashMap<>();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT variant_recipe, batch_size, evaluation, eval_samples, accuracy_top1,"
                     + " accuracy_top5, eval_cosine, eval_sqnr_db, eval_top1_agreement FROM jobs ORDER BY seq")) {
            while (rs.next()) {
                stored.put(rs.getString(1) + "@" + rs.getInt(2), rs.getString(3) + " " + rs.getInt(4) + " "
                        + rs.getDouble(5) + " " + rs.getDouble(6) + " " + rs.getObject(7) + " " + rs.getObject(8) + " "
                        + rs.getObject(9));
            }
        }
        assertThat(stored).containsOnly(
                Map.entry("baseline@1", "fake test[0:10] 10 0.99 1.0 null null null"),
                Map.entry("baseline@4", "fake test[0:10] 10 0.99 1.0 null null null"),
                Map.entry("pruned:structured:0.5@1", "fake test[0:10] 10 0.5 0.9 0.8 3.0 0.6"),
                Map.entry("pruned:structured:0.5@4", "fake test[0:10] 10 0.5 0.9 0.8 3.0 0.6"));
    }

    @Test
    void evaluationThatCannotFitIsRefusedAtSubmitAndNothingIsStored() {
        Map<String, byte[]> threeClasses = new LinkedHashMap<>();
        for (String c : new String[] {"cat", "dog", "fish"}) {
            threeClasses.put(c + "/1.png", new byte[] {1});
        }
        assertThatThrownBy(() -> campaigns.submit(request(Map.of("", new ModelCalibration("images:pets", "",
                threeClasses))))).isInstanceOf(EdgeperfException.class)
                .hasMessage("evaluation images:pets has 3 classes but model mnist-cnn outputs 10; expected data with one"
                        + " class per model output");
        assertThatThrownBy(() -> campaigns.submit(request(Map.of("", new ModelCalibration("images:pets", "",
                Map.of("loose.png", new byte[] {1})))))).hasMessageContaining("holds files beside its class sub-folders");
        assertThatThrownBy(() -> campaigns.submit(request(Map.of("", new ModelCalibration("tensors:t", "",
                Map.of("a.npy", new byte[] {1})))))).hasMessageContaining("labels.txt is missing");
        assertThatThrownBy(() -> campaigns.submit(request(Map.of("", new ModelCalibration("tensors:t", "",
                Map.of("a.npy", new byte[] {1}, "labels.txt", "3 10".getBytes()))))))
                .hasMessageContaining("has label 10 but model mnist-cnn outputs 10 classes (0..9)");
        assertThatThrownBy(() -> campaigns.submit(request(Map.of("", ModelCalibration.RANDOM))))
                .hasMessageContaining("has no labels");
        assertThat(campaigns.list()).isEmpty();
        assertThat(evaluated).isEmpty();
    }
}
