package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Tiny models, images and tensor files written by the tests themselves. */
final class CalibrationFixtures {
    private CalibrationFixtures() {
    }

    /** An Identity model whose input has {@code dims} (-1 = the symbolic batch N). */
    static ModelProto identity(int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        ValueInfoProto in = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
        ValueInfoProto out = in.toBuilder().setName("y").build();
        GraphProto g = GraphProto.newBuilder().setName("id").addInput(in).addOutput(out)
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y")).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build();
    }

    static ModelProto floatModel(long... dims) {
        return identity(TensorProto.DataType.FLOAT_VALUE, dims);
    }

    /** A PNG of {@code w × h} where pixel (x, y) has RGB (r, g, b) given by {@code rgb}. */
    static void png(Path file, int w, int h, java.util.function.IntBinaryOperator rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb.applyAsInt(x, y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        Files.write(file, out.toByteArray());
    }

    /** An NPY file: {@code version} 1 or 2, {@code descr} as given, C order unless {@code fortran}. */
    static void npy(Path file, int version, String descr, boolean fortran, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String s = dims.length() == 0 ? "" : shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
        String header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
                + s + "), }";
        int pre = version == 1 ? 10 : 12;
        int pad = 64 - (pre + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(pre + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.put(data);
        Files.write(file, b.array());
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long f : v) {
            b.putLong(f);
        }
        return b.array();
    }

    static float[] ramp(int n, float from) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + i;
        }
        return v;
    }
}
