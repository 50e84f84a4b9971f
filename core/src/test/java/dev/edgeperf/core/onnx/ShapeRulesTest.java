package dev.edgeperf.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.cost.fixtures.OnnxFixture;
import dev.edgeperf.core.cost.fixtures.OrtShapes;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shape rules of the ops with many input forms, each checked twice: against the shape worked
 * out by hand from the ONNX specification, and against what ONNX Runtime actually produces.
 */
class ShapeRulesTest {
    private static final int F = DataType.FLOAT_VALUE;

    /** Static inference (no runtime fallback) must give {@code expected} for each output, and so must ORT. */
    private static void check(OnnxFixture g, long[] input, long[]... expected) throws Exception {
        byte[] model = g.bytes();
        OnnxGraph graph = OnnxGraph.of(OnnxModels.parse(model, "rule.onnx"), "rule.onnx");
        Map<String, long[]> given = Map.of("x", input);
        InferredShapes shapes = ShapeInference.infer(graph, 1, given, false);
        Map<String, long[]> ort = OrtShapes.outputShapes(model, given);
        for (int i = 0; i < expected.length; i++) {
            String out = graph.outputNames().get(i);
            assertThat(ort.get(out)).as("ONNX Runtime, output " + out).containsExactly(expected[i]);
            assertThat(shapes.get(out).shape()).as("inferred " + out + " (ORT says " + Arrays.toString(ort.get(out))
                    + ")").containsExactly(expected[i]);
        }
    }

    private static OnnxFixture graph(long opset, Object... xDims) {
        return new OnnxFixture("rule", "test", opset).input("x", F, xDims);
    }

    @Test
    void convTransposeOutputPaddingStridesPadsAndGroups() throws Exception {
        // H: 3 x (5 - 1) + 1 + (3 - 1) + 1 - (1 + 1) = 14; W: 2 x (6 - 1) + 0 + 3 - 0 = 13.
        check(graph(17, "N", 2, 5, 6).weight("w", 2, 3, 3, 3).node("ct", "ConvTranspose", "x,w", "y",
                "strides", new long[] {3, 2}, "output_padding", new long[] {1, 0}, "pads", new long[] {1, 0, 1, 0})
                .output("y", F), new long[] {1, 2, 5, 6}, new long[] {1, 3, 14, 13});
        // Grouped: C_out = W.shape[1] x group; dilated kernel 2 x (3 - 1) + 1 = 5 -> 2 x 3 + 5 = 11.
        check(graph(17, "N", 4, 4, 4).weight("w", 4, 3, 3, 3).node("ct", "ConvTranspose", "x,w", "y",
                "group", 2, "strides", new long[] {2, 2}, "dilations", new long[] {2, 2}).output("y", F),
                new long[] {1, 4, 4, 4}, new long[] {1, 6, 11, 11});
        // Explicit output_shape wins (the pads are derived from it).
        check(graph(17, "N", 1, 3, 3).weight("w", 1, 2, 3, 3).node("ct", "ConvTranspose", "x,w", "y",
                "strides", new long[] {3, 2}, "output_shape", new long[] {10, 8}).output("y", F),
                new long[] {1, 1, 3, 3}, new long[] {1, 2, 10, 8});
        // SAME_UPPER: input x stride.
        check(graph(17, "N", 1, 3, 5).weight("w", 1, 1, 3, 3).node("ct", "ConvTranspose", "x,w", "y",
                "strides", new long[] {2, 2}, "auto_pad", "SAME_UPPER").output("y", F),
                new long[] {1, 1, 3, 5}, new long[] {1, 1, 6, 10});
    }

    @Test
    void resizeWithScalesSizesAxesAndAspectRatioPolicy() throws Exception {
        check(graph(13, "N", 3, 5, 7).node("r", "Resize", new String[] {"x", "", "s"},
                new String[] {"y"}, "mode", "nearest").output("y", F)
                .node("c", "Constant", new String[0], new String[] {"s"}, "value", floats("s", 1, 1, 2.5f, 0.5f)),
                new long[] {1, 3, 5, 7}, new long[] {1, 3, 12, 3});
        check(graph(13, "N", 3, 5, 7).ints("sizes", 2, 3, 9, 4).node("r", "Resize", "x,,,sizes", "y",
                "mode", "linear").output("y", F), new long[] {2, 3, 5, 7}, new long[] {2, 3, 9, 4});
        // Opset 18: sizes for axes [2, 3] only, "not_larger" keeps the aspect ratio:
        // scale = min(8 / 4, 9 / 6) = 1.5 -> [6, 9].
        check(graph(18, "N", 3, 4, 6).ints("sizes", 8, 9).node("r", "Resize", "x,,,sizes", "y",
                "axes", new long[] {2, 3}, "keep_aspect_ratio_policy", "not_larger").output("y", F),
                new long[] {1, 3, 4, 6}, new long[] {1, 3, 6, 9});
        // "not_smaller": scale = max(2, 1.5) = 2 -> [8, 12].
        check(graph(18, "N", 3, 4, 6).ints("sizes", 8, 9).node("r", "Resize", "x,,,sizes", "y",
                "axes", new long[] {2, 3}, "keep_aspect_ratio_policy", "not_smaller").output("y", F),
                new long[] {1, 3, 4, 6}, new long[] {1, 3, 8, 12});
    }

