package dev.edgeperf.core.measure;

import ai.onnxruntime.OrtProvider;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * ONNX Runtime execution provider names as campaigns give them: lower-case, without underscores
 * ({@code cpu}, {@code cuda}, {@code tensorrt}, {@code openvino}, {@code dnnl}, {@code coreml},
 * {@code xnnpack}, ...), one per {@link OrtProvider}; case-insensitive on input.
 */
public final class ExecutionProviders {
    private ExecutionProviders() {
    }

    /** The name a campaign uses for {@code provider}, e.g. "tensorrt" for TENSOR_RT. */
    public static String name(OrtProvider provider) {
        return provider.name().toLowerCase(Locale.ROOT).replace("_", "");
    }

    /** The provider a name means, or empty when it names none. */
    public static Optional<OrtProvider> provider(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return Arrays.stream(OrtProvider.values()).filter(p -> name(p).equals(key)).findFirst();
    }

    /** Every name a campaign may give, comma-separated. */
    public static String known() {
        return Arrays.stream(OrtProvider.values()).map(ExecutionProviders::name).collect(Collectors.joining(", "));
    }

    /**
     * The requested providers in their canonical names, order kept.
     *
     * @throws EdgeperfException USER_ERROR naming an unknown, empty or repeated name
     */
    public static List<String> canonical(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw EdgeperfException.userError("measurement setting providers has an empty name; expected one of "
                        + known());
            }
            String c = provider(n).map(ExecutionProviders::name).orElseThrow(() -> EdgeperfException.userError(
                    "measurement setting providers: unknown execution provider '" + n.strip() + "'; expected one of "
                            + known()));
            if (out.contains(c)) {
                throw EdgeperfException.userError("measurement setting providers names '" + c + "' twice");
            }
            out.add(c);
        }
        return List.copyOf(out);
    }
}
