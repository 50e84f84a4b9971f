package dev.edgeperf.coordinator.store;

import dev.edgeperf.proto.JobResult;
import java.util.Objects;

/**
 * Everything one stored result row is made of: what the agent sent, the prediction made when the
 * job was leased, the coordinator's timings and the agent's hardware as it was at commit time.
 *
 * @param queueWaitMs   queued -> leased, coordinator clock
 * @param measurementMs leased -> result received, coordinator clock
 * @param receivedMs    when the coordinator received the result, Unix ms
 * @param inputShapes   the job's input shapes, as results show them ({@code x=8x3x320x320}); "" = none resolved
 * @param inputValues   the values the job fed to integer inputs, as results show them ({@code sr=16000}); "" = none
 */
record ResultCommit(String agentId, JobResult result, Prediction prediction, long queueWaitMs, long measurementMs,
                    long receivedMs, AgentHardware hardware, String inputShapes, String inputValues) {
    ResultCommit {
        Objects.requireNonNull(inputValues, "inputValues is null");
        Objects.requireNonNull(inputShapes, "inputShapes is null");
        Objects.requireNonNull(agentId, "agentId is null");
        Objects.requireNonNull(result, "result is null");
        Objects.requireNonNull(prediction, "prediction is null");
        Objects.requireNonNull(hardware, "hardware is null");
    }

    /** The agent's hardware as the store knew it when the result arrived. */
    record AgentHardware(String arch, String board, String cpuModel) {
    }
}
