package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.onnx.ProtoBuilders;
import dev.edgeperf.core.train.Evaluator;
import dev.edgeperf.core.train.MnistCnnOnnx;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code variants build --variants distilled:...}: a real (tiny) distillation and every bad input. */
class DistilledVariantTest {
    @TempDir
    Path dir;

    private final CliCapture cli = new CliCapture();

    private static Path mnist() {
        return dev.edgeperf.coordinator.testing.Fixtures.mnist();
    }

    @Test
    void aStudentDistilledFromATeacherWithOtherNamesKeepsThemAndRecordsBothAccuracies() throws Exception {
        Path data = mnist();
        ModelProto zoo = OnnxModels.parse(ModelZoo.build("mnist-cnn"), "mnist-cnn");
        Path teacher = dir.resolve("teacher.onnx");
        Files.write(teacher, MnistCnnOnnx.export(MnistCnnOnnx.weightsOf(zoo), "renamed", "pixels", "probs").toByteArray());
        Path o = dir.resolve("v");

        // the comma inside the recipe's options does not split --variants; the one before baseline does
        int code = cli.run("variants", "build", teacher.toString(), "--variants",
                "distilled:mnist-cnn:width=0.25,epochs=1,seed=3,baseline", "--calibration", "mnist", "--datasets",
                data.toString(), "--train-images", "1000", "--eval-images", "300", "--out", o.toString());

        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode m = new ObjectMapper().readTree(Files.readString(o.resolve("manifest.json")));
        JsonNode v = m.path("variants").get(0);
        assertThat(v.path("recipe").asText()).isEqualTo("distilled:mnist-cnn:width=0.25,T=4,alpha=0.7,epochs=1,seed=3");
        JsonNode d = v.path("distillation");
        assertThat(d.path("layers").path("conv1").asInt()).isEqualTo(1);
        assertThat(d.path("layers").path("hidden").asInt()).isEqualTo(32);
        assertThat(d.path("trainedOn").asText()).isEqualTo("mnist train split, first 1000 images");
        assertThat(d.path("evaluatedOn").asText()).isEqualTo("mnist test split, first 300 images");
        assertThat(d.path("teacherAccuracy").asDouble()).isEqualTo(m.path("variants").get(1).path("accuracy").asDouble())
                .isGreaterThan(0.95);
        assertThat(d.path("hardLabelAccuracy").asDouble()).isBetween(0.2, 1.0);
        assertThat(d.path("distilledAccuracy").asDouble()).isEqualTo(v.path("accuracy").asDouble()).isBetween(0.2, 1.0);

        Path file = o.resolve(v.path("file").asText());
        ModelProto student = OnnxModels.read(file);
        assertThat(student.getGraph().getInput(0).getName()).isEqualTo("pixels");
        assertThat(student.getGraph().getOutput(0).getName()).isEqualTo("probs");
        assertThat(MnistCnnOnnx.weightsOf(student).shape().conv2()).isEqualTo(1);
        // independent check: ORT's accuracy of the written file on the same 300 test images
        LabeledImages test = Datasets.load(Datasets.MNIST, data, Split.TEST).first(300);
        assertThat(Evaluator.accuracy(Files.readAllBytes(file), test))
                .isCloseTo(d.path("distilledAccuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void lenet5AndPoolStudentsTrainAndTheirPrunedAndSeparableVariantsFinetune() throws Exception {
        Path data = mnist();
        Path o = dir.resolve("v");
        int code = cli.run("variants", "build", "mnist-cnn", "--variants", "distilled:lenet5:epochs=1,seed=3",
                "--calibration", "mnist", "--datasets", data.toString(), "--train-images", "1000", "--eval-images", "300",
                "--out", o.toString());
        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode v = new ObjectMapper().readTree(Files.readString(o.resolve("manifest.json"))).path("variants").get(0);
        JsonNode d = v.path("distillation");
        // the zoo's LeNet-5 sizes: MNIST's 28x28 go through a padded first conv (LeCun's 32x32)
        assertThat(d.path("parameters").asLong()).isEqualTo(61_706);
        assertThat(d.path("layers").path("conv2").asInt()).isEqualTo(16);
        assertThat(d.path("layers").path("fc2").asInt()).isEqualTo(84);
        assertThat(d.path("distilledAccuracy").asDouble()).isBetween(0.5, 1.0);
        assertThat(d.path("hardLabelAccuracy").asDouble()).isBetween(0.5, 1.0);
        LabeledImages test = Datasets.load(Datasets.MNIST, data, Split.TEST).first(300);
        assertThat(Evaluator.accuracy(Files.readAllBytes(o.resolve(v.path("file").asText())), test))
                .isCloseTo(d.path("distilledAccuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-9));

        // the zoo's mnist-cnn-pool has untrained weights: one short epoch must lift it well above where it started
        CliCapture tune = new CliCapture();
        Path t = dir.resolve("t");
        code = tune.run("variants", "build", "mnist-cnn-pool", "--variants",
                "pruned:structured:0.4+finetune:1,separable+finetune:1", "--calibration", "mnist", "--datasets",
                data.toString(), "--train-images", "2000", "--eval-images", "300", "--out", t.toString());
        assertThat(code).as(tune.err.toString()).isZero();
        JsonNode vs = new ObjectMapper().readTree(Files.readString(t.resolve("manifest.json"))).path("variants");
        assertThat(vs).hasSize(2);
        for (JsonNode tuned : vs) {
            double before = tuned.path("accuracyBeforeFinetune").asDouble();
            assertThat(before).as(tuned.path("recipe").asText()).isLessThan(0.25);
            assertThat(tuned.path("accuracy").asDouble()).as(tuned.path("recipe").asText()).isGreaterThan(before + 0.1);
        }
    }

    @Test
    void aStudentThatCannotTakeTheTeachersImagesIsRefusedBeforeAnyWork() throws Exception {
        Path teacher = dir.resolve("tiny.onnx");
        Files.write(teacher, MnistCnnOnnx.export(dev.edgeperf.core.train.CnnWeights.initial(
                new dev.edgeperf.core.train.CnnShape(1, 1, 4, 7, 7, 10), 1), "7x7 teacher").toByteArray());
        Path o = dir.resolve("v");
        int code = cli.run("variants", "build", teacher.toString(), "--variants", "distilled:mnist-cnn-pool",
                "--calibration", "random", "--out", o.toString());
        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).contains("student mnist-cnn-pool cannot take the teacher's input"
                + " [N,1,7,7]", "'conv2'");
        assertNothingWritten(o);
    }

    @Test
    void aTeacherWithThreeChannelInputIsRefusedBeforeAnyWork() throws Exception {
        Path o = dir.resolve("v");
        int code = cli.run("variants", "build", "resnet18", "--variants", "distilled:mnist-cnn", "--calibration", "mnist",
                "--out", o.toString());
        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).contains("student mnist-cnn cannot take teacher resnet18's input",
                "[N,3,224,224]", "single-channel");
        assertNothingWritten(o);
    }

    @Test
    void aTeacherWhoseOutputIsNotNByClassesIsRefused() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("identity")
                .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                .addInput(ProtoBuilders.batchedFloat("x", 1, 28, 28))
                .addOutput(ProtoBuilders.batchedFloat("y", 1, 28, 28)).build();
        Path model = dir.resolve("identity.onnx");
        Files.write(model, ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray());
        Path o = dir.resolve("v");
        int code = cli.run("variants", "build", model.toString(), "--variants", "distilled:mnist-cnn", "--calibration",
                "mnist", "--out", o.toString());
        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).contains("teacher identity's output 'y' [N,1,28,28] is not"
                + " [N, classes]");
        assertNothingWritten(o);
    }

