package dev.edgeperf.agent.calibrate;

import dev.edgeperf.proto.Calibration;

/**
 * What calibration measured on this machine; the JSON form of {@code calibration.json}.
 *
 * @param matmulGflops   achievable FP32 GFLOP/s on the large MatMul (at its median latency)
 * @param convGflops     achievable FP32 GFLOP/s on the large Conv
 * @param memoryGbPerS   large elementwise Add: bytes read + written per second, 1e9 bytes
 * @param callOverheadUs median latency of the tiny op, microseconds
 * @param nodeOverheadUs dispatch cost of each further node (chain probe), microseconds; 0 in files
 *                       written before the probe existed (a missing JSON field reads as 0)
 * @param threads        intra-op threads used (the engine default resolved to a number)
 * @param measuredUnixMs when, milliseconds since the epoch
 */
public record CalibrationFigures(double matmulGflops, double convGflops, double memoryGbPerS, double callOverheadUs,
                                 double nodeOverheadUs, int threads, long measuredUnixMs) {
    public CalibrationFigures {
        for (double v : new double[] {matmulGflops, convGflops, memoryGbPerS, callOverheadUs}) {
            if (!(v > 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException("calibration figures must be positive and finite, got " + v);
            }
        }
        if (!(nodeOverheadUs >= 0 && Double.isFinite(nodeOverheadUs))) {
            throw new IllegalArgumentException("node overhead must be >= 0 and finite, got " + nodeOverheadUs);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** The wire form sent in {@code AgentHello.calibration}. */
    public Calibration toProto() {
        return Calibration.newBuilder().setMatmulGflops(matmulGflops).setConvGflops(convGflops)
                .setMemoryGbPerS(memoryGbPerS).setCallOverheadUs(callOverheadUs).setNodeOverheadUs(nodeOverheadUs).setThreads(threads)
                .setMeasuredUnixMs(measuredUnixMs).build();
    }
}
