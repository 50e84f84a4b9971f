package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Command;

/** {@code edgeperf models}: groups list, profile, predict and export. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Zoo models and analytical profiles.",
        subcommands = {ModelsListCommand.class, ModelsProfileCommand.class, ModelsPredictCommand.class,
                ModelsExportCommand.class})
final class ModelsCommand {
}
