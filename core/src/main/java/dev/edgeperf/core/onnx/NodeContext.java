package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;

/** One node with what is known about its inputs, as seen by the shape rules. */
final class NodeContext {
    final NodeProto node;
    final long opset;
    private final TensorInfo[] inputs;

    NodeContext(NodeProto node, TensorInfo[] inputs, long opset) {
        this.node = node;
        this.inputs = inputs;
        this.opset = opset;
    }

    String op() {
        return node.getOpType();
    }

    int inputCount() {
        return inputs.length;
    }

    int outputCount() {
        return node.getOutputCount();
    }

    /** Whether input i is present (not omitted with an empty name). */
    boolean present(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    TensorInfo in(int i) {
        return i < inputs.length ? inputs[i] : null;
    }

    /** Known shape of input i, or null. */
    long[] shape(int i) {
        TensorInfo t = in(i);
        return t == null ? null : t.shape();
    }

    /** Constant integer values of input i, or null. */
    long[] ints(int i) {
        TensorInfo t = in(i);
        return t == null ? null : t.intValue();
    }

    double[] floats(int i) {
        TensorInfo t = in(i);
        return t == null ? null : t.floatValue();
    }

    int type(int i) {
        TensorInfo t = in(i);
        return t == null ? 0 : t.elemType();
    }

    long attr(String name, long def) {
        return Attributes.getInt(node, name, def);
    }

    long[] attrs(String name) {
        return Attributes.getInts(node, name, null);
    }

    String attrString(String name, String def) {
        return Attributes.getString(node, name, def);
    }

    boolean hasAttr(String name) {
        return Attributes.has(node, name);
    }
}