    private static ai.onnx.proto.OnnxMl.TensorProto floats(String name, float... values) {
        ai.onnx.proto.OnnxMl.TensorProto.Builder t = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(F).addDims(values.length);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    @Test
    void padModesNegativePadsAndAxes() throws Exception {
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            check(graph(13, "N", 3, 5, 7).ints("pads", 0, 0, 1, 2, 0, 0, 3, 1).node("p", "Pad", "x,pads", "y",
                    "mode", mode).output("y", F), new long[] {1, 3, 5, 7}, new long[] {1, 3, 9, 10});
        }
        // Negative pads crop; opset 18 axes pad only the named axes (negative axis allowed).
        check(graph(18, "N", 3, 5, 7).ints("pads", -1, 2, 0, 1).ints("axes", 2, -1).scalar("v", 0.5f)
                .node("p", "Pad", "x,pads,v,axes", "y").output("y", F),
                new long[] {1, 3, 5, 7}, new long[] {1, 3, 4, 10});
    }

    @Test
    void expandAndWhereBroadcast() throws Exception {
        // Expand: [3, 1] to [2, 1, 6] -> [2, 3, 6]; a target of lower rank keeps the input's dims.
        check(graph(13, 3, 1).ints("shape", 2, 1, 6).node("e", "Expand", "x,shape", "y").output("y", F)
                .ints("one", 1).node("e2", "Expand", "x,one", "z").output("z", F),
                new long[] {3, 1}, new long[] {2, 3, 6}, new long[] {3, 1});
        // Where: condition [1, 4] (from Greater), X [3, 1], Y scalar -> [3, 4].
        check(graph(13, 3, 1).weight("row", 1, 4).scalar("zero", 0f).scalar("y", 2f)
                .node("g", "Greater", "row,zero", "cond").node("w", "Where", "cond,x,y", "out").output("out", F),
                new long[] {3, 1}, new long[] {3, 4});
    }

    @Test
    void splitWithSplitInputNumOutputsAndNegativeAxis() throws Exception {
        check(graph(13, "N", 6, 4).ints("split", 2, 4).node("s", "Split", new String[] {"x", "split"},
                new String[] {"a", "b"}, "axis", 1).output("a", F).output("b", F),
                new long[] {1, 6, 4}, new long[] {1, 2, 4}, new long[] {1, 4, 4});
        // Opset 18 num_outputs on 7: ceil(7 / 3) = 3 -> [3, 3, 1].
        check(graph(18, "N", 2, 7).node("s", "Split", new String[] {"x"}, new String[] {"a", "b", "c"},
                "axis", -1, "num_outputs", 3).output("a", F).output("b", F).output("c", F),
                new long[] {1, 2, 7}, new long[] {1, 2, 3}, new long[] {1, 2, 3}, new long[] {1, 2, 1});
        // Opset 11: split as an attribute.
        check(graph(11, "N", 5).node("s", "Split", new String[] {"x"}, new String[] {"a", "b"},
                "axis", 1, "split", new long[] {1, 4}).output("a", F).output("b", F),
                new long[] {2, 5}, new long[] {2, 1}, new long[] {2, 4});
    }

    @Test
    void gatherWithNegativeAxisAndIndices() throws Exception {
        // data [2, 5, 4], indices [3] (one negative), axis -2 -> [2, 3, 4].
        check(graph(13, "N", 5, 4).ints("idx", -1, 0, 2).node("g", "Gather", "x,idx", "y", "axis", -2)
                .output("y", F), new long[] {2, 5, 4}, new long[] {2, 3, 4});
        // Scalar index removes the axis; GatherElements takes the indices' shape; GatherND [2, 1] -> [2, 4].
        check(graph(13, "N", 5, 4).intsShaped("i0", new long[0], -3).node("g", "Gather", "x,i0", "y", "axis", 1)
                .output("y", F).intsShaped("ie", new long[] {2, 2, 4}, new long[16])
                .node("ge", "GatherElements", "x,ie", "z", "axis", 1).output("z", F)
                .intsShaped("nd", new long[] {2, 2}, 0, 1, 1, 3).node("gn", "GatherND", "x,nd", "w").output("w", F),
                new long[] {2, 5, 4}, new long[] {2, 4}, new long[] {2, 2, 4}, new long[] {2, 4});
    }

    @Test
    void shapeArithmeticThroughSliceTileRangeAndConstantOfShape() throws Exception {
        // Shape -> Slice(-2:) -> ConstantOfShape gives a [5, 7] tensor; Range over Gather(shape, -1) gives 7 steps.
        OnnxFixture g = graph(13, "N", 3, 5, 7).node("sh", "Shape", "x", "s").ints("st", -2).ints("en", 100)
                .node("sl", "Slice", "s,st,en", "hw").node("cos", "ConstantOfShape", "hw", "zeros")
                .node("add", "Add", "zeros,zeros", "y").output("y", F)
                .intsShaped("last", new long[0], -1).node("ga", "Gather", "s,last", "w")
                .intsShaped("zero", new long[0], 0).intsShaped("one", new long[0], 1)
                .node("r", "Range", "zero,w,one", "range").node("c", "Cast", "range", "rf", "to", F).output("rf", F)
                .ints("reps", 1, 2, 1, 3).node("t", "Tile", "x,reps", "tiled").output("tiled", F)
                .ints("s2", 3).ints("e2", 0).ints("a2", 3).ints("st2", -2)
                .node("rev", "Slice", "x,s2,e2,a2,st2", "rev").output("rev", F);
        check(g, new long[] {2, 3, 5, 7}, new long[] {5, 7}, new long[] {7}, new long[] {2, 6, 5, 21},
                new long[] {2, 3, 5, 2});
    }
}
