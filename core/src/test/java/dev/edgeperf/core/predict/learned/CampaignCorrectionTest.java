package dev.edgeperf.core.predict.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignCorrectionTest {
    private static CampaignCell cell(String model, String recipe, long flops, int batch, double baseMs,
                                     double measuredMs) {
        return new CampaignCell(model, recipe, flops, batch, 2, "roofline", baseMs, baseMs / 2, measuredMs);
    }

    /** Two models measured at 2x their roofline figure, batches 1, 2, 4 each. */
    private static List<CampaignCell> twiceSlow(String... models) {
        List<CampaignCell> cells = new ArrayList<>();
        long flops = 1_000_000;
        for (String m : models) {
            for (int batch : new int[] {1, 2, 4}) {
                double base = flops * batch / 1e6;
                cells.add(cell(m, "", flops * batch, batch, base, 2 * base));
            }
            flops *= 10;
        }
        return cells;
    }

    @Test
    void aConstantRatioIsLearnedExactly() {
        CampaignCorrection.Fit fit = CampaignCorrection.fit(twiceSlow("lenet5", "mnist-cnn"), "squeezenet",
                "roofline");

        assertThat(fit.reason()).isEmpty();
        CampaignCorrection c = fit.correction().orElseThrow();
        assertThat(c.cells()).isEqualTo(6);
        assertThat(c.models()).isEqualTo(2);
        // y is constant: slopes are 0 whatever the ridge, the unpenalised intercept is log 2
        assertThat(c.predictMs(cell("squeezenet", "", 5_000_000, 8, 3.0, 0))).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void aModelsOwnCellsAndItsVariantsNeverEnterItsFit() {
        List<CampaignCell> history = new ArrayList<>(twiceSlow("lenet5", "mnist-cnn"));
        // mobilenet's own cells say 10x, under every spelling of its name and for its variants
        history.add(cell("mobilenet-v1", "", 5_000_000, 1, 1.0, 10.0));
        history.add(cell("MobileNet-V1", "quantized:int8-static", 5_000_000, 8, 4.0, 40.0));
        history.add(cell(" mobilenet-v1.onnx", "pruned:structured:0.5", 3_000_000, 1, 1.0, 10.0));

        assertThat(CampaignCorrection.training(history, "mobilenet-v1", "roofline"))
                .hasSize(6).noneMatch(c -> c.sameModel("mobilenet-v1"));
        CampaignCorrection with = CampaignCorrection.fit(history, "mobilenet-v1", "roofline").correction()
                .orElseThrow();
        CampaignCorrection without = CampaignCorrection.fit(twiceSlow("lenet5", "mnist-cnn"), "mobilenet-v1",
                "roofline").correction().orElseThrow();
        CampaignCell query = cell("mobilenet-v1", "quantized:int8-static", 5_000_000, 8, 4.0, 0);
        assertThat(with.predictMs(query)).isEqualTo(without.predictMs(query)).isCloseTo(8.0, within(1e-9));
        // and a fit for another model does use them
        assertThat(CampaignCorrection.fit(history, "lenet5", "roofline").correction().orElseThrow().models())
                .isEqualTo(2);
    }

    @Test
    void cellsOfAnotherBasePredictorOrUnmeasuredAreLeftOut() {
        List<CampaignCell> history = new ArrayList<>(twiceSlow("lenet5"));
        history.add(new CampaignCell("mnist-cnn", "", 1000, 1, 2, "kernel", 1.0, 0.5, 3.0));
        history.add(cell("mnist-cnn", "", 1000, 1, 1.0, 0));

        CampaignCorrection.Fit fit = CampaignCorrection.fit(history, "squeezenet", "roofline");

        assertThat(fit.correction()).isEmpty();
        assertThat(fit.reason()).isEqualTo("only 3 measured cell(s) of other models with a roofline prediction on"
                + " this device (needs 6)");
    }

    @Test
    void aTrendInBatchIsFollowedButNeverExtrapolatedPastTheRatiosSeen() {
        // measured / base = 1 at batch 1, 2 at batch 2, 4 at batch 4 ... for three models
        List<CampaignCell> history = new ArrayList<>();
        for (String m : new String[] {"a", "b", "c"}) {
            for (int batch : new int[] {1, 2, 4}) {
                history.add(cell(m, "", 1_000_000L * batch, batch, 1.0, batch));
            }
        }
        CampaignCorrection c = CampaignCorrection.fit(history, "d", "roofline").correction().orElseThrow();

        double at1 = c.factor(cell("d", "", 1_000_000, 1, 1.0, 0));
        double at4 = c.factor(cell("d", "", 4_000_000, 4, 1.0, 0));
        assertThat(at4).isGreaterThan(2 * at1);
        assertThat(c.factor(cell("d", "", 1_000_000_000L, 1024, 1.0, 0))).isCloseTo(4.0, within(1e-9));
        assertThat(c.factor(cell("d", "", 1, 1, 1.0, 0))).isGreaterThanOrEqualTo(1.0 - 1e-9);
    }

    @Test
    void solvesALinearSystem() {
        double[] x = CampaignCorrection.solve(new double[][] {{0, 2, 1}, {1, 1, 1}, {2, 0, 3}}, new double[] {7, 6, 11});

        assertThat(x[0]).isCloseTo(1, within(1e-12));
        assertThat(x[1]).isCloseTo(2, within(1e-12));
        assertThat(x[2]).isCloseTo(3, within(1e-12));
    }

    @Test
    void variantsShareTheirBaselinesModelKey() {
        assertThat(CampaignCell.modelKey(" Net.onnx ")).isEqualTo("net");
        assertThat(CampaignCell.variantKind("pruned:structured:0.5")).isEqualTo("pruned");
        assertThat(CampaignCell.variantKind(" ")).isEqualTo("baseline");
    }
}
