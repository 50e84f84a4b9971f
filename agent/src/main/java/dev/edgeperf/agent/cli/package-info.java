/**
 * The {@code edgeperf-agent} command line: {@code run} (serve a coordinator), {@code info} (show the
 * detected hardware) and {@code bench} (measure a model locally). One class per subcommand.
 */
package dev.edgeperf.agent.cli;
