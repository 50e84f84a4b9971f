package dev.edgeperf.coordinator.analysis;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How far one predictor was from the measurements over a group of cells. The error of a cell is
 * (predicted − measured) / measured, in percent; positive = predicted slower than measured.
 *
 * @param group              the device (agent name) or variant kind the cells share
 * @param predictor          the predictor's name
 * @param cells              cells with both a prediction and a measurement, >= 1
 * @param medianAbsErrorPct  median of |error| %, the mean of the two middle ones for an even count
 * @param mapePct            mean of |error| %
 * @param within10           share (0..1) of cells with |error| <= 10 %
 * @param within25           share (0..1) of cells with |error| <= 25 %
 * @param worst              the cells with the largest |error|, largest first (at most {@link #WORST})
 */
public record ErrorSummary(String group, String predictor, int cells, double medianAbsErrorPct, double mapePct,
                           double within10, double within25, List<Cell> worst) {
    /** Worst cells kept per summary. */
    public static final int WORST = 5;

    /**
     * One (model, variant, batch, threads) cell.
     *
     * @param predictedMs ms per batch, > 0
     * @param measuredMs  measured median compute latency per batch (p50), ms, > 0
     */
    public record Cell(String jobId, String device, String model, String variant, String variantKind, long batch,
                       long threads, double predictedMs, double measuredMs) {
        public Cell {
            Objects.requireNonNull(jobId, "jobId is null");
            Objects.requireNonNull(device, "device is null");
            Objects.requireNonNull(model, "model is null");
            Objects.requireNonNull(variant, "variant is null");
            Objects.requireNonNull(variantKind, "variantKind is null");
            if (!(predictedMs > 0) || !(measuredMs > 0)) {
                throw new IllegalArgumentException("predicted and measured ms must be > 0, got " + predictedMs
                        + " and " + measuredMs);
            }
        }

        /** (predicted − measured) / measured × 100. */
        public double errorPct() {
            return (predictedMs - measuredMs) / measuredMs * 100;
        }

        public double absErrorPct() {
            return Math.abs(errorPct());
        }
    }

    public ErrorSummary {
        Objects.requireNonNull(group, "group is null");
        Objects.requireNonNull(predictor, "predictor is null");
        worst = List.copyOf(worst);
    }

    /** @throws IllegalArgumentException for no cells */
    public static ErrorSummary of(String group, String predictor, List<Cell> cells) {
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("no cells for " + group + " / " + predictor);
        }
        double[] abs = cells.stream().mapToDouble(Cell::absErrorPct).sorted().toArray();
        int n = abs.length;
        double median = n % 2 == 1 ? abs[n / 2] : (abs[n / 2 - 1] + abs[n / 2]) / 2;
        double mape = Arrays.stream(abs).sum() / n;
        double within10 = (double) Arrays.stream(abs).filter(e -> e <= 10).count() / n;
        double within25 = (double) Arrays.stream(abs).filter(e -> e <= 25).count() / n;
        List<Cell> worst = cells.stream().sorted(Comparator.comparingDouble(Cell::absErrorPct).reversed()
                .thenComparing(Cell::jobId)).limit(WORST).toList();
        return new ErrorSummary(group, predictor, n, median, mape, within10, within25, worst);
    }
}
