package dev.edgeperf.coordinator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.predict.learned.CampaignCell;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnedCellsTest {
    private static int nextId;

    /** A done row at threads 2 whose roofline figure is {@code roofline} and whose p50 is {@code ratio} x that. */
    private static ResultRecord row(String agent, String model, String recipe, int batch, double roofline,
                                    double ratio) {
        Map<ResultField, Object> v = new EnumMap<>(ResultField.class);
        v.put(ResultField.JOB_ID, "job-" + (nextId++));
        v.put(ResultField.STATE, "done");
        v.put(ResultField.AGENT_NAME, agent);
        v.put(ResultField.MODEL_NAME, model);
        v.put(ResultField.VARIANT_RECIPE, recipe);
        v.put(ResultField.BATCH_SIZE, (long) batch);
        v.put(ResultField.THREADS, 2L);
        v.put(ResultField.FLOPS, 1_000_000L * batch);
        v.put(ResultField.P50_MS, roofline * ratio);
        v.put(ResultField.PREDICTED_NAIVE_MS, roofline / 3);
        v.put(ResultField.PREDICTED_ROOFLINE_MS, roofline);
        v.put(ResultField.RECOMMENDED_PREDICTOR, "roofline");
        // a lease-time learned figure: the analysis must not use it
        v.put(ResultField.PREDICTED_LEARNED_MS, 1e6);
        return new ResultRecord(v);
    }

    private static List<ResultRecord> model(String agent, String model, double ratio) {
        List<ResultRecord> rows = new ArrayList<>();
        for (int batch : new int[] {1, 2, 4}) {
            rows.add(row(agent, model, "baseline", batch, batch, ratio));
            rows.add(row(agent, model, "pruned:structured:0.5", batch, batch * 0.6, ratio));
        }
        return rows;
    }

    @Test
    void eachCellIsJudgedWithoutItsModelOnItsDeviceOnly() {
        List<ResultRecord> campaign = model("pi", "mnist-cnn", 1.25);
        List<ResultRecord> history = new ArrayList<>(model("pi", "lenet5", 2.0));
        // the same model in an earlier campaign, and another device: neither may enter mnist-cnn's fit
        history.addAll(model("pi", "MNIST-CNN.onnx", 10.0));
        history.addAll(model("x86", "squeezenet", 5.0));

        PredictionErrors e = PredictionErrors.of("c1", campaign, List.of(), history);

        ErrorSummary learned = e.byDevice().stream().filter(s -> s.predictor().equals("learned-from-campaigns"))
                .findFirst().orElseThrow();
        assertThat(learned.group()).isEqualTo("pi");
        assertThat(learned.cells()).isEqualTo(6);
        // fitted on lenet5 alone: measured = 2 x roofline, so every mnist-cnn cell is predicted 2 / 1.25 - 1 = +60 %
        assertThat(learned.worst()).allSatisfy(c -> assertThat(c.errorPct()).isCloseTo(60, within(1e-9)));
        assertThat(learned.medianAbsErrorPct()).isCloseTo(60, within(1e-9));
        assertThat(e.toMap().get("learnedJudging")).asString().contains("leave-one-model-out");
    }

    @Test
    void withoutEnoughCellsOfOtherModelsThereIsNoLearnedSummary() {
        List<ResultRecord> campaign = model("pi", "mnist-cnn", 1.25);
        List<ResultRecord> history = new ArrayList<>(model("pi", "lenet5", 2.0).subList(0, 5));

        PredictionErrors e = PredictionErrors.of("c1", campaign, List.of(), history);

        assertThat(e.byDevice()).extracting(ErrorSummary::predictor).doesNotContain("learned-from-campaigns")
                .contains("roofline");
    }

    @Test
    void aRowsBaseIsTheKernelFigureOnlyWhenItWasRecommended() {
        Map<ResultField, Object> v = new EnumMap<>(ResultField.class);
        v.put(ResultField.STATE, "done");
        v.put(ResultField.MODEL_NAME, "m");
        v.put(ResultField.BATCH_SIZE, 8L);
        v.put(ResultField.P50_MS, 3.0);
        v.put(ResultField.PREDICTED_KERNEL_MS, 2.0);
        v.put(ResultField.PREDICTED_ROOFLINE_MS, 4.0);
        v.put(ResultField.RECOMMENDED_PREDICTOR, "kernel");
        CampaignCell kernel = LearnedCells.of(new ResultRecord(v)).orElseThrow();
        assertThat(kernel.basePredictor()).isEqualTo("kernel");
        assertThat(kernel.baseMs()).isEqualTo(2.0);
        assertThat(kernel.measuredMs()).isEqualTo(3.0);

        v.put(ResultField.RECOMMENDED_PREDICTOR, "roofline");
        assertThat(LearnedCells.of(new ResultRecord(v)).orElseThrow().baseMs()).isEqualTo(4.0);
        v.remove(ResultField.PREDICTED_ROOFLINE_MS);
        assertThat(LearnedCells.of(new ResultRecord(v))).isEmpty();
    }
}
