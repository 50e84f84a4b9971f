package dev.edgeperf.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.predict.learned.CampaignCell;
import dev.edgeperf.core.predict.learned.LearnedInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LearnedPredictorTest {
    /** MatMul peak 100 GFLOP/s, Conv 50, 10 GB/s, 20 us per call, 5 us per node, calibrated on 2 threads. */
    private static final DevicePeaks DEVICE = new DevicePeaks(200, 100, 50, 10, 20, 5, 2);
    private static final ModelProfile PROFILE = new ModelProfile("test", 1, CountingConvention.DETAILED,
            List.of(new NodeCost("mm", "MatMul", List.of(), 0, 500_000_000L, 1_000_000_000L, 0, true, 0)), 0, 0,
            500_000_000L, 1_000_000_000L, 0, 0, 0, Map.of(), List.of());
    private final Predictor learned = new LearnedPredictor();

    private static PredictionInput input() {
        return new PredictionInput(PROFILE.totalFlops(), 1, 2, "CPU", DEVICE, Optional.of(PROFILE));
    }

    private static List<CampaignCell> history(String model, double ratio, int cells) {
        List<CampaignCell> out = new ArrayList<>();
        for (int i = 1; i <= cells; i++) {
            out.add(new CampaignCell(model + (i % 2), "", 1000L * i, i, 2, "roofline", i, i / 4.0, ratio * i));
        }
        return out;
    }

    @Test
    void correctsTheRooflineFigureAndItsNodesByTheFittedFactor() {
        double roofline = new RooflinePredictor().predict(input()).millis();

        PredictedLatency p = learned.predict(input().withLearned(new LearnedInputs("mine", "", history("other", 1.5,
                8))));

        assertThat(p.predictor()).isEqualTo("learned-from-campaigns");
        assertThat(p.millis()).isCloseTo(1.5 * roofline, within(1e-9));
        assertThat(p.nodes()).singleElement().satisfies(n -> assertThat(n.millis()).isCloseTo(1.5 * 10.005,
                within(1e-9)));
        assertThat(p.basis()).isEqualTo("roofline x 1.500: ridge fit of log(measured / roofline) on 8 cell(s) of 2"
                + " other model(s) measured on this device");
    }

    @Test
    void saysWhyWhenItCannotPredict() {
        assertThat(learned.predict(input()).basis()).startsWith("no prediction: needs the device's results");
        PredictedLatency few = learned.predict(input().withLearned(new LearnedInputs("other1", "",
                history("other", 1.5, 8))));
        assertThat(few.known()).isFalse();
        assertThat(few.basis()).isEqualTo("no prediction: only 4 measured cell(s) of other models with a roofline"
                + " prediction on this device (needs 6)");
        PredictedLatency uncalibrated = learned.predict(new PredictionInput(1000, 1, 2, "CPU",
                DevicePeaks.theoretical(10), Optional.of(PROFILE)).withLearned(new LearnedInputs("m", "",
                history("o", 1, 8))));
        assertThat(uncalibrated.basis()).isEqualTo("no prediction: nothing to correct: roofline has no prediction:"
                + " the device is not calibrated (run agent calibrate)");
    }

    @Test
    void isRegistered() {
        assertThat(Predictors.byName("learned-from-campaigns")).isInstanceOf(LearnedPredictor.class);
    }
}
