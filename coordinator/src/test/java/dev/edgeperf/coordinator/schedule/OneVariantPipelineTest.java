package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.cli.CoordinatorMain;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.zoo.ModelZoo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code variants build} and campaign preparation are one pipeline: the same model, recipe and calibration
 * give the same bytes, hence the same SHA-256, in both.
 */
class OneVariantPipelineTest {
    @TempDir
    Path dir;

    /** 12 grayscale 28×28 PNGs of random strokes: mnist-cnn-sized images. */
    private Path images() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("digits"));
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 12; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 4; y < 24; y++) {
                for (int x = 4; x < 24; x++) {
                    int v = rnd.nextInt(4) == 0 ? 255 : 0;
                    img.getRaster().setSample(x, y, 0, v);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            Files.write(folder.resolve(String.format("d%02d.png", i)), out.toByteArray());
        }
        return folder;
    }

    private static Map<String, byte[]> files(Path folder) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var s = Files.list(folder)) {
            for (Path p : s.sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void variantsBuildAndCampaignPreparationGiveTheSameBytesForTheSameRecipeAndCalibration() throws Exception {
        Path folder = images();
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        var cli = CoordinatorMain.newCommandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("variants", "build", "mnist-cnn", "--variants",
                "quantized:int8-static,clustered:16,quantized:int8-static:mse:fp32-sensitive=2",
                "--calibration", "images:" + folder, "--out", out.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")));
        assertThat(manifest.path("calibrationLabel").asText()).isEqualTo("images:" + folder + " 12 files");

        byte[] baseline = ModelZoo.build("mnist-cnn");
        ModelBuilder campaign = new ModelBuilder(null);
        ModelCalibration sent = new ModelCalibration("images:" + folder, "", files(folder));
        for (JsonNode v : manifest.path("variants")) {
            BuiltVariant built = campaign.build(baseline, "mnist-cnn", v.path("recipe").asText(), ModelInputs.none(), sent);
            byte[] cliBytes = Files.readAllBytes(out.resolve(v.path("file").asText()));
            assertThat(Digests.sha256Hex(built.onnx())).as(v.path("recipe").asText())
                    .isEqualTo(Digests.sha256Hex(cliBytes)).isEqualTo(v.path("sha256").asText());
            assertThat(built.calibration()).isEqualTo("images:" + folder + " 12 files");
            assertThat(built.fidelity().cosineSimilarity()).isEqualTo(v.path("fidelity").path("cosineSimilarity").asDouble());
        }
        // and a different calibration gives a different int8 file: the data really calibrates
        BuiltVariant random = campaign.build(baseline, "mnist-cnn", "quantized:int8-static", ModelInputs.none(),
                ModelCalibration.RANDOM);
        assertThat(random.calibration()).isEqualTo("random (seed 20240601)");
        assertThat(Digests.sha256Hex(random.onnx())).isNotEqualTo(manifest.path("variants").get(0).path("sha256").asText());
    }

    /**
     * silero-vad-op15 (scripts/models-corpus.tsv; skipped when the corpus is not fetched) with the manifest's
     * shapes and {@code sr=16000}: the CLI and a campaign feed the same inputs, the value included, and get the
     * same file and the same figures. The earlier report of 0.345 in one path and 0.9997 in the other does not
     * reproduce: both give int8-dynamic 0.9962 / 20.7 dB, and int8-static fails the gate in both (0.345, -23.3 dB on
     * random audio whose baseline answer is ~0.0003 for every chunk).
     */
    @Test
    void aMultiInputModelWithAnInputValueGivesTheSameVariantAndFidelityInBothPaths() throws Exception {
        Path root = Path.of(System.getProperty("edgeperf.repoRoot", ".."));
        String env = System.getenv("EDGEPERF_MODELS_CORPUS");
        Path file = (env != null && !env.isBlank() ? Path.of(env) : root.resolve("models-corpus"))
                .resolve("silero-vad-op15.onnx");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(file), "corpus model " + file + " not fetched");
        Path out = dir.resolve("vad");
        StringWriter err = new StringWriter();
        var cli = CoordinatorMain.newCommandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("variants", "build", file.toString(), "--variants", "quantized:int8-dynamic,"
                + "quantized:int8-static", "--input", "input=1x512", "--input", "state=2x1x128", "--value", "sr=16000",
                "--out", out.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")));
        JsonNode dynamic = manifest.path("variants").get(0);
        assertThat(dynamic.path("recipe").asText()).isEqualTo("quantized:int8-dynamic");
        String skipped = manifest.path("skipped").get(0).path("reason").asText();

        ModelInputs inputs = new ModelInputs(Map.of("input", new long[] {1, 512}, "state", new long[] {2, 1, 128}),
                Map.of(), Map.of("sr", new long[] {16000}));
        ModelBuilder campaign = new ModelBuilder(null);
        byte[] baseline = Files.readAllBytes(file);
        BuiltVariant built = campaign.build(baseline, "silero-vad-op15", "quantized:int8-dynamic", inputs,
                ModelCalibration.RANDOM);
        assertThat(Digests.sha256Hex(built.onnx())).isEqualTo(dynamic.path("sha256").asText());
        assertThat(built.fidelity().cosineSimilarity()).isEqualTo(dynamic.path("fidelity").path("cosineSimilarity")
                .asDouble()).isGreaterThan(0.99);
        assertThat(built.fidelity().sqnrDb()).isEqualTo(dynamic.path("fidelity").path("sqnrDb").asDouble());
        // int8-static fails the gate in both, with the same line
        assertThatThrownBy(() -> campaign.build(baseline, "silero-vad-op15", "quantized:int8-static", inputs,
                ModelCalibration.RANDOM)).isInstanceOf(EdgeperfException.class).hasMessage(skipped)
                .hasMessageContaining("output 'output' fidelity to the baseline collapsed");
    }

    @Test
    void calibrationThatDoesNotFitTheModelFailsThePreparationWithOneLine() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("wide"));
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Files.write(folder.resolve("a.png"), png.toByteArray());
        ModelCalibration sent = new ModelCalibration("images:wide", "", files(folder));

        assertThatThrownBy(() -> new ModelBuilder(null).build(ModelZoo.build("mnist-cnn"), "mnist-cnn",
                "quantized:int8-static", ModelInputs.none(), sent))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageMatching("image .*a\\.png is 32x32 \\(HxW\\) but the model input takes 28x28; resize the images"
                        + " or add --preprocess resize=28x28");
    }
}
