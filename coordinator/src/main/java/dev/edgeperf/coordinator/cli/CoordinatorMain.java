package dev.edgeperf.coordinator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Root of the coordinator CLI. */
@Command(name = "edgeperf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Profile ONNX models, measure them on a fleet of agents and compare with the prediction.",
        subcommands = {ServeCommand.class, CampaignCommand.class, ModelsCommand.class, DemoCommand.class,
                VariantsCommand.class, ZooCommand.class})
public final class CoordinatorMain {
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line (also used by tests that run commands in-process). */
    public static CommandLine newCommandLine() {
        return new CommandLine(new CoordinatorMain()).setExecutionExceptionHandler(new ErrorHandler());
    }
}
