package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.analysis.LearnedCells;
import dev.edgeperf.coordinator.grpc.ResultRows;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.predict.learned.CampaignCell;
import dev.edgeperf.proto.DeviceHistoryResponse;
import dev.edgeperf.proto.LayerTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the coordinator's store holds of one device for {@code models predict --device}: the measured
 * cells the learned predictor is fitted on, and the newest measurement of the predicted model at the
 * same batch and threads with its per-node times.
 *
 * @param cells  measured cells of every campaign on the device
 * @param result the newest matching result; empty = none stored
 * @param nodeMs measured ms per node name (profiled pass, mean per run; kernels of one node summed)
 */
record DeviceMeasured(List<CampaignCell> cells, Optional<ResultRecord> result, Map<String, Double> nodeMs) {
    static final DeviceMeasured NONE = new DeviceMeasured(List.of(), Optional.empty(), Map.of());

    DeviceMeasured {
        cells = List.copyOf(cells);
        Objects.requireNonNull(result, "result is null");
        nodeMs = Map.copyOf(nodeMs);
    }

    static DeviceMeasured of(DeviceHistoryResponse response) {
        List<ResultRecord> rows = response.getRowsList().stream().map(ResultRows::fromProto).toList();
        Map<String, Double> nodes = new HashMap<>();
        for (LayerTime l : response.getLayersList()) {
            nodes.merge(l.getNode(), l.getMeanUs() / 1e3, Double::sum);
        }
        return new DeviceMeasured(LearnedCells.measured(rows), response.hasMeasured()
                ? Optional.of(ResultRows.fromProto(response.getMeasured())) : Optional.empty(), nodes);
    }

    /** The measured median of the matching result, ms per batch. */
    Optional<Double> p50Ms() {
        return result.flatMap(r -> r.real(ResultField.P50_MS));
    }

    /** One line naming where the measured figures come from; "" when there are none. */
    String source() {
        return result.map(r -> "measured: job " + r.text(ResultField.JOB_ID) + " of campaign "
                + r.text(ResultField.CAMPAIGN_ID) + " (" + r.text(ResultField.VARIANT_RECIPE) + ")").orElse("");
    }
}
