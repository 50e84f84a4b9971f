package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Command;

/** {@code edgeperf variants}: groups the variant commands. */
@Command(name = "variants", mixinStandardHelpOptions = true,
        description = "Pruned, quantized, separable and clustered variants of a model, with fidelity and accuracy.",
        subcommands = {VariantsBuildCommand.class})
final class VariantsCommand {
}
