package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.artifacts.ArtifactStore.ArtifactNotFoundException;
import dev.edgeperf.coordinator.fleet.AgentNameTakenException;
import dev.edgeperf.coordinator.fleet.NoAgentConnectedException;
import dev.edgeperf.coordinator.schedule.UnknownCampaignException;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** EdgeperfException <-> gRPC Status, in one place for the server and the CLI client. */
public final class StatusMapping {
    private StatusMapping() {
    }

    /** The status a handler answers with; the description is the exception's one-line message. */
    public static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (!(error instanceof EdgeperfException e)) {
            return Status.INTERNAL.withDescription("internal error: " + error).withCause(error).asRuntimeException();
        }
        Status status;
        if (e instanceof AgentNameTakenException) {
            status = Status.ALREADY_EXISTS;
        } else if (e instanceof NoAgentConnectedException) {
            status = Status.FAILED_PRECONDITION;
        } else if (e instanceof ArtifactNotFoundException || e instanceof UnknownCampaignException) {
            status = Status.NOT_FOUND;
        } else {
            status = switch (e.category()) {
                case USER_ERROR -> Status.INVALID_ARGUMENT;
                case INSUFFICIENT_RESOURCES -> Status.RESOURCE_EXHAUSTED;
                case EXTERNAL -> Status.UNAVAILABLE;
                case INTERNAL -> Status.INTERNAL;
            };
        }
        return status.withDescription(e.getMessage()).withCause(e).asRuntimeException();
    }

    /** The category a client reports a failed call under (and so its CLI exit code). */
    public static ErrorCategory categoryOf(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, UNAUTHENTICATED, PERMISSION_DENIED, OUT_OF_RANGE ->
                    ErrorCategory.USER_ERROR;
            case FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> ErrorCategory.INSUFFICIENT_RESOURCES;
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED -> ErrorCategory.EXTERNAL;
            default -> ErrorCategory.INTERNAL;
        };
    }
}
