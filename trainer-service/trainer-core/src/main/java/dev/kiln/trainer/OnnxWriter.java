package dev.kiln.trainer;

import com.google.protobuf.CodedOutputStream;
import dev.kiln.numerics.Half;
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
 * AttributeProto{name=1, f=2, i=3, g=6, ints=8, type=20} with AttributeType FLOAT=1, INT=2, GRAPH=5, INTS=7,
 * TensorProto{dims=1, data_type=2, name=8, raw_data=9, external_data=13, data_location=14} with
 * DataType FLOAT=1, INT64=7, BOOL=9, FLOAT16=10 and DataLocation EXTERNAL=1,
 * StringStringEntryProto{key=1, value=2},
 * ValueInfoProto{name=1, type=2}, TypeProto{tensor_type=1}, TypeProto.Tensor{elem_type=1, shape=2},
 * TensorShapeProto{dim=1}, Dimension{dim_value=1, dim_param=2}. Over 400 lines because it is that
 * one schema subset, each message a short method; the graphs themselves are built elsewhere.
 *
 * <p>{@link #writeTo} streams the model: sizes of the nested messages are computed first, and
 * each initializer's raw data is produced (e.g. transposed) and written one tensor at a time, so
 * exporting a model needs little memory beyond its weights.
 *
 * <p>External data (ONNX's convention, as {@code onnx.save(..., save_as_external_data=True)} writes
 * it): initializers of at least {@link #EXTERNAL_MIN_BYTES} go to one side file, each at a
 * 4 KiB-aligned offset, and the tensor names its {@code location}, {@code offset} and
 * {@code length} instead of carrying {@code raw_data}. Protobuf caps a message at 2 GiB, so this
 * is what lets models past ~500M parameters be written at all.
 *
 * <p>Over 400 lines because it is one encoder: the streaming writer, the external-data placement
 * and the merged-decoder assembly all work on the same private node and initializer lists, and
 * splitting them would expose those lists to the rest of the package.
 */
final class OnnxWriter {
    static final int FLOAT = 1, INT64 = 7, BOOL = 9, FLOAT16 = 10;
    static final long IR_VERSION = 8;
    /** Smaller initializers stay inline even in an external-data model (onnx's size_threshold). */
    static final int EXTERNAL_MIN_BYTES = 1024;

    private static final int EXTERNAL_ALIGN = 4096;

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

        /** A subgraph (an If node's branch): GraphProto{node=1, name=2, output=12}, no inputs of its own. */
        static Attr graph(String name, String graphName, List<Msg> nodes, List<Msg> outputs) {
            Msg g = new Msg();
            nodes.forEach(n -> g.msg(1, n));
            g.str(2, graphName);
            outputs.forEach(o -> g.msg(12, o));
            return new Attr(name, new Msg().str(1, name).i64(20, 5).msg(6, g));
        }

        static Attr ints(String name, long... vs) {
            Msg m = new Msg().str(1, name).i64(20, 7);
            for (long v : vs) {
                m.i64(8, v); // repeated int64, unpacked (proto2 default); parsers accept both
            }
            return new Attr(name, m);
        }
    }

    /** An initializer whose raw data is produced when written (floats stored as FLOAT or FLOAT16). */
    private record Init(String name, Msg header, int dataType, Supplier<float[]> floats, int off, int n, long[] longs) {
        long rawBytes() {
            return floats == null ? 8L * longs.length : dataType == FLOAT16 ? 2L * n : 4L * n;
        }
    }

    /** Where an external initializer's bytes lie in the side file. */
    private record Placement(long offset, long length) {}

    private final List<Msg> nodes = new ArrayList<>();
    /**
     * The Casts of fp16 weights to float: they read initializers only, so they run first, and in a
     * merged decoder they stay in the main graph, shared by both branches (cast, and folded by
     * ONNX Runtime, once).
     */
    private final List<Msg> weightCasts = new ArrayList<>();

    private final List<Init> initializers = new ArrayList<>();
    private final List<Msg> inputs = new ArrayList<>();
    private final List<Msg> outputs = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();
    private int counter;

    /** Adds a node with one output named after the op; returns the output name. */
    String op(String opType, String[] in, Attr... attrs) {
        String out = opType.toLowerCase() + "_" + (counter++);
        opNamed(opType, in, new String[] {out}, attrs);
        return out;
    }

    /** A new unique value name, for ops with several outputs. */
    String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    void opNamed(String opType, String[] in, String[] out, Attr... attrs) {
        nodes.add(node(opType, in, out, attrs));
    }

    private Msg node(String opType, String[] in, String[] out, Attr... attrs) {
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
        return n;
    }

    /** A float initializer of n values data.get()[off ..]; the supplier runs when the model is written. */
    String floatInit(String name, long[] dims, Supplier<float[]> data, int off, int n) {
        initializers.add(new Init(name, header(name, dims, FLOAT), FLOAT, data, off, n, null));
        return name;
    }

    /**
     * A weight: a FLOAT initializer, or with {@code half} a FLOAT16 one and a Cast back to float
     * named {@code name} (ONNX Runtime folds that Cast once when the session loads).
     */
    String weight(String name, long[] dims, Supplier<float[]> data, int off, int n, boolean half) {
        if (!half) {
            return floatInit(name, dims, data, off, n);
        }
        initializers.add(new Init(name + ".fp16", header(name + ".fp16", dims, FLOAT16), FLOAT16, data, off, n, null));
        weightCasts.add(node("Cast", new String[] {name + ".fp16"}, new String[] {name}, Attr.i("to", FLOAT)));
        return name;
    }

    String weight(String name, long[] dims, float[] data, int off, int n, boolean half) {
        return weight(name, dims, () -> data, off, n, half);
    }

    String floatInit(String name, long[] dims, float[] data, int off, int n) {
        return floatInit(name, dims, () -> data, off, n);
    }

    String int64Init(String name, long[] dims, long... data) {
        initializers.add(new Init(name, header(name, dims, INT64), INT64, null, 0, 0, data.clone()));
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
        outputNames.add(name);
    }

    /**
     * An Optimum merged decoder (what {@code optimum.onnx.merge_decoders} builds) from two graphs
     * of the same weights: the main graph holds the shared initializers, the inputs of
     * {@code withPast} plus {@code use_cache_branch} (bool [1]), and one If node that runs
     * {@code withPast} when it is true and {@code noPast} when it is false. Both branches read the
     * weights from the main graph and write the main graph's outputs, in the same order.
     *
     * @throws IllegalArgumentException when the two graphs do not share their initializers and outputs
     */
    static OnnxWriter mergedDecoder(OnnxWriter noPast, OnnxWriter withPast, String branchInput) {
        if (!initializerNames(noPast).equals(initializerNames(withPast))) {
            throw new IllegalArgumentException("the two decoders do not share their initializers");
        }
        if (!noPast.outputNames.equals(withPast.outputNames)) {
            throw new IllegalArgumentException("the two decoders do not have the same outputs");
        }
        OnnxWriter m = new OnnxWriter();
        m.initializers.addAll(withPast.initializers);
        m.inputs.addAll(withPast.inputs);
        m.input(branchInput, BOOL, 1L);
        m.outputs.addAll(withPast.outputs);
        m.outputNames.addAll(withPast.outputNames);
        m.weightCasts.addAll(withPast.weightCasts);
        String[] outs = withPast.outputNames.toArray(String[]::new);
        m.opNamed(
                "If",
                new String[] {branchInput},
                outs,
                Attr.graph("then_branch", "with_past", withPast.nodes, withPast.outputs),
                Attr.graph("else_branch", "no_past", noPast.nodes, withPast.outputs));
        return m;
    }

    private static List<String> initializerNames(OnnxWriter w) {
        return w.initializers.stream().map(Init::name).toList();
    }

    /** Streams the ModelProto to os with every initializer inline. */
    void writeTo(OutputStream os, String graphName, long opset, String producer, String producerVersion)
            throws IOException {
        writeTo(os, null, null, graphName, opset, producer, producerVersion);
    }

    /**
     * Streams the ModelProto to os; with a data stream, initializers of at least
     * {@link #EXTERNAL_MIN_BYTES} go there instead, recorded as external data at
     * {@code location} (the side file's name relative to the model file).
     */
    void writeTo(
            OutputStream os,
            OutputStream data,
            String location,
            String graphName,
            long opset,
            String producer,
            String producerVersion)
            throws IOException {
        List<byte[]> headers = new ArrayList<>();
        long dataEnd = 0;
        for (Init t : initializers) {
            Msg h = new Msg();
            h.out.writeRawBytes(t.header().toBytes());
            if (data != null && t.rawBytes() >= EXTERNAL_MIN_BYTES) {
                long offset = (dataEnd + EXTERNAL_ALIGN - 1) / EXTERNAL_ALIGN * EXTERNAL_ALIGN;
                Placement place = new Placement(offset, t.rawBytes());
                dataEnd = offset + place.length();
                h.msg(13, new Msg().str(1, "location").str(2, location));
                h.msg(13, new Msg().str(1, "offset").str(2, Long.toString(place.offset())));
                h.msg(13, new Msg().str(1, "length").str(2, Long.toString(place.length())));
                h.i64(14, 1);
                headers.add(h.toBytes());
            } else {
                headers.add(null); // inline: header then raw_data, sized below
            }
        }
        long graphSize = CodedOutputStream.computeStringSize(2, graphName);
        List<Msg> allNodes = new ArrayList<>(weightCasts);
        allNodes.addAll(nodes);
        for (Msg n : allNodes) {
            graphSize += lengthDelimitedSize(1, n.toBytes().length);
        }
        for (int i = 0; i < initializers.size(); i++) {
            graphSize += lengthDelimitedSize(5, initSize(initializers.get(i), headers.get(i)));
        }
        for (Msg v : inputs) {
            graphSize += lengthDelimitedSize(11, v.toBytes().length);
        }
        for (Msg v : outputs) {
            graphSize += lengthDelimitedSize(12, v.toBytes().length);
        }
        if (graphSize > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("model of " + graphSize
                    + " bytes exceeds protobuf's 2 GiB limit: write its weights as external data");
        }
        CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
        out.writeInt64(1, IR_VERSION);
        out.writeString(2, producer);
        out.writeString(3, producerVersion);
        out.writeTag(7, WireFormatLengthDelimited);
        out.writeUInt32NoTag((int) graphSize);
        for (Msg n : allNodes) {
            out.writeByteArray(1, n.toBytes());
        }
        out.writeString(2, graphName);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        long written = 0;
        for (int i = 0; i < initializers.size(); i++) {
            Init t = initializers.get(i);
            out.writeTag(5, WireFormatLengthDelimited);
            out.writeUInt32NoTag((int) initSize(t, headers.get(i)));
            if (headers.get(i) != null) {
                out.writeRawBytes(headers.get(i));
                long offset = (written + EXTERNAL_ALIGN - 1) / EXTERNAL_ALIGN * EXTERNAL_ALIGN;
                data.write(new byte[(int) (offset - written)]);
                writeRaw(t, chunk, (b, len) -> data.write(b, 0, len));
                written = offset + t.rawBytes();
            } else {
                out.writeRawBytes(t.header().toBytes());
                out.writeTag(9, WireFormatLengthDelimited);
                out.writeUInt32NoTag((int) t.rawBytes());
                writeRaw(t, chunk, (b, len) -> out.writeRawBytes(b, 0, len));
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

    /** Bytes of a TensorProto: its external-data header, or header + raw_data. */
    private static long initSize(Init t, byte[] externalHeader) {
        if (externalHeader != null) {
            return externalHeader.length;
        }
        return t.header().toBytes().length
                + CodedOutputStream.computeTagSize(9)
                + CodedOutputStream.computeUInt32SizeNoTag((int) t.rawBytes())
                + t.rawBytes();
    }

    @FunctionalInterface
    private interface Sink {
        void write(byte[] bytes, int length) throws IOException;
    }

    /** The tensor's little-endian raw bytes, in chunks. */
    private static void writeRaw(Init t, ByteBuffer chunk, Sink sink) throws IOException {
        if (t.floats() == null) {
            ByteBuffer lb = ByteBuffer.allocate(8 * t.longs().length).order(ByteOrder.LITTLE_ENDIAN);
            lb.asLongBuffer().put(t.longs());
            sink.write(lb.array(), lb.capacity());
            return;
        }
        float[] data = t.floats().get();
        boolean half = t.dataType() == FLOAT16;
        int per = chunk.capacity() / (half ? 2 : 4);
        for (int i = 0; i < t.n(); ) {
            int k = Math.min(t.n() - i, per);
            chunk.clear();
            if (half) {
                for (int j = 0; j < k; j++) {
                    chunk.putShort(2 * j, Half.fromFloat(data[t.off() + i + j]));
                }
            } else {
                chunk.asFloatBuffer().put(data, t.off() + i, k);
            }
            sink.write(chunk.array(), (half ? 2 : 4) * k);
            i += k;
        }
    }

    private static final int WireFormatLengthDelimited = 2;

    private static long lengthDelimitedSize(int field, long len) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(len) + len;
    }
}
