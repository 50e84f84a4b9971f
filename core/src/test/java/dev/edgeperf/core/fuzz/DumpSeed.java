package dev.edgeperf.core.fuzz;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Writes the model of one fuzz seed to a file and prints its graph (to replay a crash outside the fuzz run). */
final class DumpSeed {
    public static void main(String[] args) throws Exception {
        RandomOnnx gen = new RandomOnnx(Long.parseLong(args[0]));
        byte[] bytes = gen.bytes();
        java.nio.file.Files.write(java.nio.file.Path.of(args[1]), bytes);
        ModelProto m = ModelProto.parseFrom(bytes);
        System.out.println("opset " + m.getOpsetImportList() + " inputs " + m.getGraph().getInputList());
        m.getGraph().getInitializerList().forEach(t -> System.out.println("init " + t.getName() + " " + t.getDimsList()
                + " type " + t.getDataType() + (t.getInt64DataCount() > 0 ? " " + t.getInt64DataList() : "")));
        for (NodeProto n : m.getGraph().getNodeList()) {
            System.out.println(n.getOpType() + " " + n.getInputList() + " -> " + n.getOutputList() + " "
                    + n.getAttributeList().stream().map(a -> a.getName() + "=" + a.getIntsList() + "/" + a.getI())
                    .toList());
        }
    }
}
