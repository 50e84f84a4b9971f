package dev.edgeperf.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.OrtNatives;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code info}: print the detected hardware. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the hardware this agent detects.",
        footer = {"", "Example:", "  scripts/agent info --json"})
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Mixin
    WorkDirOption work;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // info only reads the engine's version: a work dir it cannot use is no reason to fail
        work.prepareQuietly();
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        DeviceState now = new DeviceSensors(Path.of("/")).read();
        String engineVersion = InferenceRunner.engineVersion();
        // what this build of ONNX Runtime offers (an onnxruntime_gpu build: CPU, CUDA, TENSOR_RT), not what runs
        List<String> providers = InferenceRunner.availableProviders();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode node = mapper.valueToTree(hw);
            node.put("engine", InferenceRunner.ENGINE);
            node.put("engineVersion", engineVersion);
            node.putArray("executionProviders").addAll(providers.stream().map(node::textNode).toList());
            node.putArray("engineLibraries").addAll(OrtNatives.loaded().stream()
                    .map(f -> node.textNode(f.toString())).toList());
            if (now.cpuTempC().isPresent()) {
                node.put("cpuTempC", now.cpuTempC().getAsDouble());
            } else {
                node.putNull("cpuTempC");
            }
            if (now.cpuFreqHz().isPresent()) {
                node.put("cpuFreqHz", now.cpuFreqHz().getAsLong());
            } else {
                node.putNull("cpuFreqHz");
            }
            out.println(mapper.writeValueAsString(node));
        } else {
            row(out, "cpu model", hw.cpuModel());
            row(out, "cores", hw.physicalCores() + " physical, " + hw.logicalCores() + " logical");
            row(out, "max frequency", hw.maxFreqHz() > 0 ? ghz(hw.maxFreqHz()) : "unknown");
            row(out, "memory", String.format(Locale.ROOT, "%.1f GiB", hw.memoryBytes() / (double) (1L << 30)));
            row(out, "os", hw.os());
            row(out, "arch", hw.arch());
            row(out, "isa features", hw.isaFeatures().isEmpty() ? "none detected" : String.join(" ", hw.isaFeatures()));
            row(out, "peak fp32", hw.peakGflopsFp32() > 0
                    ? String.format(Locale.ROOT, "%.1f GFLOPS", hw.peakGflopsFp32()) : "unknown");
            row(out, "peak basis", hw.peakBasis());
            row(out, "board", hw.board());
            row(out, "fingerprint", hw.fingerprint());
            row(out, "hostname", hw.hostname());
            row(out, "jvm", hw.jvm());
            row(out, "engine", InferenceRunner.ENGINE + " " + engineVersion + " (providers: "
                    + (providers.isEmpty() ? "unknown" : String.join(", ", providers)) + ")");
            row(out, "engine libraries", OrtNatives.loaded().isEmpty() ? "unknown"
                    : OrtNatives.loaded().stream().map(Path::toString).collect(java.util.stream.Collectors.joining(" ")));
            row(out, "cpu temperature", now.cpuTempC().isPresent()
                    ? String.format(Locale.ROOT, "%.1f °C", now.cpuTempC().getAsDouble()) : "unknown");
            row(out, "cpu frequency", now.cpuFreqHz().isPresent() ? ghz(now.cpuFreqHz().getAsLong()) : "unknown");
        }
        out.flush();
        return 0;
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-16s %s%n", key, value);
    }

    private static String ghz(long hz) {
        return String.format(Locale.ROOT, "%.2f GHz", hz / 1e9);
    }
}
