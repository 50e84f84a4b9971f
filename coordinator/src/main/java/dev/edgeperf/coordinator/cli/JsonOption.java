package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Option;

/** {@code --json}: machine-readable output on stdout instead of tables. */
final class JsonOption {
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;
}
