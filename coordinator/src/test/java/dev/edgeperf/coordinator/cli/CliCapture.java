package dev.edgeperf.coordinator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the coordinator CLI in this JVM, keeping what it printed to stdout and stderr. */
final class CliCapture {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** The exit code of {@code edgeperf ARGS...}. */
    int run(String... args) {
        CommandLine cli = CoordinatorMain.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
