/**
 * The {@code edgeperf-agent} command line: {@code run} (serve a coordinator), {@code info} (show the
 * detected hardware), {@code bench} (measure a model locally), {@code calibrate} (measure this
 * machine's achievable figures) and {@code bench-harness} (the harness's own cost). One class per
 * subcommand.
 */
package dev.edgeperf.agent.cli;
