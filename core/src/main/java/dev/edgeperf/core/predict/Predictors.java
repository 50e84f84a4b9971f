package dev.edgeperf.core.predict;

import dev.edgeperf.core.EdgeperfException;
import java.util.List;
import java.util.stream.Collectors;

/** Every predictor edgeperf has, by name, and which one to believe when several answered. */
public final class Predictors {
    private static final List<Predictor> ALL = List.of(new NaivePredictor(), new RooflinePredictor(),
            new KernelPredictor(), new LearnedPredictor());

    private Predictors() {
    }

    /** In the order they are shown: the seed rule first, always. */
    public static List<Predictor> all() {
        return ALL;
    }

    /** @throws EdgeperfException USER_ERROR for an unknown name, listing the known ones */
    public static Predictor byName(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() ->
                EdgeperfException.userError("unknown predictor '" + name + "'; expected one of " + names()));
    }

    public static String names() {
        return ALL.stream().map(Predictor::name).collect(Collectors.joining(", "));
    }

    /**
     * The prediction to show as "the" figure: the kernel one when it predicted every kernel (it is
     * fitted on the device's own kernels), else the roofline one when it could predict (it models
     * memory-bound layers and dispatch, which the naive rule ignores), otherwise the naive one.
     */
    public static PredictedLatency recommended(List<PredictedLatency> answers) {
        return answers.stream().filter(p -> p.predictor().equals(KernelPredictor.NAME) && p.known()
                        && KernelPredictor.complete(p)).findFirst()
                .or(() -> answers.stream().filter(p -> p.predictor().equals(RooflinePredictor.NAME) && p.known())
                        .findFirst())
                .or(() -> answers.stream().filter(PredictedLatency::known).findFirst())
                .orElse(answers.isEmpty() ? PredictedLatency.none("none", "no predictor ran") : answers.get(0));
    }
}
