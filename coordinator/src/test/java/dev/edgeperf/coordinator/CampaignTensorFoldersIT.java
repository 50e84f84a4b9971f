package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-input model's campaign calibrated and evaluated on tensor folders in ONNX test data's layout (one
 * sub-folder per run): the real CLI sends the sub-folders, the coordinator feeds both inputs from them.
 */
class CampaignTensorFoldersIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    /** y = x @ W + s: x [N, 4], s [N, 3]; W takes x's first three values, so argmax y is x's hot column. */
    private Path model() throws Exception {
        float[] w = new float[12];
        for (int i = 0; i < 3; i++) {
            w[i * 3 + i] = 1;
        }
        GraphProto g = GraphProto.newBuilder().setName("two")
                .addInput(value("x", 4)).addInput(value("s", 3))
                .addInitializer(Tensors.floatTensor("W", new long[] {4, 3}, w))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("W")
                        .addOutput("xw"))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("xw").addInput("s")
                        .addOutput("y"))
                .addOutput(value("y", 3)).build();
        Path file = tmp.resolve("two.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray());
        return file;
    }

    private static ValueInfoProto value(String name, long width) {
        TensorShapeProto s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(s))).build();
    }

    /** Runs of two samples each, sample k of run r hot in column (r + k) % 3; returns the labels. */
    private static String runs(Path dir, int count, boolean indexed) throws Exception {
        StringBuilder labels = new StringBuilder();
        for (int r = 0; r < count; r++) {
            Path set = Files.createDirectories(dir.resolve("test_data_set_" + r));
            float[] x = new float[8];
            for (int k = 0; k < 2; k++) {
                int hot = (r + k) % 3;
                x[k * 4 + hot] = 1;
                labels.append(hot).append('\n');
            }
            Files.write(set.resolve(indexed ? "input_0.pb" : "x.pb"), Tensors.floatTensor("x", new long[] {2, 4}, x)
                    .toByteArray());
            Files.write(set.resolve(indexed ? "input_1.pb" : "s.pb"), Tensors.floatTensor("s", new long[] {2, 3},
                    new float[6]).toByteArray());
        }
        return labels.toString();
    }

    @Test
    void subFolderRunsCalibrateAndEvaluateBothInputs() throws Exception {
        Path model = model();
        Path calibration = tmp.resolve("cal");
        runs(calibration, 3, true);
        Path evaluation = tmp.resolve("eval");
        Files.writeString(Files.createDirectories(evaluation).resolve("labels.txt"), runs(evaluation, 2, false));

        OneAgent fleet = OneAgent.start(processes, tmp);
        String grpc = fleet.grpc();
        String jdbc = fleet.jdbc();
        Path dataDir = fleet.dataDir();

        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", model.toString(), "--batch", "1", "--variant", "baseline,quantized:int8-static",
                "--calibration", "tensors:" + calibration, "--evaluation", "tensors:" + evaluation, "--json",
                "--coordinator", grpc, "--data-dir", dataDir.toString(), "--warmup", "1", "--min-iterations", "3",
                "--min-duration-ms", "10", "--max-duration-ms", "1000", "--timeout", "4m"),
                tmp.resolve("cli"), Duration.ofMinutes(5));

        assertThat(run.exitCode()).as("campaign run stderr: %s\ncoordinator log: %s", run.stderr(),
                Files.readString(tmp.resolve("coordinator.log"))).isZero();
        Map<String, String> calibrations = new HashMap<>();
        Map<String, String> evaluations = new HashMap<>();
        Map<String, Double> top1 = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT j.variant_recipe, j.calibration, j.evaluation, j.accuracy_top1"
                     + " FROM results r JOIN jobs j ON j.id = r.job_id")) {
            while (rs.next()) {
                calibrations.put(rs.getString(1), rs.getString(2));
                evaluations.put(rs.getString(1), rs.getString(3));
                top1.put(rs.getString(1), rs.getDouble(4));
            }
        }
        assertThat(calibrations).containsOnly(Map.entry("baseline", "tensors:" + calibration + " 3 runs of [x, s]"),
                Map.entry("quantized:int8-static", "tensors:" + calibration + " 3 runs of [x, s]"));
        assertThat(evaluations.get("baseline")).isEqualTo("tensors:" + evaluation + " 4 samples");
        // the labels are the hot columns: the baseline gets every sample right
        assertThat(top1.get("baseline")).isEqualTo(1.0);
        assertThat(top1).containsKey("quantized:int8-static");
    }
}
