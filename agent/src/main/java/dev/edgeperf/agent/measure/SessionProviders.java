package dev.edgeperf.agent.measure;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.measure.ExecutionProviders;
import dev.edgeperf.proto.LayerTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The execution providers a job's session is opened with (issue 14 item 3): checked against what this
 * ONNX Runtime offers, added to the session options in the requested order, and read back from the
 * profiled pass (which provider ran each node).
 */
public final class SessionProviders {
    /** ONNX Runtime's session option that stops nodes falling back to the CPU provider. */
    static final String DISABLE_CPU_FALLBACK = "session.disable_cpu_ep_fallback";

    private SessionProviders() {
    }

    /**
     * @param requested providers in {@link ExecutionProviders} names
     * @param available the engine's providers as {@link OrtProvider} names (what {@link InferenceRunner#availableProviders()}
     *                  returns), e.g. ["CPU"]
     * @param where     who lacks it, for the message: "agent pi-1", "this host"
     * @throws EdgeperfException USER_ERROR "provider cuda is not available on agent X (available: cpu)" for the first
     *                           requested provider the engine lacks
     */
    public static void requireAvailable(List<String> requested, List<String> available, String where) {
        List<String> offered = new ArrayList<>();
        for (String a : available) {
            offered.add(ExecutionProviders.provider(a).map(ExecutionProviders::name).orElse(a.toLowerCase()));
        }
        for (String r : requested) {
            if (!offered.contains(r)) {
                throw EdgeperfException.userError("provider " + r + " is not available on " + where
                        + " (available: " + (offered.isEmpty() ? "none reported" : String.join(", ", offered)) + ")");
            }
        }
    }

    /**
     * Adds the requested providers to {@code options} in order. The CPU provider is ONNX Runtime's own last
     * resort; when it is not requested, nodes may not fall back to it (the session fails to build instead).
     */
    static void apply(OrtSession.SessionOptions options, List<String> requested) throws OrtException {
        if (requested.isEmpty()) {
            return;
        }
        for (String name : requested) {
            OrtProvider p = ExecutionProviders.provider(name).orElseThrow(() -> EdgeperfException.userError(
                    "unknown execution provider '" + name + "'; expected one of " + ExecutionProviders.known()));
            switch (p) {
                case CPU -> { } // always present, after every other provider
                case CUDA -> options.addCUDA(0);
                case TENSOR_RT -> options.addTensorrt(0);
                case ROCM -> options.addROCM(0);
                case DNNL -> options.addDnnl(true);
                case OPEN_VINO -> options.addOpenVINO("");
                case DIRECT_ML -> options.addDirectML(0);
                case ACL -> options.addACL(true);
                case CORE_ML -> options.addCoreML();
                case NNAPI -> options.addNnapi();
                case XNNPACK -> options.addXnnpack(Map.of());
                case QNN -> options.addQnn(Map.of());
                case WEBGPU -> options.addWebGPU(Map.of());
                default -> throw EdgeperfException.userError("execution provider " + name
                        + " cannot be opened by this agent (no session option for it in ONNX Runtime's Java API)");
            }
        }
        if (!requested.contains(ExecutionProviders.name(OrtProvider.CPU))) {
            options.addConfigEntry(DISABLE_CPU_FALLBACK, "1");
        }
    }

    /**
     * Kernels of the profiled pass per provider, most first (ties by name), e.g. "CPUExecutionProvider=12";
     * "" when no layer names its provider.
     */
    static String nodesByProvider(List<LayerTime> layers) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (LayerTime l : layers) {
            if (!l.getProvider().isEmpty()) {
                counts.merge(l.getProvider(), 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /**
     * The providers a result reports as used, as {@link OrtProvider} names joined by "," ("CUDA,CPU"): those requested
     * (CPU when none) that ran at least one node of the profiled pass; all of them when the pass names no provider.
     */
    static String used(List<String> requested, List<LayerTime> layers) {
        List<String> asked = requested.isEmpty() ? List.of(ExecutionProviders.name(OrtProvider.CPU)) : requested;
        List<String> ran = layers.stream().map(LayerTime::getProvider).filter(s -> !s.isEmpty())
                .map(SessionProviders::fromProfile).flatMap(Optional::stream).distinct().toList();
        List<String> out = new ArrayList<>();
        for (String a : asked) {
            if (ran.isEmpty() || ran.contains(a)) {
                out.add(ExecutionProviders.provider(a).map(OrtProvider::name).orElse(a));
            }
        }
        // a provider ran nodes the request did not name (ORT's implicit CPU): report it too
        for (String r : ran) {
            String name = ExecutionProviders.provider(r).map(OrtProvider::name).orElse(r);
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return String.join(",", out);
    }

    /** "CUDAExecutionProvider" -> "cuda"; empty for a name no {@link OrtProvider} matches. */
    static Optional<String> fromProfile(String profileName) {
        String base = profileName.replaceFirst("ExecutionProvider$", "");
        return ExecutionProviders.provider(base).map(ExecutionProviders::name);
    }
}
