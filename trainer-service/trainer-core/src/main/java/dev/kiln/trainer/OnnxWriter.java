package dev.kiln.trainer;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

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

    private final List<Msg> nodes = new ArrayList<>();
    private final List<Msg> initializers = new ArrayList<>();
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

    String floatInit(String name, long[] dims, float[] data, int off, int n) {
        ByteBuffer bb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data, off, n);
        addInit(name, dims, FLOAT, bb.array());
        return name;
    }

    String int64Init(String name, long[] dims, long... data) {
        ByteBuffer bb = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bb.asLongBuffer().put(data);
        addInit(name, dims, INT64, bb.array());
        return name;
    }

    String floatScalar(String name, float v) {
        return floatInit(name, new long[0], new float[] {v}, 0, 1);
    }

    String int64Scalar(String name, long v) {
        return int64Init(name, new long[0], v);
    }

    private void addInit(String name, long[] dims, int dataType, byte[] raw) {
        Msg t = new Msg();
        for (long d : dims) {
            t.i64(1, d);
        }
        t.i64(2, dataType).str(8, name).bytes(9, raw);
        initializers.add(t);
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

    byte[] model(String graphName, long opset, String producer, String producerVersion) {
        Msg g = new Msg();
        nodes.forEach(n -> g.msg(1, n));
        g.str(2, graphName);
        initializers.forEach(t -> g.msg(5, t));
        inputs.forEach(v -> g.msg(11, v));
        outputs.forEach(v -> g.msg(12, v));
        Msg opsetId = new Msg().str(1, "").i64(2, opset);
        return new Msg().i64(1, IR_VERSION).str(2, producer).str(3, producerVersion).msg(7, g).msg(8, opsetId).toBytes();
    }
}
