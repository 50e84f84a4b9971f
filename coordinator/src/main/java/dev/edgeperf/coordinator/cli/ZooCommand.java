package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Command;

/** {@code edgeperf zoo}: groups the zoo maintenance commands (training the zoo's trainable models). */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = "Maintain the model zoo.",
        subcommands = {ZooTrainCommand.class})
final class ZooCommand {
}
