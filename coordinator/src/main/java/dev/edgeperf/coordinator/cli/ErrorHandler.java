package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** One line {@code edgeperf: <message>} on stderr and the category's exit code; stack traces only with --verbose. */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        ErrorCategory category = ex instanceof EdgeperfException e ? e.category() : ErrorCategory.INTERNAL;
        String message = ex instanceof EdgeperfException ? ex.getMessage() : "internal error: " + ex;
        commandLine.getErr().println("edgeperf: " + message.replace('\n', ' '));
        if (verbose(parseResult)) {
            ex.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return category.exitCode();
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption(VerboseOption.NAME)) {
                return true;
            }
        }
        return false;
    }
}
