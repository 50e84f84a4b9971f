package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Trainability carried in the ONNX file the way onnx.proto defines it: a {@code TrainingInfoProto}
 * whose algorithm graph computes one plain SGD step {@code x' = x - learning_rate * grad(x)} for
 * each trainable tensor, and whose {@code update_binding} assigns {@code x'} back to {@code x}.
 * Frozen tensors get no step and no binding, which is how a reader tells them apart.
 *
 * <p>The gradients are inputs of the algorithm graph (named {@code <tensor>.grad}), supplied by
 * whoever trains; inference runtimes ignore {@code training_info}, so the inference graph is
 * unchanged.
 */
final class TrainingSteps {
    static final String LEARNING_RATE = "learning_rate";

    private TrainingSteps() {
    }

    /**
     * The model with one SGD training step for the named initializers, the others frozen.
     *
     * @throws IllegalArgumentException if a name is not an initializer of the model's graph
     */
    static ModelProto withSgdStep(ModelProto model, List<String> trainable) {
        Map<String, TensorProto> initializers = model.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, Function.identity()));
        GraphProto.Builder algorithm = GraphProto.newBuilder().setName(model.getGraph().getName() + "-sgd-step")
                .addInput(floatValue(LEARNING_RATE, List.of()));
        TrainingInfoProto.Builder info = TrainingInfoProto.newBuilder();
        for (String x : trainable) {
            TensorProto t = initializers.get(x);
            if (t == null) {
                throw new IllegalArgumentException("'" + x + "' is not an initializer of " + model.getGraph().getName());
            }
            String grad = x + ".grad";
            String step = x + ".step";
            String updated = x + ".updated";
            algorithm.addInput(floatValue(grad, t.getDimsList()));
            algorithm.addNode(NodeProto.newBuilder().setOpType("Mul").setName(x + "/sgd_mul")
                    .addInput(LEARNING_RATE).addInput(grad).addOutput(step));
            algorithm.addNode(NodeProto.newBuilder().setOpType("Sub").setName(x + "/sgd_sub")
                    .addInput(x).addInput(step).addOutput(updated));
            algorithm.addOutput(floatValue(updated, t.getDimsList()));
            info.addUpdateBinding(StringStringEntryProto.newBuilder().setKey(x).setValue(updated));
        }
        return model.toBuilder().addTrainingInfo(info.setAlgorithm(algorithm)).build();
    }

    private static ValueInfoProto floatValue(String name, List<Long> dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        dims.forEach(d -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
