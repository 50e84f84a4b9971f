package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.proto.CoordinatorMessage;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An agent stream's response side; StreamObserver is not thread-safe, so sends are serialized here. */
final class StreamLink implements AgentLink {
    private static final Logger LOG = LoggerFactory.getLogger(StreamLink.class);

    private final StreamObserver<CoordinatorMessage> responses;
    private boolean closed;

    StreamLink(StreamObserver<CoordinatorMessage> responses) {
        this.responses = responses;
    }

    @Override
    public synchronized void send(CoordinatorMessage message) {
        if (closed) {
            return;
        }
        try {
            responses.onNext(message);
        } catch (RuntimeException e) {
            // the call was cancelled under us; the stream's onError/onCompleted does the clean-up
            LOG.debug("dropping {} for a closed agent stream: {}", message.getKindCase(), e.toString());
        }
    }

    @Override
    public void close(String reason) {
        fail(io.grpc.Status.UNAVAILABLE.withDescription(reason).asRuntimeException());
    }

    synchronized void complete() {
        if (!closed) {
            closed = true;
            try {
                responses.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("agent stream already closed: {}", e.toString());
            }
        }
    }

    synchronized void fail(Throwable error) {
        if (!closed) {
            closed = true;
            try {
                responses.onError(StatusMapping.toStatus(error));
            } catch (RuntimeException e) {
                LOG.debug("agent stream already closed: {}", e.toString());
            }
        }
    }
}
