package dev.edgeperf.agent.net;

import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;

/** Turns one job assignment into a result; failures are thrown as {@code EdgeperfException}. */
@FunctionalInterface
public interface JobHandler {
    JobResult execute(JobAssignment job);
}
