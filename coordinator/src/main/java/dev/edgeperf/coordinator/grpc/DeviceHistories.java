package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.analysis.DeviceMeasurements;
import dev.edgeperf.coordinator.analysis.LearnedCells;
import dev.edgeperf.coordinator.schedule.Campaigns;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.StoredLayers;
import dev.edgeperf.proto.DeviceHistoryRequest;
import dev.edgeperf.proto.DeviceHistoryResponse;
import dev.edgeperf.proto.LayerTime;
import java.util.List;
import java.util.Optional;

/** Answers DeviceHistory: an agent's stored rows and the newest measurement of one model on it. */
final class DeviceHistories {
    private DeviceHistories() {
    }

    static DeviceHistoryResponse response(Campaigns campaigns, DeviceHistoryRequest request) {
        String name = request.getAgentName();
        if (campaigns.agents().stream().noneMatch(a -> a.name().equals(name))) {
            return DeviceHistoryResponse.newBuilder().setAgentKnown(false).build();
        }
        List<ResultRecord> rows = campaigns.deviceResults(name);
        DeviceHistoryResponse.Builder b = DeviceHistoryResponse.newBuilder().setAgentKnown(true);
        rows.forEach(r -> b.addRows(ResultRows.toProto(r, LearnedCells.FIELDS)));
        if (!request.getModelDigest().isEmpty()) {
            Optional<ResultRecord> newest = DeviceMeasurements.newest(rows, request.getModelDigest(),
                    request.getBatchSize(), request.getThreads());
            newest.ifPresent(r -> {
                b.setMeasured(ResultRows.toProto(r));
                campaigns.layers(r.text(ResultField.JOB_ID)).map(StoredLayers::layers).orElse(List.of())
                        .forEach(l -> b.addLayers(LayerTime.newBuilder().setNode(l.node()).setOpType(l.opType())
                                .setGraphOpType(l.graphOpType()).setInGraph(l.inGraph()).setMeanUs(l.meanUs())
                                .setRuns(l.runs())));
            });
        }
        return b.build();
    }
}
