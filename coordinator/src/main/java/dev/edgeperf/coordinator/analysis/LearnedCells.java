package dev.edgeperf.coordinator.analysis;

import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.predict.KernelPredictor;
import dev.edgeperf.core.predict.RooflinePredictor;
import dev.edgeperf.core.predict.learned.CampaignCell;
import dev.edgeperf.core.predict.learned.CampaignCorrection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Stored result rows as the learned-from-campaigns predictor's cells, and its leave-one-model-out
 * figures. A row's base figure is the one the predictor corrects at lease time: the kernel
 * prediction when it was the recommended one (it covered every kernel), else the roofline one.
 */
public final class LearnedCells {
    /** The fields a row is read through here (and, with the device, grouped by). */
    public static final Set<ResultField> FIELDS = Collections.unmodifiableSet(EnumSet.of(ResultField.JOB_ID,
            ResultField.CAMPAIGN_ID, ResultField.STATE, ResultField.AGENT_NAME, ResultField.MODEL_NAME,
            ResultField.VARIANT_RECIPE, ResultField.BATCH_SIZE, ResultField.THREADS, ResultField.FLOPS,
            ResultField.P50_MS, ResultField.PREDICTED_NAIVE_MS, ResultField.PREDICTED_ROOFLINE_MS,
            ResultField.PREDICTED_KERNEL_MS, ResultField.RECOMMENDED_PREDICTOR));

    private LearnedCells() {
    }

    /** The measured cells among {@code rows} (done, p50 > 0, with a base figure). */
    public static List<CampaignCell> measured(List<ResultRecord> rows) {
        return rows.stream().map(LearnedCells::of).flatMap(Optional::stream).filter(c -> c.measuredMs() > 0).toList();
    }

    /** The row as a cell; empty without a base figure. {@code measuredMs} 0 when it was not measured. */
    public static Optional<CampaignCell> of(ResultRecord row) {
        Optional<Double> kernel = row.real(ResultField.PREDICTED_KERNEL_MS).filter(v -> v > 0);
        Optional<Double> roofline = row.real(ResultField.PREDICTED_ROOFLINE_MS).filter(v -> v > 0);
        boolean kernelBase = kernel.isPresent() && KernelPredictor.NAME.equals(row.get(ResultField.RECOMMENDED_PREDICTOR));
        if (!kernelBase && roofline.isEmpty()) {
            return Optional.empty();
        }
        Object batch = row.get(ResultField.BATCH_SIZE);
        if (!(batch instanceof Number b) || b.intValue() < 1) {
            return Optional.empty();
        }
        double measured = row.state() == JobState.DONE ? row.real(ResultField.P50_MS).filter(v -> v > 0).orElse(0.0)
                : 0;
        Object threads = row.get(ResultField.THREADS);
        Object flops = row.get(ResultField.FLOPS);
        return Optional.of(new CampaignCell(row.text(ResultField.MODEL_NAME), row.text(ResultField.VARIANT_RECIPE), flops instanceof Number f ? Math.max(0, f.longValue()) : 0,
                b.intValue(), threads instanceof Number t ? Math.max(0, t.intValue()) : 0,
                kernelBase ? KernelPredictor.NAME : RooflinePredictor.NAME, kernelBase ? kernel.get() : roofline.get(),
                row.real(ResultField.PREDICTED_NAIVE_MS).filter(v -> v > 0).orElse(0.0), measured));
    }

    /**
     * The history the campaign's rows are judged on: the done rows of every stored campaign on each
     * device (agent name) that produced one of {@code rows}.
     */
    public static List<ResultRecord> deviceHistory(List<ResultRecord> rows,
                                                   Function<String, List<ResultRecord>> deviceResults) {
        return rows.stream().map(r -> r.text(ResultField.AGENT_NAME)).filter(n -> !n.isEmpty()).distinct()
                .flatMap(n -> deviceResults.apply(n).stream()).toList();
    }

    /**
     * Leave-one-model-out: each cell's figure from a correction fitted on {@code deviceHistory} without
     * the cell's model. Fits are made once per (model, base predictor).
     */
    public static final class LeaveOneModelOut {
        private final List<CampaignCell> history;
        private final Map<String, CampaignCorrection.Fit> fits = new HashMap<>();

        public LeaveOneModelOut(List<CampaignCell> deviceHistory) {
            this.history = List.copyOf(deviceHistory);
        }

        /** The out-of-sample figure of {@code row}, ms per batch; empty when too few other cells or no base figure. */
        public Optional<Double> predictMs(ResultRecord row) {
            return of(row).flatMap(cell -> fits.computeIfAbsent(CampaignCell.modelKey(cell.model()) + "\n"
                            + cell.basePredictor(), k -> CampaignCorrection.fit(history, cell.model(), cell.basePredictor()))
                    .correction().map(c -> c.predictMs(cell)));
        }

        public int historyCells() {
            return history.size();
        }
    }
}
