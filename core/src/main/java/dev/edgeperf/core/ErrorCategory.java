package dev.edgeperf.core;

/**
 * Why an operation failed, which decides the CLI exit code and the gRPC status it maps to.
 * Modelled on Trino's StandardErrorCode types.
 */
public enum ErrorCategory {
    /** The caller gave something wrong (a file, a name, a value): fix the input and retry. */
    USER_ERROR(2),
    /** A bug or an unexpected state inside edgeperf. */
    INTERNAL(70),
    /** Not enough memory, disk or devices to do what was asked. */
    INSUFFICIENT_RESOURCES(75),
    /** Something outside edgeperf failed: a peer, the network, a native library. */
    EXTERNAL(69);

    private final int exitCode;

    ErrorCategory(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code a CLI returns for this category (sysexits-style, never 0 or 1). */
    public int exitCode() {
        return exitCode;
    }
}
