package dev.edgeperf.coordinator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionErrorsTest {
    private static int nextId;

    private static ResultRecord row(String state, String agent, String recipe, int batch, Double p50, Double naive,
                                    Double roofline) {
        Map<ResultField, Object> v = new EnumMap<>(ResultField.class);
        v.put(ResultField.JOB_ID, "job-" + (nextId++));
        v.put(ResultField.STATE, state);
        v.put(ResultField.AGENT_NAME, agent);
        v.put(ResultField.MODEL_NAME, "mnist-cnn");
        v.put(ResultField.VARIANT_RECIPE, recipe);
        v.put(ResultField.BATCH_SIZE, batch);
        v.put(ResultField.THREADS, 2);
        if (p50 != null) {
            v.put(ResultField.P50_MS, p50);
        }
        if (naive != null) {
            v.put(ResultField.PREDICTED_NAIVE_MS, naive);
        }
        if (roofline != null) {
            v.put(ResultField.PREDICTED_ROOFLINE_MS, roofline);
        }
        return new ResultRecord(v);
    }

    @Test
    void handMadeNumbers() {
        // pi, naive: errors -50 %, +5 %, -20 %, +100 %  -> |e| 5, 20, 50, 100
        // pi, roofline: -8 %, +30 %, 0 % (one row has no roofline figure)
        List<ResultRecord> rows = List.of(
                row("done", "pi", "baseline", 1, 10.0, 5.0, 9.2),
                row("done", "pi", "baseline", 4, 20.0, 21.0, 26.0),
                row("done", "pi", "pruned:structured:0.5", 1, 5.0, 4.0, 5.0),
                row("done", "pi", "quantized:int8-static", 1, 2.0, 4.0, null),
                row("failed", "pi", "baseline", 8, null, 3.0, 3.0),
                row("done", "x86", "baseline", 1, 10.0, 11.0, null));
        PredictionErrors e = PredictionErrors.of("c1", rows);

        assertThat(e.rows()).isEqualTo(6);
        assertThat(e.measured()).isEqualTo(5);
        assertThat(e.byDevice()).extracting(s -> s.group() + "/" + s.predictor())
                .containsExactly("pi/naive-flops", "pi/roofline", "x86/naive-flops");

        ErrorSummary piNaive = e.byDevice().get(0);
        assertThat(piNaive.cells()).isEqualTo(4);
        assertThat(piNaive.medianAbsErrorPct()).isCloseTo((20 + 50) / 2.0, within(1e-9));
        assertThat(piNaive.mapePct()).isCloseTo((5 + 20 + 50 + 100) / 4.0, within(1e-9));
        assertThat(piNaive.within10()).isEqualTo(0.25);
        assertThat(piNaive.within25()).isEqualTo(0.5);
        assertThat(piNaive.worst()).extracting(ErrorSummary.Cell::variant)
                .containsExactly("quantized:int8-static", "baseline", "pruned:structured:0.5", "baseline");
        assertThat(piNaive.worst().get(0).errorPct()).isCloseTo(100, within(1e-9));
        assertThat(piNaive.worst().get(1).errorPct()).isCloseTo(-50, within(1e-9));

        ErrorSummary piRoof = e.byDevice().get(1);
        assertThat(piRoof.cells()).isEqualTo(3);
        assertThat(piRoof.medianAbsErrorPct()).isCloseTo(8, within(1e-9));
        assertThat(piRoof.mapePct()).isCloseTo((8 + 30 + 0) / 3.0, within(1e-9));
        assertThat(piRoof.within10()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(piRoof.within25()).isCloseTo(2 / 3.0, within(1e-12));

        // kinds: baseline (pi b1, pi b4, x86 b1), pruned, quantized
        assertThat(e.byVariantKind()).extracting(s -> s.group() + "/" + s.predictor() + "/" + s.cells())
                .containsExactly("baseline/naive-flops/3", "baseline/roofline/2", "pruned/naive-flops/1",
                        "pruned/roofline/1", "quantized/naive-flops/1");
        ErrorSummary baselineNaive = e.byVariantKind().get(0);
        // |e| 50, 5, 10 -> within 10: 5 and 10 (10 % counts as within)
        assertThat(baselineNaive.within10()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(baselineNaive.medianAbsErrorPct()).isCloseTo(10, within(1e-9));
    }

    @Test
    void keepsOnlyTheFiveWorstCells() {
        List<ResultRecord> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            rows.add(row("done", "pi", "baseline", i, 10.0, 10.0 + i, null));
        }
        ErrorSummary s = PredictionErrors.of("c", rows).byDevice().get(0);
        assertThat(s.cells()).isEqualTo(7);
        assertThat(s.worst()).extracting(ErrorSummary.Cell::batch).containsExactly(7L, 6L, 5L, 4L, 3L);
    }

    @Test
    void noPredictionOrNoMeasurementIsNoCell() {
        PredictionErrors e = PredictionErrors.of("c", List.of(row("done", "pi", "baseline", 1, 10.0, null, null),
                row("failed", "pi", "baseline", 1, null, 3.0, null)));
        assertThat(e.hasCells()).isFalse();
        assertThat(e.measured()).isEqualTo(1);
    }

    @Test
    void variantKindIsTheRecipeBeforeItsFirstColon() {
        assertThat(PredictionErrors.variantKind("pruned:structured:0.5")).isEqualTo("pruned");
        assertThat(PredictionErrors.variantKind("separable")).isEqualTo("separable");
        assertThat(PredictionErrors.variantKind("")).isEqualTo("baseline");
    }
}
