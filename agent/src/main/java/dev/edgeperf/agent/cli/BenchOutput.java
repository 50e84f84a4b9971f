package dev.edgeperf.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.core.stats.LatencySummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code bench}'s outputs: a table for people, a JSON array (one object per configuration) for scripts. */
final class BenchOutput {
    private BenchOutput() {
    }

    static String toJson(List<MeasurementResult> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (MeasurementResult m : results) {
            LatencySummary l = m.computeLatency();
            ObjectNode o = array.addObject();
            o.put("batch", m.batchSize());
            o.put("threads", m.intraOpThreads());
            o.put("concurrency", m.concurrency());
            o.put("latencyKind", MeasurementResult.COMPUTE);
            o.put("iterations", m.iterations());
            o.put("p50Ms", l.p50Ms());
            o.put("p90Ms", l.p90Ms());
            o.put("p95Ms", l.p95Ms());
            o.put("p99Ms", l.p99Ms());
            o.put("p999Ms", l.p999Ms());
            o.put("minMs", l.minMs());
            o.put("maxMs", l.maxMs());
            o.put("meanMs", l.meanMs());
            o.put("stdevMs", l.stdevMs());
            o.put("p50Ci95LowMs", l.medianCi95().lowMs());
            o.put("p50Ci95HighMs", l.medianCi95().highMs());
            o.put("ciRelativeHalfWidth", m.ciRelativeHalfWidth());
            o.put("throughput", m.throughputSamplesPerS());
            if (m.endToEndLatency().isPresent()) {
                LatencySummary e = m.endToEndLatency().get();
                ObjectNode e2e = o.putObject("endToEnd");
                e2e.put("latencyKind", MeasurementResult.END_TO_END);
                e2e.put("iterations", e.count());
                e2e.put("p50Ms", e.p50Ms());
                e2e.put("p99Ms", e.p99Ms());
                e2e.put("meanMs", e.meanMs());
            } else {
                o.putNull("endToEnd");
            }
            o.put("sessionCreateMs", m.sessionCreateMs());
            o.put("firstInferenceMs", m.firstInferenceMs());
            o.put("warmupIterations", m.warmupIterations());
            o.put("stopReason", m.stopReason().wireName());
            o.put("throttled", m.throttled());
            o.put("throttleEvidence", String.join("; ", m.throttleEvidence()));
            o.put("sessionFootprintBytes", m.memory().sessionFootprintBytes());
            o.put("workerPeakRssBytes", m.memory().peakRssBytes());
            o.put("inProcess", m.inProcess());
            o.put("cpuGovernor", m.host().cpuGovernor().orElse(null));
            if (m.host().loadAverage1m().isPresent()) {
                o.put("loadAverage1m", m.host().loadAverage1m().getAsDouble());
            } else {
                o.putNull("loadAverage1m");
            }
            ArrayNode providers = o.putArray("executionProvidersAvailable");
            m.host().executionProvidersAvailable().forEach(providers::add);
            o.put("executionProvider", m.executionProvider());
        }
        return mapper.writeValueAsString(array);
    }

    static void printTable(PrintWriter out, Path file, List<MeasurementResult> results) {
        if (!results.isEmpty()) {
            MeasurementResult first = results.get(0);
            out.printf(Locale.ROOT, "%s: %s %s, %s, %s, compute latency per batch%n", file.getFileName(),
                    first.engine(), first.engineVersion(), first.executionProvider(),
                    first.inProcess() ? "in-process" : "forked worker per configuration");
        }
        out.printf(Locale.ROOT, "%5s %7s %4s %9s %10s %21s %10s %10s %10s %10s %12s %9s %9s  %s%n", "batch", "threads",
                "conc", "iters", "p50 ms", "p50 95% CI ms", "p90 ms", "p99 ms", "p99.9 ms", "e2e p50", "samples/s",
                "peak MiB", "sess MiB", "stop");
        for (MeasurementResult m : results) {
            LatencySummary l = m.computeLatency();
            out.printf(Locale.ROOT, "%5d %7d %4d %9d %10.4f %21s %10.4f %10.4f %10.4f %10s %12.1f %9s %9s  %s%s%n",
                    m.batchSize(), m.intraOpThreads(), m.concurrency(), m.iterations(), l.p50Ms(),
                    String.format(Locale.ROOT, "[%.4f, %.4f]", l.medianCi95().lowMs(), l.medianCi95().highMs()),
                    l.p90Ms(), l.p99Ms(), l.p999Ms(),
                    m.endToEndLatency().map(e -> String.format(Locale.ROOT, "%.4f", e.p50Ms())).orElse("-"),
                    m.throughputSamplesPerS(), mib(m.memory().peakRssBytes()), mib(m.memory().sessionFootprintBytes()),
                    m.stopReason().wireName(), m.throttled() ? " (throttled: " + String.join("; ", m.throttleEvidence()) + ")" : "");
        }
    }

    private static String mib(long bytes) {
        return bytes > 0 ? String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 20)) : "-";
    }
}
