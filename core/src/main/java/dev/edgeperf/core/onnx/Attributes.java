package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.charset.StandardCharsets;

/** Typed reads of node attributes, with the ONNX default when the attribute is absent. */
public final class Attributes {
    private Attributes() {
    }

    /** The attribute, or null when the node does not carry it. */
    public static AttributeProto find(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public static boolean has(NodeProto node, String name) {
        return find(node, name) != null;
    }

    public static long getInt(NodeProto node, String name, long defaultValue) {
        AttributeProto a = find(node, name);
        return a == null ? defaultValue : a.getI();
    }

    public static float getFloat(NodeProto node, String name, float defaultValue) {
        AttributeProto a = find(node, name);
        return a == null ? defaultValue : a.getF();
    }

    public static String getString(NodeProto node, String name, String defaultValue) {
        AttributeProto a = find(node, name);
        return a == null ? defaultValue : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** The ints of a list attribute, or {@code defaultValue} (may be null) when absent. */
    public static long[] getInts(NodeProto node, String name, long[] defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        long[] values = new long[a.getIntsCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = a.getInts(i);
        }
        return values;
    }

    /** The floats of a list attribute, or {@code defaultValue} (may be null) when absent. */
    public static float[] getFloats(NodeProto node, String name, float[] defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        float[] values = new float[a.getFloatsCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = a.getFloats(i);
        }
        return values;
    }

    /** A tensor attribute (e.g. Constant's {@code value}), or null when absent. */
    public static TensorProto getTensor(NodeProto node, String name) {
        AttributeProto a = find(node, name);
        return a == null || !a.hasT() ? null : a.getT();
    }
}
