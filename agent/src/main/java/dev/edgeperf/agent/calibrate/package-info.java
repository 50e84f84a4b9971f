/**
 * Calibration: micro-models built in code (a large MatMul, a large Conv, a large elementwise Add, a
 * tiny op) measured on this machine to give its achievable GFLOPS, memory bandwidth and per-call
 * overhead, stored in {@code <work-dir>/calibration.json} and sent to the coordinator in the hello.
 */
package dev.edgeperf.agent.calibrate;
