package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.analysis.LearnedCells;
import dev.edgeperf.coordinator.schedule.Campaigns;
import dev.edgeperf.proto.DeviceHistoryRequest;
import dev.edgeperf.proto.DeviceHistoryResponse;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.CancelCampaignRequest;
import dev.edgeperf.proto.ListCampaignsRequest;
import dev.edgeperf.proto.ListCampaignsResponse;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.CampaignStatusRequest;
import dev.edgeperf.proto.ListAgentsRequest;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.SubmitCampaignRequest;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submit/status/list/cancel/agents for the coordinator CLI, delegating to {@link Campaigns};
 * {@link CampaignMessages} maps the messages.
 */
public final class CampaignServiceImpl extends CampaignServiceGrpc.CampaignServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignServiceImpl.class);

    private final Campaigns campaigns;

    public CampaignServiceImpl(Campaigns campaigns) {
        this.campaigns = Objects.requireNonNull(campaigns, "campaigns is null");
    }

    @Override
    public void submit(SubmitCampaignRequest request, StreamObserver<CampaignStatus> responseObserver) {
        unary(() -> CampaignMessages.status(campaigns.submit(CampaignMessages.request(request))),
                responseObserver, "submit campaign");
    }

    @Override
    public void getStatus(CampaignStatusRequest request, StreamObserver<CampaignStatus> responseObserver) {
        unary(() -> {
            CampaignStatus status = CampaignMessages.status(campaigns.status(request.getCampaignId()),
                    campaigns.opTypeShares(request.getCampaignId()));
            status = request.getWithHistograms() ? withHistograms(status) : status;
            status = request.getWithDeviceHistory() ? withDeviceHistory(status) : status;
            return request.getWithLayers() ? withLayers(status) : status;
        }, responseObserver, "campaign status");
    }

    /** The done rows of every stored campaign on the campaign's devices, for the leave-one-model-out analysis. */
    private CampaignStatus withDeviceHistory(CampaignStatus status) {
        CampaignStatus.Builder b = status.toBuilder();
        LearnedCells.deviceHistory(status.getRowsList().stream().map(ResultRows::fromProto).toList(),
                campaigns::deviceResults).forEach(r -> b.addDeviceHistory(ResultRows.toProto(r, LearnedCells.FIELDS)));
        return b.build();
    }

    @Override
    public void deviceHistory(DeviceHistoryRequest request, StreamObserver<DeviceHistoryResponse> responseObserver) {
        unary(() -> DeviceHistories.response(campaigns, request), responseObserver, "device history");
    }

    /** Each row with its stored latency histogram, for speedups with confidence intervals. */
    private CampaignStatus withHistograms(CampaignStatus status) {
        CampaignStatus.Builder b = status.toBuilder();
        for (int i = 0; i < b.getRowsCount(); i++) {
            dev.edgeperf.proto.Cell id = b.getRows(i).getCellsMap().get("jobId");
            if (id != null) {
                int row = i;
                campaigns.latencyHistogram(id.getText()).filter(h -> h.compressed() != null).ifPresent(h -> b.setRows(row, b.getRows(row).toBuilder()
                        .setLatencyHistogram(com.google.protobuf.ByteString.copyFrom(h.compressed()))));
            }
        }
        return b.build();
    }

    /** Each done row with its measured layers and the MACs and predicted ms its lease stored, for the report. */
    private CampaignStatus withLayers(CampaignStatus status) {
        CampaignStatus.Builder b = status.toBuilder();
        for (dev.edgeperf.proto.ResultRow.Builder row : b.getRowsBuilderList()) {
            dev.edgeperf.proto.Cell id = row.getCellsMap().get("jobId");
            dev.edgeperf.proto.Cell state = row.getCellsMap().get("state");
            if (id == null || state == null || !state.getText().equals("done")) {
                continue;
            }
            campaigns.layers(id.getText()).ifPresent(stored -> {
                row.setLayersPredictor(stored.predictor());
                for (var l : stored.layers()) {
                    dev.edgeperf.proto.ReviewLayer.Builder layer = dev.edgeperf.proto.ReviewLayer.newBuilder()
                            .setNode(l.node()).setOpType(l.opType()).setInGraph(l.inGraph()).setMeanUs(l.meanUs());
                    if (l.predictedMs() != null) {
                        layer.setPredictedMs(l.predictedMs());
                    }
                    if (l.macs() != null) {
                        layer.setMacs(l.macs());
                    }
                    row.addLayers(layer);
                }
            });
        }
        return b.build();
    }

    @Override
    public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> responseObserver) {
        unary(() -> CampaignMessages.agents(campaigns.agents()),
                responseObserver, "list agents");
    }

    @Override
    public void listCampaigns(ListCampaignsRequest request, StreamObserver<ListCampaignsResponse> responseObserver) {
        unary(() -> CampaignMessages.list(campaigns.list()),
                responseObserver, "list campaigns");
    }

    @Override
    public void cancel(CancelCampaignRequest request, StreamObserver<CampaignStatus> responseObserver) {
        unary(() -> CampaignMessages.status(campaigns.cancel(request.getCampaignId())),
                responseObserver, "cancel campaign");
    }

    private static <T> void unary(Supplier<T> call, StreamObserver<T> responseObserver, String what) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            var status = StatusMapping.toStatus(e);
            if (status.getStatus().getCode() == io.grpc.Status.Code.INTERNAL) {
                LOG.error("{} failed", what, e);
            } else {
                LOG.info("{} rejected: {}", what, status.getStatus().getDescription());
            }
            responseObserver.onError(status);
            return;
        }
        responseObserver.onNext(response);
        responseObserver.onCompleted();
    }
}
