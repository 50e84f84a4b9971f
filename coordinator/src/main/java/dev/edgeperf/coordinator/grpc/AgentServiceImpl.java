package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import io.grpc.stub.StreamObserver;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.proto.ExternalDataFile;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** One bidirectional stream per agent, each served by its own {@link AgentSession}. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {
    private final JobScheduler scheduler;
    private final Function<LeasedJob, List<ExternalDataFile>> externalData;
    private final Function<String, String> referenceSets;

    /** Jobs without external data (tests). */
    public AgentServiceImpl(JobScheduler scheduler) {
        this(scheduler, job -> List.of(), digest -> "");
    }

    /** Jobs name the external-data files {@code artifacts} recorded for their model in their campaign. */
    public AgentServiceImpl(JobScheduler scheduler, ArtifactStore artifacts) {
        this(scheduler, externalData(artifacts), artifacts::referenceSet);
    }

    /** A job's external-data files: its campaign's list for its model, never another campaign's. */
    static Function<LeasedJob, List<ExternalDataFile>> externalData(ArtifactStore artifacts) {
        return job -> artifacts.externalData(job.campaignId(), job.modelDigest()).stream()
                .map(f -> ExternalDataFile.newBuilder().setName(f.name()).setDigest(f.digest())
                        .setSizeBytes(f.sizeBytes()).build()).toList();
    }

    private AgentServiceImpl(JobScheduler scheduler, Function<LeasedJob, List<ExternalDataFile>> externalData,
                             Function<String, String> referenceSets) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        this.externalData = externalData;
        this.referenceSets = referenceSets;
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<CoordinatorMessage> responseObserver) {
        return new AgentSession(scheduler, responseObserver, externalData, referenceSets);
    }
}
