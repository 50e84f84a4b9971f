package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.AckStatus;
import dev.edgeperf.proto.ResultAck;
import dev.edgeperf.proto.Welcome;
import dev.edgeperf.proto.ExternalDataFile;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent stream's response side: turns the scheduler's domain calls into wire messages.
 * StreamObserver is not thread-safe, so sends are serialized here.
 */
final class StreamLink implements AgentLink {
    /** How long an agent waits before sending a result the store could not write again. */
    static final long RETRY_AFTER_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(StreamLink.class);

    private final StreamObserver<CoordinatorMessage> responses;
    private final Function<LeasedJob, List<ExternalDataFile>> externalData;
    private final Function<String, String> referenceSets;
    private boolean closed;

    StreamLink(StreamObserver<CoordinatorMessage> responses) {
        this(responses, job -> List.of());
    }

    /** @param externalData job -> the external-data files of its model, as its campaign uploaded them */
    StreamLink(StreamObserver<CoordinatorMessage> responses, Function<LeasedJob, List<ExternalDataFile>> externalData) {
        this(responses, externalData, digest -> "");
    }

    /** @param referenceSets model digest -> the digest of its reference set (issue 13), "" = none */
    StreamLink(StreamObserver<CoordinatorMessage> responses, Function<LeasedJob, List<ExternalDataFile>> externalData,
               Function<String, String> referenceSets) {
        this.responses = responses;
        this.externalData = externalData;
        this.referenceSets = referenceSets;
    }

    @Override
    public void welcome(String agentId, int heartbeatIntervalMs) {
        send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder().setAgentId(agentId)
                .setHeartbeatIntervalMs(heartbeatIntervalMs)).build());
    }

    @Override
    public void assign(LeasedJob job) {
        JobAssignment assignment;
        try {
            assignment = assignment(job).toBuilder()
                    .addAllModelExternalData(externalData.apply(job)).build();
        } catch (RuntimeException e) {
            // unreadable list: the agent then reports the model's missing data as the job's failure
            LOG.error("cannot read the external-data list of model {}", job.modelDigest(), e);
            assignment = assignment(job);
        }
        try {
            assignment = assignment.toBuilder().setReferenceSetDigest(referenceSets.apply(job.modelDigest())).build();
        } catch (RuntimeException e) {
            // the job is measured without the agreement check
            LOG.error("cannot read the reference set of model {}", job.modelDigest(), e);
        }
        send(CoordinatorMessage.newBuilder().setJob(assignment).build());
    }

    @Override
    public void acknowledge(String jobId, int attempt, CommitOutcome outcome, String message) {
        ResultAck.Builder ack = ResultAck.newBuilder().setJobId(jobId).setAttempt(attempt)
                .setStatus(outcome.retryable() ? AckStatus.ACK_STATUS_RETRY_LATER
                        : outcome.code() == io.grpc.Status.Code.OK ? AckStatus.ACK_STATUS_STORED
                        : AckStatus.ACK_STATUS_REJECTED);
        if (outcome.retryable()) {
            ack.setRetryAfterMs(RETRY_AFTER_MS);
        }
        // code 0 (unset) = stored; the agent logs the message of any other outcome
        if (outcome.code() != io.grpc.Status.Code.OK) {
            ack.setStatusCode(outcome.code().value()).setStatusMessage(message);
        }
        send(CoordinatorMessage.newBuilder().setAck(ack).build());
    }

    static JobAssignment assignment(LeasedJob job) {
        JobAssignment.Builder assignment = JobAssignment.newBuilder().setJobId(job.jobId()).setAttempt(job.attempt())
                .setModelName(job.modelName()).setModelDigest(job.modelDigest())
                .setModelSizeBytes(job.modelSizeBytes()).setVariantRecipe(job.variantRecipe())
                .setBatchSize(job.batchSize()).setIntraOpThreads(job.threads())
                .setSettings(job.measurement().toProto());
        job.inputShapes().forEach((name, shape) -> assignment.putInputShapes(name, CampaignMessages.shape(shape)));
        job.inputValues().forEach((name, values) -> assignment.putInputValues(name, CampaignMessages.values(values)));
        return assignment.build();
    }

    private synchronized void send(CoordinatorMessage message) {
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
