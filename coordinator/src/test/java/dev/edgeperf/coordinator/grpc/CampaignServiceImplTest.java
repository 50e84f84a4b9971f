package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.schedule.CampaignPlanner;
import dev.edgeperf.coordinator.schedule.Campaigns;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.coordinator.schedule.VariantPreparation;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.CampaignStatusRequest;
import dev.edgeperf.proto.SubmitCampaignRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Submit over the in-process transport answers before the variants are built; status carries the preparation. */
class CampaignServiceImplTest {
    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private Store store;
    private VariantPreparation preparation;
    private Server server;
    private ManagedChannel channel;
    private CampaignServiceGrpc.CampaignServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        store = Fixtures.store(dir);
        FleetRegistry fleet = new FleetRegistry();
        JobScheduler scheduler = new JobScheduler(store, fleet, new NaivePredictor());
        preparation = new VariantPreparation(new ArtifactStore(dir.resolve("artifacts")), name -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ModelZoo.build(name);
        }, (baseline, model, recipe, inputs) -> baseline);
        Campaigns campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(), preparation);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new CampaignServiceImpl(campaigns)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = CampaignServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        preparation.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Database.close(store.dataSource());
    }

    private CampaignStatus status(String id) {
        return stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                .getStatus(CampaignStatusRequest.newBuilder().setCampaignId(id).build());
    }

    @Test
    void submitAnswersInPreparingAndStatusShowsThePreparationThenTheJobs() throws Exception {
        CampaignStatus submitted = stub.withDeadlineAfter(5, TimeUnit.SECONDS).submit(SubmitCampaignRequest
                .newBuilder().addModels("mnist-cnn").addVariants("baseline").addVariants("separable")
                .addBatchSizes(1).addSelectors("arch=x86_64")
                .setSettings(dev.edgeperf.core.measure.MeasurementSettings.builder().minIterations(5).build().toProto()).build());

        assertThat(submitted.getState()).isEqualTo(dev.edgeperf.proto.CampaignState.CAMPAIGN_STATE_PREPARING);
        assertThat(submitted.getJobsTotal()).isZero();
        assertThat(submitted.getVariantsTotal()).isEqualTo(2);
        assertThat(submitted.getVariantsPrepared()).isZero();
        assertThat(submitted.getPreparationMessage()).isNotEmpty();
        assertThat(submitted.getPreparationFailure()).isEmpty();

        release.countDown();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        CampaignStatus status = status(submitted.getCampaignId());
        while (status.getJobsTotal() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            status = status(submitted.getCampaignId());
        }
        assertThat(status.getState()).isEqualTo(dev.edgeperf.proto.CampaignState.CAMPAIGN_STATE_RUNNING);
        assertThat(status.getJobsTotal()).isEqualTo(2);
        assertThat(status.getJobsQueued()).isEqualTo(2);
        assertThat(status.getVariantsPrepared()).isEqualTo(2);
        assertThat(status.getWaitingReason()).isEqualTo("waiting: selector arch=x86_64 matches no connected agent");
    }

    @Test
    void whatThePlannerRejectsIsInvalidArgumentAtSubmit() {
        assertThatThrownBy(() -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).submit(SubmitCampaignRequest.newBuilder()
                .addModels("mnist-cnn").addBatchSizes(1).addSelectors("bord=rpi5").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("unknown selector key 'bord' (expected one"
                            + " of board, arch, isa, name or a label)");
                });
        assertThatThrownBy(() -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).submit(SubmitCampaignRequest.newBuilder()
                .addModels("mnist-cnn").addBatchSizes(1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThat(store.campaignSummaries()).isEmpty();
    }
}
