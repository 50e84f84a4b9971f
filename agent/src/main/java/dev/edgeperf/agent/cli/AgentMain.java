package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.measure.WorkerLauncher;
import dev.edgeperf.core.EdgeperfVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Root command of the agent. */
@Command(name = "edgeperf-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Measures ONNX models on this machine for an edgeperf coordinator.",
        subcommands = {RunCommand.class, InfoCommand.class, BenchCommand.class, CalibrateCommand.class,
                HarnessBenchCommand.class})
public final class AgentMain implements Callable<Integer> {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        WorkerLauncher.prepareThisJvm(System.getenv());
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line (also what tests execute). */
    public static CommandLine newCommandLine() {
        return new CommandLine(new AgentMain()).setExecutionExceptionHandler(new ErrorHandler());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"edgeperf-agent " + EdgeperfVersion.get()};
        }
    }
}
