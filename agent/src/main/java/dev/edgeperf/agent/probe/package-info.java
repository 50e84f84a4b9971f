/**
 * What machine the agent runs on: CPU, ISA features, board, theoretical peak FLOPS and live sensors.
 * Parsers take a root path so tests can feed fake {@code /proc} and {@code /sys} trees; probes
 * degrade to "unknown" instead of throwing.
 */
package dev.edgeperf.agent.probe;
