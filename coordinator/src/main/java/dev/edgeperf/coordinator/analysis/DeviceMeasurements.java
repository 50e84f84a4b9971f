package dev.edgeperf.coordinator.analysis;

import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which stored result of a device measured a given model, batch and thread count. */
public final class DeviceMeasurements {
    private DeviceMeasurements() {
    }

    /**
     * The newest done row among {@code rows} of the ONNX file {@code digest} at {@code batch} and
     * {@code threads}: threads match the count the session resolved or the one requested; 0 matches a
     * job that asked for the engine default.
     */
    public static Optional<ResultRecord> newest(List<ResultRecord> rows, String digest, int batch, int threads) {
        return rows.stream().filter(r -> r.state() == JobState.DONE && r.real(ResultField.P50_MS).isPresent()
                        && digest.equals(r.text(ResultField.MODEL_DIGEST)) && batch == longOf(r, ResultField.BATCH_SIZE)
                        && threadsMatch(r, threads))
                .max(Comparator.comparingLong(r -> longOf(r, ResultField.FINISHED_UNIX_MS)));
    }

    private static boolean threadsMatch(ResultRecord r, int threads) {
        long requested = longOf(r, ResultField.REQUESTED_THREADS);
        return threads == 0 ? requested == 0 : requested == threads || longOf(r, ResultField.THREADS) == threads;
    }

    private static long longOf(ResultRecord r, ResultField f) {
        return r.get(f) instanceof Number n ? n.longValue() : -1;
    }
}
