package dev.edgeperf.agent.measure;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a forked worker's JVM is started: this JVM's own {@code java}, optionally behind a prefix taken
 * from {@value #PREFIX_ENV}. The prefix exists for an agent whose JVM runs under user-mode emulation
 * (an aarch64 JVM under {@code qemu-aarch64} on an x86 host, without a binfmt_misc handler): there the
 * kernel cannot exec {@code java.home/bin/java} itself, but it can exec the emulator, which runs it.
 */
public final class WorkerLauncher {
    /** Whitespace-separated words put before the worker's {@code java}, e.g. {@code qemu-aarch64-static -L /sysroot}. */
    public static final String PREFIX_ENV = "EDGEPERF_WORKER_PREFIX";
    /** The JDK's property choosing how {@link ProcessBuilder} starts a child (read once, at its first use). */
    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    private WorkerLauncher() {
    }

    /**
     * Prepares this JVM for a {@value #PREFIX_ENV} prefix; call first thing in {@code main}, before anything
     * starts a process. The JDK's default launch (posix_spawn) first execs its own {@code jspawnhelper}, a
     * binary of the emulated architecture that the kernel cannot run either; plain fork + exec starts the
     * prefix's emulator directly. A launch mechanism the user chose is left alone.
     */
    public static void prepareThisJvm(Map<String, String> env) {
        if (!prefix(env).isEmpty() && System.getProperty(LAUNCH_MECHANISM) == null) {
            System.setProperty(LAUNCH_MECHANISM, "FORK");
        }
    }

    /** The worker's {@code java} command for this JVM and environment. */
    public static List<String> javaCommand() {
        return javaCommand(System.getenv(), System.getProperty("java.home"));
    }

    /**
     * @throws EdgeperfException USER_ERROR (one line) when the prefix's first word is no executable file
     */
    static List<String> javaCommand(Map<String, String> env, String javaHome) {
        Objects.requireNonNull(javaHome, "javaHome is null");
        List<String> prefix = prefix(env);
        if (!prefix.isEmpty() && !executable(prefix.get(0), env.getOrDefault("PATH", ""))) {
            throw EdgeperfException.userError(PREFIX_ENV + "='" + env.get(PREFIX_ENV).strip() + "': '" + prefix.get(0)
                    + "' is not an executable file (nor found on PATH); expected the emulator that runs this JVM,"
                    + " e.g. 'qemu-aarch64-static -L SYSROOT'");
        }
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(javaHome, "bin", "java").toString());
        return List.copyOf(command);
    }

    /**
     * The failure for a worker JVM that could not even be started, saying what to do where the usual
     * cause is emulation; the JDK's message ("error=8, Exec format error", "Failed to exec spawn
     * helper") names neither.
     */
    static EdgeperfException cannotStart(List<String> javaCommand, String file, IOException cause) {
        String hint = javaCommand.size() > 1
                ? "check " + PREFIX_ENV + " (" + String.join(" ", javaCommand.subList(0, javaCommand.size() - 1)) + ")"
                : "if this agent's JVM runs under user-mode emulation (e.g. an aarch64 JVM under qemu without"
                        + " binfmt_misc), set " + PREFIX_ENV + " to the emulator command (e.g. 'qemu-aarch64-static -L"
                        + " SYSROOT'), or measure in the agent's JVM with --in-process";
        return EdgeperfException.external("cannot start the measurement worker JVM for " + file + " ("
                + javaCommand.get(javaCommand.size() - 1) + "): " + cause.getMessage() + "; " + hint, cause);
    }

    private static List<String> prefix(Map<String, String> env) {
        String value = env.get(PREFIX_ENV);
        return value == null || value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private static boolean executable(String program, String path) {
        if (program.contains("/")) {
            return Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program));
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }
}
