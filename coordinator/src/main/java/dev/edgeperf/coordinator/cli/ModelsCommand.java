package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Command;

/** {@code edgeperf models}: groups list and profile. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Zoo models and analytical profiles.",
        subcommands = {ModelsListCommand.class, ModelsProfileCommand.class, ModelsExportCommand.class})
final class ModelsCommand {
}
