package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.JobFailure;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's stream: translates the wire protocol into scheduler calls. The first message must be
 * a hello (then the agent is connected and welcomed); after it come heartbeats, results (each
 * answered by an ack once committed) and failures. A protocol error ends this stream only; the
 * stream's end, however it comes, disconnects the agent once.
 */
final class AgentSession implements StreamObserver<AgentMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    private final JobScheduler scheduler;
    private final StreamLink link;
    /** Set by the hello; null before it and after the stream ended. gRPC delivers one message at a time. */
    private ConnectedAgent agent;

    AgentSession(JobScheduler scheduler, StreamObserver<CoordinatorMessage> responses) {
        this(scheduler, responses, job -> java.util.List.of());
    }

    /** @param externalData job -> the external-data files of its model, as its campaign uploaded them */
    AgentSession(JobScheduler scheduler, StreamObserver<CoordinatorMessage> responses,
                 java.util.function.Function<dev.edgeperf.coordinator.store.LeasedJob,
                         java.util.List<dev.edgeperf.proto.ExternalDataFile>> externalData) {
        this(scheduler, responses, externalData, digest -> "");
    }

    /** @param referenceSets model digest -> its reference set's digest, "" = none */
    AgentSession(JobScheduler scheduler, StreamObserver<CoordinatorMessage> responses,
                 java.util.function.Function<dev.edgeperf.coordinator.store.LeasedJob,
                         java.util.List<dev.edgeperf.proto.ExternalDataFile>> externalData,
                 java.util.function.Function<String, String> referenceSets) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        this.link = new StreamLink(Objects.requireNonNull(responses, "responses is null"), externalData, referenceSets);
    }

    @Override
    public void onNext(AgentMessage message) {
        try {
            if (agent == null) {
                if (message.getKindCase() != AgentMessage.KindCase.HELLO) {
                    throw EdgeperfException.userError("the first message on an agent stream must be hello, got "
                            + message.getKindCase());
                }
                agent = scheduler.connect(JoiningAgent.of(message.getHello()), link);
                return;
            }
            switch (message.getKindCase()) {
                case HEARTBEAT -> scheduler.heartbeat(agent);
                case RESULT -> scheduler.result(agent, message.getResult());
                case FAILURE -> {
                    JobFailure f = message.getFailure();
                    scheduler.failure(agent, f.getJobId(), f.getAttempt(), f.getReason());
                }
                case HELLO -> throw EdgeperfException.userError("agent '" + agent.name()
                        + "' sent a second hello on one stream");
                default -> LOG.warn("agent '{}' sent an empty message; ignored", agent.name());
            }
        } catch (RuntimeException e) {
            if (!(e instanceof EdgeperfException ee) || ee.category() == ErrorCategory.INTERNAL) {
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

    /**
     * The agent ended its stream: it leaves the fleet before the stream is ended on this side, so an agent
     * that ended it to join again (with a refreshed profile) is not refused as a live duplicate.
     */
    @Override
    public void onCompleted() {
        ended();
        link.complete();
    }

    private void ended() {
        if (agent != null) {
            scheduler.disconnect(agent);
            agent = null;
        }
    }
}
