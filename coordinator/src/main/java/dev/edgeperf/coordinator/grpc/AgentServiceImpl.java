package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One bidirectional stream per agent; the protocol itself lives in {@link JobScheduler}. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServiceImpl.class);

    private final JobScheduler scheduler;

    public AgentServiceImpl(JobScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<CoordinatorMessage> responseObserver) {
        StreamLink link = new StreamLink(responseObserver);
        return new StreamObserver<>() {
            private ConnectedAgent agent;

            @Override
            public void onNext(AgentMessage message) {
                try {
                    if (agent == null) {
                        if (message.getKindCase() != AgentMessage.KindCase.HELLO) {
                            throw EdgeperfException.userError("the first message on an agent stream must be hello, got "
                                    + message.getKindCase());
                        }
                        agent = scheduler.connect(message.getHello(), link);
                        return;
                    }
                    switch (message.getKindCase()) {
                        case HEARTBEAT -> scheduler.heartbeat(agent);
                        case RESULT -> scheduler.result(agent, message.getResult());
                        case FAILURE -> scheduler.failure(agent, message.getFailure());
                        case HELLO -> throw EdgeperfException.userError("agent '" + agent.name()
                                + "' sent a second hello on one stream");
                        default -> LOG.warn("agent '{}' sent an empty message; ignored", agent.name());
                    }
                } catch (RuntimeException e) {
                    if (!(e instanceof EdgeperfException) || ((EdgeperfException) e).category()
                            == dev.edgeperf.core.ErrorCategory.INTERNAL) {
                        LOG.error("agent stream failed", e);
                    } else {
                        LOG.warn("closing agent stream{}: {}", agent == null ? "" : " of '" + agent.name() + "'",
                                e.getMessage());
                    }
                    link.fail(e);
                    ended();
                }
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("agent stream error: {}", t.toString());
                ended();
            }

            @Override
            public void onCompleted() {
                link.complete();
                ended();
            }

            private void ended() {
                if (agent != null) {
                    scheduler.disconnect(agent);
                    agent = null;
                }
            }
        };
    }
}
