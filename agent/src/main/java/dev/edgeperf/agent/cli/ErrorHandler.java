package dev.edgeperf.agent.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import picocli.CommandLine;

/**
 * Prints a failed command as one line {@code edgeperf-agent: <message>} on stderr (plus the stack
 * trace with {@code -v/--verbose}) and returns the exit code of the error's category.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        ErrorCategory category = ex instanceof EdgeperfException e ? e.category() : ErrorCategory.INTERNAL;
        String message = ex instanceof EdgeperfException ? ex.getMessage() : ex.toString();
        cmd.getErr().println("edgeperf-agent: " + message.replaceAll("[\\r\\n]+", " "));
        if (verbose(parseResult)) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return category.exitCode();
    }

    private static boolean verbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
