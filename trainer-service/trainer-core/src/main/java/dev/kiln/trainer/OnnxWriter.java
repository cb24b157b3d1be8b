package dev.kiln.trainer;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A hand-written encoder for the subset of ONNX's protobuf schema (onnx.proto, IR version 8)
 * that a static inference graph needs. Field numbers are those of onnx.proto:
 * ModelProto{ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8},
 * OperatorSetIdProto{domain=1, version=2},
 * GraphProto{node=1, name=2, initializer=5, input=11, output=12},
 * NodeProto{input=1, output=2, name=3, op_type=4, attribute=5},
 * AttributeProto{name=1, f=2, i=3, ints=8, type=20} with AttributeType FLOAT=1, INT=2, INTS=7,
 * TensorProto{dims=1, data_type=2, name=8, raw_data=9} with DataType FLOAT=1, INT64=7, BOOL=9,
 * ValueInfoProto{name=1, type=2}, TypeProto{tensor_type=1}, TypeProto.Tensor{elem_type=1, shape=2},
 * TensorShapeProto{dim=1}, Dimension{dim_value=1, dim_param=2}.
 *
 * <p>{@link #writeTo} streams the model: sizes of the nested messages are computed first, and
 * each initializer's raw data is produced (e.g. transposed) and written one tensor at a time, so
 * exporting a model needs little memory beyond its weights.
 */
final class OnnxWriter {
    static final int FLOAT = 1, INT64 = 7, BOOL = 9;
    static final long IR_VERSION = 8;

    /** One protobuf message being built. Sub-messages are embedded as length-delimited bytes. */
    static final class Msg {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Msg str(int field, String s) {
            try {
                out.writeString(field, s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg i64(int field, long v) {
            try {
                out.writeInt64(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg f32(int field, float v) {
            try {
                out.writeFloat(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg bytes(int field, byte[] b) {
            try {
                out.writeByteArray(field, b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg msg(int field, Msg m) {
            return bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** A node attribute. */
    record Attr(String name, Msg msg) {
        static Attr i(String name, long v) {
            return new Attr(name, new Msg().str(1, name).i64(20, 2).i64(3, v));
        }

        static Attr f(String name, float v) {
            return new Attr(name, new Msg().str(1, name).i64(20, 1).f32(2, v));
        }

        static Attr ints(String name, long... vs) {
            Msg m = new Msg().str(1, name).i64(20, 7);
            for (long v : vs) {
                m.i64(8, v); // repeated int64, unpacked (proto2 default); parsers accept both
            }
            return new Attr(name, m);
        }
    }

    /** An initializer whose raw data is produced when written. */
    private record Init(Msg header, int dataType, Supplier<float[]> floats, int off, int n, long[] longs) {
        int rawBytes() {
            return floats != null ? 4 * n : 8 * longs.length;
        }

        int size() {
            byte[] h = header.toBytes();
            return h.length
                    + CodedOutputStream.computeTagSize(9)
                    + CodedOutputStream.computeUInt32SizeNoTag(rawBytes())
                    + rawBytes();
        }
    }

    private final List<Msg> nodes = new ArrayList<>();
    private final List<Init> initializers = new ArrayList<>();
    private final List<Msg> inputs = new ArrayList<>();
    private final List<Msg> outputs = new ArrayList<>();
    private int counter;

    /** Adds a node with one output named after the op; returns the output name. */
    String op(String opType, String[] in, Attr... attrs) {
        String out = opType.toLowerCase() + "_" + (counter++);
        opNamed(opType, in, new String[] {out}, attrs);
        return out;
    }

    void opNamed(String opType, String[] in, String[] out, Attr... attrs) {
        Msg n = new Msg();
        for (String s : in) {
            n.str(1, s);
        }
        for (String s : out) {
            n.str(2, s);
        }
        n.str(3, opType + "_" + (counter++));
        n.str(4, opType);
        for (Attr a : attrs) {
            n.msg(5, a.msg());
        }
        nodes.add(n);
    }

    /** A float initializer of n values data.get()[off ..]; the supplier runs when the model is written. */
    String floatInit(String name, long[] dims, Supplier<float[]> data, int off, int n) {
        initializers.add(new Init(header(name, dims, FLOAT), FLOAT, data, off, n, null));
        return name;
    }

    String floatInit(String name, long[] dims, float[] data, int off, int n) {
        return floatInit(name, dims, () -> data, off, n);
    }

    String int64Init(String name, long[] dims, long... data) {
        initializers.add(new Init(header(name, dims, INT64), INT64, null, 0, 0, data.clone()));
        return name;
    }

    String floatScalar(String name, float v) {
        return floatInit(name, new long[0], new float[] {v}, 0, 1);
    }

    String int64Scalar(String name, long v) {
        return int64Init(name, new long[0], v);
    }

    private static Msg header(String name, long[] dims, int dataType) {
        Msg t = new Msg();
        for (long d : dims) {
            t.i64(1, d);
        }
        return t.i64(2, dataType).str(8, name);
    }

    /** dims entries: Long for a fixed size, String for a symbolic (dynamic) one. */
    private static Msg valueInfo(String name, int elemType, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            Msg dim = new Msg();
            if (d instanceof String s) {
                dim.str(2, s);
            } else {
                dim.i64(1, ((Number) d).longValue());
            }
            shape.msg(1, dim);
        }
        Msg tensorType = new Msg().i64(1, elemType).msg(2, shape);
        Msg type = new Msg().msg(1, tensorType);
        return new Msg().str(1, name).msg(2, type);
    }

    void input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
    }

    void output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
    }

    /** Streams the ModelProto to os. */
    void writeTo(OutputStream os, String graphName, long opset, String producer, String producerVersion)
            throws IOException {
        long graphSize = CodedOutputStream.computeStringSize(2, graphName);
        for (Msg n : nodes) {
            graphSize += lengthDelimitedSize(1, n.toBytes().length);
        }
        for (Init t : initializers) {
            graphSize += lengthDelimitedSize(5, t.size());
        }
        for (Msg v : inputs) {
            graphSize += lengthDelimitedSize(11, v.toBytes().length);
        }
        for (Msg v : outputs) {
            graphSize += lengthDelimitedSize(12, v.toBytes().length);
        }
        if (graphSize > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("model of " + graphSize + " bytes exceeds protobuf's 2 GiB limit");
        }
        CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
        out.writeInt64(1, IR_VERSION);
        out.writeString(2, producer);
        out.writeString(3, producerVersion);
        out.writeTag(7, WireFormatLengthDelimited);
        out.writeUInt32NoTag((int) graphSize);
        for (Msg n : nodes) {
            out.writeByteArray(1, n.toBytes());
        }
        out.writeString(2, graphName);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Init t : initializers) {
            out.writeTag(5, WireFormatLengthDelimited);
            out.writeUInt32NoTag(t.size());
            out.writeRawBytes(t.header().toBytes());
            out.writeTag(9, WireFormatLengthDelimited);
            out.writeUInt32NoTag(t.rawBytes());
            if (t.floats() != null) {
                float[] data = t.floats().get();
                for (int i = 0; i < t.n(); ) {
                    int k = Math.min(t.n() - i, chunk.capacity() / 4);
                    chunk.clear();
                    chunk.asFloatBuffer().put(data, t.off() + i, k);
                    out.writeRawBytes(chunk.array(), 0, 4 * k);
                    i += k;
                }
            } else {
                ByteBuffer lb = ByteBuffer.allocate(8 * t.longs().length).order(ByteOrder.LITTLE_ENDIAN);
                lb.asLongBuffer().put(t.longs());
                out.writeRawBytes(lb.array());
            }
        }
        for (Msg v : inputs) {
            out.writeByteArray(11, v.toBytes());
        }
        for (Msg v : outputs) {
            out.writeByteArray(12, v.toBytes());
        }
        out.writeByteArray(8, new Msg().str(1, "").i64(2, opset).toBytes());
        out.flush();
    }

    private static final int WireFormatLengthDelimited = 2;

    private static long lengthDelimitedSize(int field, int len) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(len) + (long) len;
    }
}
