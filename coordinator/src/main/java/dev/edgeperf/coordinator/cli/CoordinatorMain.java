package dev.edgeperf.coordinator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Root of the coordinator CLI. */
@Command(name = "edgeperf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Profile ONNX models, measure them on a fleet of agents and compare with the prediction.",
        subcommands = {ServeCommand.class, CampaignCommand.class, ModelsCommand.class, DemoCommand.class,
                VariantsCommand.class, ZooCommand.class, RecommendCommand.class},
        footer = {"%nExamples:", "  edgeperf demo --exit", "  edgeperf serve --data-dir ./edgeperf-data",
            "  edgeperf campaign run --model mnist-cnn --batch 1,8", "  edgeperf campaign status latest",
            "%nEnvironment: EDGEPERF_COORDINATOR (HOST:PORT), EDGEPERF_TOKEN_FILE, EDGEPERF_DATA_DIR stand in for"
                + " --coordinator, --token-file and --data-dir."})
public final class CoordinatorMain {
    @Mixin
    VerboseOption verbose;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line (also used by tests that run commands in-process). */
    public static CommandLine newCommandLine() {
        return new CommandLine(new CoordinatorMain()).setExecutionExceptionHandler(new ErrorHandler());
    }
}
