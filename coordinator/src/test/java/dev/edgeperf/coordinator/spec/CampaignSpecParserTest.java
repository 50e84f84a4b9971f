package dev.edgeperf.coordinator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.testing.OpenModels;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignSpecParserTest {
    @TempDir
    Path dir;

    private CampaignSpec parse(String yaml) {
        return new CampaignSpecParser("spec.yaml", dir, Set.of("rack")).parse(yaml);
    }

    @Test
    void fullSpecBecomesARequestWithUploadedFile() throws Exception {
        ModelZoo.export("mnist-cnn", dir.resolve("mine.onnx"));
        CampaignSpec spec = parse("""
                name: sweep
                models: [mnist-cnn, ./mine.onnx]
                variants: [baseline, "pruned:structured:0.5"]
                batch_sizes: [1, 8]
                threads: [0, 2]
                modes: [latency, "throughput:4"]
                devices:
                  - board=rpi5
                  - {arch: aarch64, rack: a}
                  - all
                measurement:
                  warmup_iterations: 3
                  min_iterations: 20
                  min_duration_ms: 100
                  max_duration_ms: 2000
                  target_ci_half_width: 0.02
                  warmup_until_stable: true
                """);

        assertThat(spec.pointsPerTarget()).isEqualTo(2 * 2 * 2 * 2 * 2);
        assertThat(spec.selectors()).containsExactly("board=rpi5", "arch=aarch64,rack=a", "all");
        SubmitCampaignRequest r = spec.toRequest();
        assertThat(r.getName()).isEqualTo("sweep");
        assertThat(r.getModelsList()).containsExactly("mnist-cnn", "mine.onnx");
        // files are uploaded by the CLI and named by digest afterwards, never read into the request
        assertThat(r.getModelFilesList()).isEmpty();
        assertThat(spec.modelFiles()).containsOnlyKeys("mine.onnx");
        assertThat(spec.modelFiles().get("mine.onnx")).hasSameBinaryContentAs(dir.resolve("mine.onnx"));
        assertThat(r.getModesList()).containsExactly("latency", "throughput:4");
        assertThat(r.getSettings().getMinIterations()).isEqualTo(20);
        assertThat(r.getSettings().getTargetCiHalfWidth()).isEqualTo(0.02);
        assertThat(r.getSettings().getWarmupUntilStable()).isTrue();
        assertThat(r.getSpecSource()).contains("name: sweep");
    }

    @Test
    void defaultsAreBaselineLatencyEngineThreadsAndEveryAgent() {
        CampaignSpec spec = parse("models: mnist-cnn\nbatch_sizes: [1]\n");

        assertThat(spec.variants()).containsExactly("baseline");
        assertThat(spec.threads()).containsExactly(0);
        assertThat(spec.modes()).containsExactly(Mode.LATENCY);
        assertThat(spec.selectors()).containsExactly("all");
    }

    /** Issue 14 item 3: campaign-level providers, case-insensitive, in order, checked with their line. */
    @Test
    void providersTravelInTheSettingsInOrderAndBadOnesNameTheirLine() {
        CampaignSpec spec = parse("models: mnist-cnn\nbatch_sizes: [1]\nproviders: [CUDA, cpu]\n");
        assertThat(spec.settings().getProvidersList()).containsExactly("cuda", "cpu");
        assertThat(dev.edgeperf.core.measure.MeasurementSettings.fromProto(spec.settings()).maxDurationMs())
                .isEqualTo(dev.edgeperf.core.measure.MeasurementSettings.defaults().maxDurationMs());
        CampaignSpec kept = parse("models: mnist-cnn\nbatch_sizes: [1]\nmeasurement: {min_iterations: 7}\n"
                + "providers: tensorrt\n");
        assertThat(kept.settings().getProvidersList()).containsExactly("tensorrt");
        assertThat(kept.settings().getMinIterations()).isEqualTo(7);
        assertThat(parse("models: mnist-cnn\nbatch_sizes: [1]\n").settings().getProvidersList()).isEmpty();
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nproviders: [cpu, cudda]\n"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("spec.yaml:3: providers: unknown execution provider 'cudda'; expected one of cpu,");
        assertSpecError("models: [mnist-cnn]\nbatch_sizes: [1]\nproviders: [cpu, CPU]\n",
                "spec.yaml:3: providers names 'cpu' twice");
    }

    @Test
    void unknownSelectorKeyNamesTheLineAndTheKeys() {
        String yaml = """
                models: [mnist-cnn]
                batch_sizes: [1]
                devices:
                  - arch=aarch64
                  - bord=rpi5
                """;
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(EdgeperfException.class)
                .hasMessage("spec.yaml:5: devices: unknown selector key 'bord' (expected one of board, arch, isa,"
                        + " name or a label: rack)");
    }

    @Test
    void trainingDataLetsADistilledRecipeThroughAndTravelsInTheRequest() {
        CampaignSpec spec = parse("models: [mnist-cnn]\nbatch_sizes: [1]\n"
                + "variants: [baseline, \"distilled:mnist-cnn:width=0.5,epochs=1\"]\ntraining: mnist\ntrain_images: 1000\n");
        assertThat(spec.variants()).containsExactly("baseline",
                dev.edgeperf.core.variants.DistillRecipe.parse("distilled:mnist-cnn:width=0.5,epochs=1").text());
        assertThat(spec.toRequest().getTraining()).isEqualTo("mnist");
        assertThat(spec.toRequest().getTrainImages()).isEqualTo(1000);
        assertThat(parse("models: [mnist-cnn]\nbatch_sizes: [1]\n").toRequest().getTraining()).isEmpty();
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\ntraining: random\n"))
                .hasMessage("spec.yaml:3: training 'random' is not a labelled dataset; expected mnist or fashion-mnist"
                        + " (the train split distilled: students are trained on)");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\ntrain_images: 10\n"))
                .hasMessage("spec.yaml:3: train_images: needs training: mnist|fashion-mnist beside it");
    }

    @Test
    void unknownVariantModelFieldAndModeNameTheirLines() {
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nvariants: [baseline, prunned:0.5]\n"))
                .hasMessageStartingWith("spec.yaml:3: variants: unknown variant 'prunned:0.5'");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nvariants: [\"distilled:mnist-cnn\"]\n"))
                .hasMessageContaining("spec.yaml:3: variants: unknown variant 'distilled:mnist-cnn'")
                .hasMessageContaining("and none was given: campaign spec training: mnist|fashion-mnist");
        assertThatThrownBy(() -> parse("models:\n  - mnist-cnn\n  - resnet-9000\nbatch_sizes: [1]\n"))
                .hasMessageStartingWith("spec.yaml:3: models: unknown model 'resnet-9000'");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch: [1]\n"))
                .hasMessageStartingWith("spec.yaml:2: unknown field 'batch' (expected one of name, models,");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1, 0]\n"))
                .hasMessage("spec.yaml:2: batch_sizes must be an integer >= 1, got '0'");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nmodes: [throughput:x]\n"))
                .hasMessageStartingWith("spec.yaml:3: modes: unknown mode 'throughput:x'");
        assertThatThrownBy(() -> parse("models: [./missing.onnx]\nbatch_sizes: [1]\n"))
                .hasMessageStartingWith("spec.yaml:1: models: model file './missing.onnx' does not exist");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nmeasurement:\n  warmup: 3\n"))
                .hasMessageStartingWith("spec.yaml:4: unknown field 'measurement.warmup'");
    }

    @Test
    void modelFilesOverTheUploadLimitAreRefusedBeforeAnythingIsSent() throws Exception {
        long limit = dev.edgeperf.coordinator.artifacts.ArtifactStore.MAX_FILE_BYTES;
        for (String[] f : new String[][] {{"big.onnx", String.valueOf(limit + 1)}, {"half1.onnx", "" + limit / 2},
                {"half2.onnx", "" + (limit / 2 + 1)}}) {
            try (var file = new java.io.RandomAccessFile(dir.resolve(f[0]).toFile(), "rw")) {
                file.setLength(Long.parseLong(f[1])); // sparse: no real bytes written
            }
        }

        assertThatThrownBy(() -> parse("models:\n  - mnist-cnn\n  - ./big.onnx\nbatch_sizes: [1]\n"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("spec.yaml:3: models: model file 'big.onnx' is " + (limit + 1) + " bytes; at most "
                        + limit + " bytes per file can be uploaded");
        // the limit is per file: uploads are separate calls
        assertThat(parse("models: [./half1.onnx, ./half2.onnx]\nbatch_sizes: [1]\n").models()).hasSize(2);
    }

    @Test
    void brokenYamlIsAUserErrorWithALine() {
        assertThatThrownBy(() -> parse("models: [mnist-cnn\nbatch_sizes: [1]\n"))
                .isInstanceOf(EdgeperfException.class).hasMessageStartingWith("spec.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    /** The README points users at these files; they must stay valid as the format evolves. */
    @Test
    void shippedExampleSpecsParse() {
        Path examples = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts/campaigns");
        CampaignSpec sweep = CampaignSpecParser.read(examples.resolve("mnist-sweep.yaml"), Set.of());
        assertThat(sweep.pointsPerTarget()).isEqualTo(6 * 3);
        assertThat(sweep.selectors()).containsExactly("all");
        CampaignSpec fleet = CampaignSpecParser.read(examples.resolve("edge-fleet.yaml"), Set.of());
        assertThat(fleet.pointsPerTarget()).isEqualTo(2 * 2 * 2 * 3 * 2);
        assertThat(fleet.selectors()).containsExactly("board=rpi5", "board=rpi4", "arch=x86_64,isa=avx512f");
    }

    /** Found by {@link CampaignSpecParserFuzzTest}: each used to escape as another exception or a misleading YAML error. */
    @Test
    void fuzzFindingsAreOneLineFieldErrors() {
        assertThatThrownBy(() -> parse("models: [\"a\\0b.onnx\"]\nbatch_sizes: [1]\n"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("spec.yaml:1: models: 'a\\u0000b.onnx' is not a file path this system accepts");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [99999999999999999999999]\n"))
                .hasMessage("spec.yaml:2: batch_sizes must be an integer >= 1, got '99999999999999999999999'");
        assertThatThrownBy(() -> parse("models: [mnist-cnn]\nbatch_sizes: [1]\nmeasurement: {target_ci_half_width: .inf}\n"))
                .hasMessage("spec.yaml:3: measurement.target_ci_half_width must be a number, got '.inf'");
        assertThatThrownBy(() -> parse("models: [\"mnist\\ncnn\"]\nbatch_sizes: [1]\n"))
                .hasMessageStartingWith("spec.yaml:1: models: unknown model 'mnist\\ncnn'");
    }

    @Test
    void calibrationForTheCampaignAndPerModelTravelsWithItsFiles() throws Exception {
        Path calib = java.nio.file.Files.createDirectories(dir.resolve("calib"));
        java.nio.file.Files.write(calib.resolve("a.png"), new byte[] {1, 2, 3});
        CampaignSpec spec = parse("""
                models:
                  - mnist-cnn
                  - {name: lenet5, calibration: "random:3"}
                batch_sizes: [1]
                calibration: images:calib
                preprocess: resize=28x28
                """);
        assertThat(spec.calibrations()).containsOnlyKeys("", "lenet5");
        assertThat(spec.calibrations().get("").folder()).isEqualTo(calib);
        var request = spec.toRequest();
        assertThat(request.getModelsList()).containsExactly("mnist-cnn", "lenet5");
        assertThat(request.getCalibrationsList()).satisfiesExactlyInAnyOrder(c -> {
            assertThat(c.getModel()).isEqualTo("lenet5");
            assertThat(c.getSource()).isEqualTo("random:3");
            assertThat(c.getFilesList()).isEmpty();
        }, c -> {
            assertThat(c.getModel()).isEmpty();
            assertThat(c.getSource()).isEqualTo("images:calib");
            assertThat(dev.edgeperf.core.calibration.Preprocess.parse(c.getPreprocess()).height()).isEqualTo(28);
            assertThat(c.getFilesList()).singleElement().satisfies(f -> {
                assertThat(f.getName()).isEqualTo("a.png");
                assertThat(f.getData().toByteArray()).containsExactly(1, 2, 3);
            });
        });
    }

    @Test
    void badCalibrationNamesTheLineAndField() {
        assertThatThrownBy(() -> parse("""
                models: [mnist-cnn]
                batch_sizes: [1]
                calibration: images:nowhere
                """)).hasMessage("spec.yaml:3: calibration: folder 'images:nowhere' does not exist (looked for "
                + dir.resolve("nowhere") + ")");
        assertThatThrownBy(() -> parse("""
                models:
                  - {name: mnist-cnn, calibration: "pictures:x"}
                batch_sizes: [1]
                """)).hasMessageStartingWith("spec.yaml:2: models.calibration: --calibration 'pictures:x' is not a known"
                + " source");
        assertThatThrownBy(() -> parse("""
                models:
                  - {name: mnist-cnn, inputz: 3}
                batch_sizes: [1]
                """)).hasMessageStartingWith("spec.yaml:2: models: unknown field 'inputz'");
        assertThatThrownBy(() -> parse("""
                models: [mnist-cnn]
                batch_sizes: [1]
                preprocess: resize=2x2
                """)).hasMessage("spec.yaml:3: preprocess: needs calibration: images:DIR beside it");
    }

    // ------------------------------------------------------------------ per-model input sizes (issue 10 item 2)

    private void writeDetector() throws Exception {
        Files.createDirectories(dir.resolve("models"));
        OpenModels.write(dir.resolve("models"), "det.onnx", OpenModels.input("x", "batch", 3, "?", "?"),
                OpenModels.input("tokens", "batch", "sequence"));
    }

    private void assertSpecError(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(EdgeperfException.class).hasMessage(message);
    }

    @Test
    void aModelFileWithInputsAndDimsTravelsWithItsSizes() throws Exception {
        writeDetector();
        CampaignSpec spec = parse("""
                models:
                  - mnist-cnn
                  - file: models/det.onnx
                    inputs: {x: 1x3x320x320}
                    dims: {sequence: 128}
                batch_sizes: [1, 4]
                """);

        assertThat(spec.models().get(1).file()).isEqualTo(dir.resolve("models/det.onnx"));
        assertThat(spec.models().get(1).inputs().describe()).isEqualTo("x=1x3x320x320 sequence=128");
        SubmitCampaignRequest r = spec.toRequest();
        assertThat(r.getModelsList()).containsExactly("mnist-cnn", "det.onnx");
        assertThat(r.getModelInputsMap()).containsOnlyKeys("det.onnx");
        assertThat(r.getModelInputsMap().get("det.onnx").getShapesMap().get("x").getDimsList())
                .containsExactly(1L, 3L, 320L, 320L);
        assertThat(r.getModelInputsMap().get("det.onnx").getDimsMap()).containsEntry("sequence", 128L);
    }

    @Test
    void inputValuesTravelWithTheModelAndBadOnesNameTheSpecLine() throws Exception {
        writeDetector();
        CampaignSpec spec = parse("batch_sizes: [1]\nmodels:\n  - file: models/det.onnx\n    inputs: {x: 1x3x32x32}\n"
                + "    dims: {sequence: 2}\n    values: {tokens: [5, 6]}\n");
        assertThat(spec.models().get(0).inputs().values().get("tokens")).containsExactly(5, 6);
        assertThat(spec.toRequest().getModelInputsMap().get("det.onnx").getValuesMap().get("tokens").getValuesList())
                .containsExactly(5L, 6L);

        String head = "batch_sizes: [1]\nmodels:\n  - file: models/det.onnx\n    inputs: {x: 1x3x32x32}\n"
                + "    dims: {sequence: 2}\n";
        assertSpecError(head + "    values: {sr: 16000}\n", "spec.yaml:6: models.values: model det.onnx has no input"
                + " 'sr'; its inputs are 'x' [batch, 3, ?, ?], 'tokens' [batch, sequence]");
        assertSpecError(head + "    values: {tokens: 5}\n", "spec.yaml:3: models: model det.onnx: input 'tokens' of"
                + " shape [1, 2] holds 2 value(s), 1 given (tokens=5)");
        assertSpecError(head + "    values: {tokens: [5, six]}\n", "spec.yaml:6: models.values.tokens must be an"
                + " integer or a list of integers, e.g. 16000, got 'six'");
        assertSpecError("batch_sizes: [1]\nmodels:\n  - {name: mnist-cnn, values: {x: 1}}\n", "spec.yaml:3:"
                + " models.values: only a model given by file takes input sizes; a zoo model (name) has its own");
    }

    @Test
    void badInputSizesNameTheSpecLineAndField() throws Exception {
        writeDetector();
        String head = "batch_sizes: [1]\nmodels:\n  - file: models/det.onnx\n";
        assertSpecError(head + "    input: {x: 1x3x320x320}\n", "spec.yaml:4: models: unknown field 'input'"
                + " (expected one of name, file, inputs, dims, calibration, preprocess, values)");
        assertSpecError(head + "    inputs: {x: 1x3xbig}\n", "spec.yaml:4: models.inputs.x must be a shape of positive"
                + " integers joined by x, e.g. 1x3x320x320, got '1x3xbig'");
        assertSpecError(head + "    inputs:\n      x: 1x3x320x320\n      images: 1x3x64x64\n",
                "spec.yaml:6: models.inputs: model det.onnx has no input 'images'; its inputs are 'x'"
                        + " [batch, 3, ?, ?], 'tokens' [batch, sequence]");
        assertSpecError(head + "    inputs: {x: 1x3x320x320}\n    dims: {seq: 128}\n", "spec.yaml:5: models.dims:"
                + " model det.onnx has no dimension named 'seq'; its named dimensions are batch, sequence");
        assertSpecError(head + "    dims: {sequence: 0}\n", "spec.yaml:4: models.dims.sequence must be an integer"
                + " >= 1, got '0'");
        assertSpecError(head + "    inputs: {x: 1x3x320}\n", "spec.yaml:3: models: input 'x' of det.onnx has rank 4"
                + " ([batch, 3, ?, ?]), but shape 1x3x320 was given");
        assertSpecError(head + "    dims: {sequence: 16}\n", "spec.yaml:3: models: input 'x' of det.onnx has no"
                + " value for dimension 2 (unnamed, dim_param '?') of [batch, 3, ?, ?]; pass --input x=1x3x<d2>x<d3>");
        assertSpecError("batch_sizes: [1]\nmodels:\n  - inputs: {x: 1x3x320x320}\n", "spec.yaml:3: models: an entry"
                + " needs exactly one of name (a zoo model) and file (an .onnx file relative to the spec)");
        assertSpecError("batch_sizes: [1]\nmodels:\n  - {name: mnist-cnn, dims: {batch: 2}}\n", "spec.yaml:3:"
                + " models.dims: only a model given by file takes input sizes; a zoo model (name) has its own");
    }

    @Test
    void aFixedBatchFileAskedForAnotherBatchIsCheckedRebatchedOrRefusedAtItsLine() throws Exception {
        // a Relu graph can be rebatched: its sizes are checked on the rebatched graph (the coordinator stores it)
        OpenModels.write(dir, "fixed.onnx", OpenModels.input("x", 1, 3, "?", "?"));
        assertThat(parse("models:\n  - {file: fixed.onnx, inputs: {x: 1x3x48x192}}\nbatch_sizes: [1, 4]\n")
                .batchSizes()).containsExactly(1, 4);
        assertSpecError("models:\n  - {file: fixed.onnx, inputs: {x: 1x3x48}}\nbatch_sizes: [4]\n",
                "spec.yaml:2: models: input 'x' of fixed.onnx has rank 4 ([1, 3, ?, ?]), but shape 1x3x48 was"
                        + " given");
        // a constant Reshape pins the batch: refused at its line, saying why
        OpenModels.pinnedReshape(dir, "pinned.onnx");
        assertSpecError("models:\n  - {file: pinned.onnx, inputs: {x: 1x4}}\nbatch_sizes: [1, 4]\n",
                "spec.yaml:2: models: model pinned.onnx: input 'x' has a fixed batch dimension of 1 ([1, 4]), so"
                        + " batch 4 cannot be measured; measure batch 1, or export the model with a symbolic leading"
                        + " dimension (it cannot be rebatched: node 'reshape' (Reshape) has a constant shape leading"
                        + " with 1)");
    }
}
