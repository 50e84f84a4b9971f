package dev.edgeperf.core.agreement;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OutputTensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ReferenceSet}'s stored form: magic, version, then per sample its input feeds and its outputs. Version 2
 * holds several outputs (a count before them); version 1 holds one, and is what a one-output model's set is still
 * written as, so its digest is unchanged and older agents still check it.
 */
final class ReferenceCodec {
    private static final int MAGIC = 0x45505253; // "EPRS"
    private static final int VERSION = 2;
    private static final int MAX_VALUES = 64 * 1024 * 1024;

    private ReferenceCodec() {
    }

    /** {@code set} as bytes: version 1 when every sample has one output, else version 2. */
    static byte[] encode(ReferenceSet set) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            // one output per sample is version 1, byte for byte: agents that read only version 1 keep checking
            boolean single = set.samples().stream().allMatch(x -> x.outputs().size() == 1);
            out.writeInt(single ? 1 : VERSION);
            out.writeInt(set.samples().size());
            for (ReferenceSet.Sample s : set.samples()) {
                out.writeInt(s.input().inputs().size());
                for (InputBatch.Feed f : s.input().inputs()) {
                    out.writeUTF(f.name() == null ? "" : f.name());
                    writeShape(out, f.shape());
                    if (f.floats() != null) {
                        out.writeByte(0);
                        writeFloats(out, f.floats());
                    } else {
                        out.writeByte(1);
                        out.writeInt(f.longs().length);
                        for (long v : f.longs()) {
                            out.writeLong(v);
                        }
                    }
                }
                if (!single) {
                    out.writeInt(s.outputs().size());
                }
                for (OutputTensor o : s.outputs()) {
                    out.writeUTF(o.name());
                    writeShape(out, o.shape());
                    writeFloats(out, o.values());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads version 2 (every float output) and version 1 (the first output only, sets stored before).
     *
     * @throws EdgeperfException USER_ERROR naming {@code what} when the bytes are not a reference set
     */
    static ReferenceSet decode(byte[] bytes, String what) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw EdgeperfException.userError(what + " is not an edgeperf reference set (bad magic)");
            }
            int version = in.readInt();
            if (version != 1 && version != VERSION) {
                throw EdgeperfException.userError(what + " is reference-set version " + version + "; expected 1 to "
                        + VERSION);
            }
            int count = in.readInt();
            if (count < 1 || count > 1024) {
                throw EdgeperfException.userError(what + " holds " + count + " samples; expected 1 to 1024");
            }
            List<ReferenceSet.Sample> samples = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                int feeds = in.readInt();
                if (feeds < 1 || feeds > 1024) {
                    throw EdgeperfException.userError(what + ": sample " + s + " has " + feeds + " inputs");
                }
                List<InputBatch.Feed> list = new ArrayList<>();
                for (int f = 0; f < feeds; f++) {
                    String name = in.readUTF();
                    long[] shape = readShape(in, what);
                    int kind = in.readByte();
                    if (kind == 0) {
                        list.add(new InputBatch.Feed(name.isEmpty() ? null : name, shape, readFloats(in, what), null));
                    } else if (kind == 1) {
                        long[] v = new long[length(in, what)];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = in.readLong();
                        }
                        list.add(new InputBatch.Feed(name.isEmpty() ? null : name, shape, null, v));
                    } else {
                        throw EdgeperfException.userError(what + ": unknown value kind " + kind);
                    }
                }
                int outputs = version == 1 ? 1 : in.readInt();
                if (outputs < 1 || outputs > 1024) {
                    throw EdgeperfException.userError(what + ": sample " + s + " has " + outputs + " outputs");
                }
                List<OutputTensor> outs = new ArrayList<>();
                for (int o = 0; o < outputs; o++) {
                    String output = in.readUTF();
                    long[] shape = readShape(in, what);
                    outs.add(new OutputTensor(output, shape, readFloats(in, what)));
                }
                samples.add(new ReferenceSet.Sample(new InputBatch(list, null), outs));
            }
            if (in.read() != -1) {
                throw EdgeperfException.userError(what + " has bytes after its last sample");
            }
            return new ReferenceSet(samples);
        } catch (IOException e) {
            throw EdgeperfException.userError(what + " is truncated: " + e);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError(what + " is inconsistent: " + e.getMessage());
        }
    }

    private static void writeShape(DataOutputStream out, long[] shape) throws IOException {
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
    }

    private static long[] readShape(DataInputStream in, String what) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 16) {
            throw EdgeperfException.userError(what + ": a tensor of rank " + rank + "; expected 0 to 16");
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readLong();
        }
        return shape;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in, String what) throws IOException {
        float[] v = new float[length(in, what)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }

    private static int length(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_VALUES) {
            throw EdgeperfException.userError(what + ": a tensor of " + n + " values; expected 0 to " + MAX_VALUES);
        }
        return n;
    }
}
