package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/** One bidirectional stream per agent, each served by its own {@link AgentSession}. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {
    private final JobScheduler scheduler;

    public AgentServiceImpl(JobScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<CoordinatorMessage> responseObserver) {
        return new AgentSession(scheduler, responseObserver);
    }
}
