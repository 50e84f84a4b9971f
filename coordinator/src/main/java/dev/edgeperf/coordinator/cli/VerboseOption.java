package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces on errors. */
final class VerboseOption {
    static final String NAME = "--verbose";

    @Option(names = {"-v", NAME}, description = "Print stack traces on errors.")
    boolean verbose;
}
