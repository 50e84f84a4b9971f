package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trainability read from ONNX training_info update bindings (onnx.proto's TrainingInfoProto). */
class TrainableParametersTest {
    private static final ProfileOptions SEED = new ProfileOptions(1, Map.of(), CountingConvention.SEED);

    @TempDir
    Path dir;

    private static ModelProto kerasMlp() {
        return ModelZoo.buildProto("keras-mlp");
    }

    private static ParameterCounter.Counts count(ModelProto model) {
        return ParameterCounter.count(OnnxGraph.of(model, "test"));
    }

    private static StringStringEntryProto binding(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    @Test
    void kerasMlpFileSaysLayersTwoAndThreeAreFrozen() throws Exception {
        Path file = dir.resolve("keras-mlp.onnx");
        Files.write(file, ModelZoo.build("keras-mlp"));

        ModelProfile p = ModelProfiler.profile(file, SEED);

        assertThat(p.totalParams()).isEqualTo(387);
        assertThat(p.trainableParams()).isEqualTo(249);
        assertThat(p.totalParams() - p.trainableParams()).isEqualTo(138);
        assertThat(p.notes()).isEmpty();
        // The counts come from the file's bindings: the frozen layers are exactly the unbound ones.
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertThat(model.getTrainingInfoList()).hasSize(1);
        assertThat(model.getTrainingInfo(0).getUpdateBindingList()).extracting(StringStringEntryProto::getKey)
                .containsExactly("dense1.weight", "dense1.bias", "dense4.weight", "dense4.bias", "dense5.weight",
                        "dense5.bias");
        // every binding's value is an output of the training step, as onnx.proto requires
        assertThat(model.getTrainingInfo(0).getAlgorithm().getOutputList()).extracting(o -> o.getName())
                .containsExactlyElementsOf(model.getTrainingInfo(0).getUpdateBindingList().stream()
                        .map(StringStringEntryProto::getValue).toList());
    }

    @Test
    void bindingOneMoreLayerMakesItTrainable() {
        ModelProto model = kerasMlp();
        ModelProto unfrozen = model.toBuilder().setTrainingInfo(0, model.getTrainingInfo(0).toBuilder()
                .addUpdateBinding(binding("dense2.weight", "dense1.weight.updated"))).build();

        assertThat(count(unfrozen).trainable()).isEqualTo(249 + 5 * 8);
    }

    @Test
    void withoutTrainingInfoEveryParameterIsTrainableAsBefore() {
        ModelProto plain = kerasMlp().toBuilder().clearTrainingInfo().build();

        ParameterCounter.Counts c = count(plain);
        assertThat(c.total()).isEqualTo(387);
        assertThat(c.trainable()).isEqualTo(387);
        assertThat(c.notes()).isEmpty();
        assertThat(count(ModelZoo.buildProto("mnist-cnn")).trainable()).isEqualTo(370_338);
    }

    @Test
    void trainingInfoWithoutUpdateBindingsKeepsTodaysRule() {
        ModelProto initOnly = kerasMlp().toBuilder().clearTrainingInfo()
                .addTrainingInfo(TrainingInfoProto.newBuilder().setInitialization(GraphProto.newBuilder().setName("init")))
                .build();

        assertThat(count(initOnly).trainable()).isEqualTo(387);
    }

    @Test
    void aBindingThatNamesNoInitializerIsIgnoredWithANote() {
        ModelProto model = kerasMlp();
        TrainingInfoProto.Builder info = model.getTrainingInfo(0).toBuilder()
                .addUpdateBinding(binding("dense9.weight", "dense9.weight.updated"))
                // an activation, not an initializer
                .addUpdateBinding(binding("dense2_out", "x"))
                // optimizer state of the algorithm graph: legitimate, not a parameter, no note
                .addUpdateBinding(binding("iteration", "iteration.next"));
        info.getAlgorithmBuilder().addInitializer(TensorProto.newBuilder().setName("iteration")
                .setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(0));
        ModelProto odd = model.toBuilder().setTrainingInfo(0, info).build();

        ParameterCounter.Counts c = count(odd);

        assertThat(c.total()).isEqualTo(387);
        assertThat(c.trainable()).isEqualTo(249);
        assertThat(c.notes()).containsExactly(
                "training_info update_binding 'dense9.weight' -> 'dense9.weight.updated' names no initializer of the"
                        + " graph; ignored",
                "training_info update_binding 'dense2_out' -> 'x' names no initializer of the graph; ignored");
        assertThat(ModelProfiler.profile(odd, "odd", 0, SEED).notes()).isEqualTo(c.notes());
    }

    @Test
    void bindingsSpreadOverSeveralTrainingStepsAllCount() {
        ModelProto model = kerasMlp();
        ModelProto twoSteps = model.toBuilder().addTrainingInfo(TrainingInfoProto.newBuilder()
                .addUpdateBinding(binding("dense3.bias", "b"))).build();

        assertThat(count(twoSteps).trainable()).isEqualTo(249 + 10);
    }

    @Test
    void batchNormStatisticsBoundForUpdateStayNonTrainable() throws Exception {
        // A training step updates the running mean and variance too, but as statistics, not by gradient.
        ModelProto model = ModelProto.parseFrom(new TinyModel().input("x", 1, 3, 4, 4).weight("w", 3, 3, 1, 1)
                .weight("scale", 3).weight("b", 3).weight("mean", 3).weight("var", 3)
                .node("Conv", "x,w", "c").node("BatchNormalization", "c,scale,b,mean,var", "y").output("y").bytes());
        TrainingInfoProto.Builder info = TrainingInfoProto.newBuilder();
        for (String name : new String[] {"scale", "b", "mean", "var"}) {
            info.addUpdateBinding(binding(name, name + ".updated"));
        }

        ParameterCounter.Counts c = count(model.toBuilder().addTrainingInfo(info).build());

        assertThat(c.total()).isEqualTo(9 + 4 * 3);
        assertThat(c.trainable()).isEqualTo(2 * 3); // the Conv weight is not bound: frozen
        assertThat(count(model).trainable()).isEqualTo(9 + 2 * 3);
    }
}
