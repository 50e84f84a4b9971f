package dev.edgeperf.agent.measure;

import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HostFacts;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.io.AtomicFiles;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Entry point of a forked measurement worker JVM ({@link ForkedRunner}): {@code WorkerMain DIR}
 * reads {@code DIR/request.properties}, measures in this JVM and writes the result or the failure
 * (see {@link WorkerFiles}). Its peak resident set, read just before the result is written, is the
 * job's own. Exit code 0 with a result, the failure category's exit code with a failure.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain JOB_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        PrintStream out = System.out;
        try {
            WorkerFiles.Request r = WorkerFiles.readRequest(dir);
            HostFacts facts = new HostFacts(Path.of("/"));
            InferenceRunner runner = new InferenceRunner(DeviceSensors.forThisMachine(() -> Double.NaN),
                    r.defaultThreads(), facts);
            MeasurementResult m = runner.measure(r.request(), (it, ms) -> {
                out.printf(Locale.ROOT, "%s %d %d%n", WorkerFiles.PROGRESS_PREFIX, it, ms);
                out.flush();
            });
            m = m.withMemory(m.memory().withPeakRss(facts.peakResidentBytes().orElse(0)), false);
            Files.write(dir.resolve(WorkerFiles.END_TO_END), m.endToEndHistogram().toByteArray());
            // The result file appears last and whole: the parent reads it as the sign of success.
            AtomicFiles.write(dir.resolve(WorkerFiles.RESULT), MeasurementResultProto.toProto(m).build().toByteArray());
            System.exit(0);
        } catch (EdgeperfException e) {
            fail(dir, e.category(), e.getMessage());
        } catch (OutOfMemoryError e) {
            fail(dir, ErrorCategory.INSUFFICIENT_RESOURCES, "worker JVM ran out of heap: " + e.getMessage());
        } catch (Throwable e) {
            fail(dir, ErrorCategory.INTERNAL, "measurement worker failed: " + e);
        }
    }

    private static void fail(Path dir, ErrorCategory category, String reason) {
        try {
            WorkerFiles.writeFailure(dir, category, reason);
        } catch (Throwable ignored) {
            // the exit code and stderr still tell the agent something went wrong
        }
        System.err.println(reason);
        System.exit(category.exitCode());
    }
}
