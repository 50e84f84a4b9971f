package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.testing.OpenModels;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CampaignRunCommandTest {
    @TempDir
    Path dir;

    private final CliCapture cli = new CliCapture();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void nonPositiveBatchIsAUserError() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");

        int code = run("campaign", "run", "--model", "mnist-cnn", "--batch", "1,0", "--data-dir", dir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: --batch must be positive integers, got '0'"
                + System.lineSeparator());
    }

    @Test
    void calibrationThatCannotBeReadIsAOneLineUserErrorBeforeAnythingIsSent() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");
        Path missing = dir.resolve("no-such-folder");

        int code = run("campaign", "run", "--model", "mnist-cnn", "--batch", "1", "--data-dir", dir.toString(),
                "--calibration", "images:" + missing, "--coordinator", "127.0.0.1:1");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: calibration folder " + missing + " (images:" + missing
                + ") does not exist or is not a folder" + System.lineSeparator());
    }

    @Test
    void preprocessWithoutCalibrationIsAUserError() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");

        int code = run("campaign", "run", "--model", "mnist-cnn", "--batch", "1", "--data-dir", dir.toString(),
                "--preprocess", "resize=28x28");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: --preprocess needs --calibration images:DIR"
                + System.lineSeparator());
    }

    @Test
    void unreachableCoordinatorIsAnExternalError() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }

        int code = run("campaign", "run", "--model", "mnist-cnn", "--batch", "1", "--data-dir", dir.toString(),
                "--coordinator", "127.0.0.1:" + port);

        assertThat(code).isEqualTo(69);
        assertThat(err.toString()).startsWith("edgeperf: cannot reach coordinator 127.0.0.1:" + port + ": ")
                .doesNotContain("\tat ");
    }

    @Test
    void missingTokenFileSaysWhereItLookedAndHowToPassOne() {
        int code = run("campaign", "status", "abc", "--data-dir", dir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).hasLineCount(1).startsWith("edgeperf: no readable join token at "
                + dir.resolve("join-token") + " (from join-token in --data-dir " + dir + "); pass --token-file FILE"
                + " or set EDGEPERF_TOKEN_FILE");
    }

    @Test
    void flagsCarryModesDevicesAndMeasurementSettings() {
        CampaignRunCommand command = new CampaignRunCommand();
        new CommandLine(command).parseArgs("--model", "mnist-cnn", "--batch", "1,8", "--mode", "latency,throughput:4",
                "--device", "board=rpi5", "--device", "arch=x86_64,isa=avx512f", "--target-ci", "2%",
                "--warmup-until-stable", "--min-iterations", "30", "--max-duration-ms", "5000");

        var request = command.request();

        assertThat(request.getModesList()).containsExactly("latency", "throughput:4");
        assertThat(request.getSelectorsList()).containsExactly("board=rpi5", "arch=x86_64,isa=avx512f");
        assertThat(request.getSettings().getTargetCiHalfWidth()).isEqualTo(0.02);
        assertThat(request.getSettings().getWarmupUntilStable()).isTrue();
        assertThat(request.getSettings().getMinIterations()).isEqualTo(30);
        assertThat(request.getSettings().getMaxDurationMs()).isEqualTo(5000);
    }

    @Test
    void specFileWithPointFlagsIsAUserError() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");

        int code = run("campaign", "run", dir.resolve("spec.yaml").toString(), "--batch", "1",
                "--data-dir", dir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf: give either a campaign spec file (")
                .contains("or --model and --batch, not both");
    }

    /** Issue 10: a user's file with its input sizes, from flags; the sizes apply to the one --model. */
    @Test
    void aModelFileWithInputAndDimFlagsIsUploadedWithItsSizes() throws Exception {
        Path det = OpenModels.write(dir, "det.onnx", OpenModels.input("x", "batch", 3, "?", "?"),
                OpenModels.input("ids", "batch", "sequence"));
        CampaignRunCommand command = new CampaignRunCommand();
        new CommandLine(command).parseArgs("--model", det.toString(), "--input", "x=1x3x48x192", "--dim",
                "sequence=128", "--batch", "1,4");

        var request = command.request();

        assertThat(request.getModelsList()).containsExactly("det.onnx");
        // the file itself is uploaded by digest when the campaign runs (CampaignUploadCommandTest)
        assertThat(request.getModelFilesList()).isEmpty();
        assertThat(request.getModelInputsMap().get("det.onnx").getShapesMap().get("x").getDimsList())
                .containsExactly(1L, 3L, 48L, 192L);
        assertThat(request.getModelInputsMap().get("det.onnx").getDimsMap()).containsExactly(
                java.util.Map.entry("sequence", 128L));
        assertThat(request.getBatchSizesList()).containsExactly(1, 4);
    }

    @Test
    void inputSizesForSeveralModelsBadShapesAndMissingFilesAreOneLineUserErrors() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");
        assertThat(run("campaign", "run", "--model", "mnist-cnn,lenet5", "--input", "x=1x4", "--batch", "1",
                "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: --input, --dim and --value apply to one --model, but 2 are given"
                + " (mnist-cnn, lenet5); give each model's sizes in a campaign spec" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(run("campaign", "run", "--model", "mnist-cnn", "--input", "x=1xbig", "--batch", "1",
                "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: --input must be NAME=DIMxDIMx... with positive dimensions,"
                + " got 'x=1xbig'" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(run("campaign", "run", "--model", dir.resolve("nope.onnx").toString(), "--batch", "1",
                "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: --model " + dir.resolve("nope.onnx")
                + ": the model file does not exist" + System.lineSeparator());
    }
}
