package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import io.grpc.stub.StreamObserver;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.proto.ExternalDataFile;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** One bidirectional stream per agent, each served by its own {@link AgentSession}. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {
    private final JobScheduler scheduler;
    private final Function<String, List<ExternalDataFile>> externalData;
    private final Function<String, String> referenceSets;

    /** Jobs without external data (tests). */
    public AgentServiceImpl(JobScheduler scheduler) {
        this(scheduler, digest -> List.of(), digest -> "");
    }

    /** Jobs name the external-data files {@code artifacts} recorded for their model. */
    public AgentServiceImpl(JobScheduler scheduler, ArtifactStore artifacts) {
        this(scheduler, digest -> artifacts.externalData(digest).stream().map(f -> ExternalDataFile.newBuilder()
                .setName(f.name()).setDigest(f.digest()).setSizeBytes(f.sizeBytes()).build()).toList(),
                artifacts::referenceSet);
    }

    private AgentServiceImpl(JobScheduler scheduler, Function<String, List<ExternalDataFile>> externalData,
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