    @Test
    void badStudentTemperatureAlphaEpochsAndUnlabelledDataAreOneLineErrors() throws Exception {
        for (List<String> c : List.of(
                List.of("distilled:resnet18", "unknown student 'resnet18' in recipe 'distilled:resnet18'"),
                List.of("distilled:vgg", "unknown student 'vgg'"),
                List.of("distilled:mnist-cnn:T=-1", "T '-1' in recipe 'distilled:mnist-cnn:T=-1' must be a number"),
                List.of("distilled:mnist-cnn:alpha=2", "alpha '2'"),
                List.of("distilled:mnist-cnn:epochs=0", "epochs '0'"))) {
            CliCapture one = new CliCapture();
            Path o = dir.resolve("v");
            assertThat(one.run("variants", "build", "mnist-cnn", "--variants", c.get(0), "--calibration", "mnist",
                    "--out", o.toString())).as(c.get(0)).isEqualTo(2);
            assertThat(one.err.toString()).hasLineCount(1).contains(c.get(1));
            assertNothingWritten(o);
        }
        CliCapture random = new CliCapture();
        Path o = dir.resolve("r");
        assertThat(random.run("variants", "build", "mnist-cnn", "--variants", "distilled:mnist-cnn", "--out",
                o.toString())).isEqualTo(2);
        assertThat(random.err.toString()).hasLineCount(1).contains("distilled: needs labelled training images");
        assertNothingWritten(o);
        CliCapture neg = new CliCapture();
        assertThat(neg.run("variants", "build", "mnist-cnn", "--variants", "distilled:mnist-cnn", "--train-images", "-1",
                "--out", o.toString())).isEqualTo(2);
        assertThat(neg.err.toString()).hasLineCount(1).contains("--train-images must be 0 (all) or a positive integer");
    }

    private static void assertNothingWritten(Path outDir) throws IOException {
        assertThat(outDir).doesNotExist();
        try (Stream<Path> s = Files.list(outDir.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial-"));
        }
    }
}
