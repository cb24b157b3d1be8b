package dev.kiln.inference.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.UnknownFieldSet.Field;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a model.onnx that trainer-core exported (fp32 or fp16, not merged) into the logits layouts
 * other exporters write, with the same weights: the hidden state sliced to its last position
 * before the LM head, as ONNX Runtime GenAI's builder and hand-optimised exports do, giving
 * [batch, 1, vocab] or [batch, vocab]; transformers' {@code logits_to_keep} input (the count of
 * last positions to compute, 0 = all), sliced the same way; and a logits output of a shape the
 * gateway cannot read. The ModelProto is edited as plain protobuf fields (ONNX's field numbers,
 * from onnx.proto), since there is no ONNX binding for Java to edit it with.
 */
public final class TestGraphs {
    // onnx.proto field numbers
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP = 4, NODE_ATTRIBUTE = 5;
    private static final int ATTR_NAME = 1, ATTR_I = 3, ATTR_TYPE = 20, ATTR_TYPE_INT = 2;
    private static final int TENSOR_DIMS = 1, TENSOR_TYPE = 2, TENSOR_INT64 = 7, TENSOR_NAME = 8;
    private static final int VALUE_NAME = 1, VALUE_TYPE = 2, TYPE_TENSOR = 1, ELEM_TYPE = 1, SHAPE = 2, DIM = 1;
    private static final int DIM_VALUE = 1, DIM_PARAM = 2;
    private static final int INT64 = 7;

    private static final String LOGITS = "logits";

    private TestGraphs() {}

    /**
     * The LM head reads only the last position: logits [batch_size, 1, vocab] when
     * {@code seqDim} is {@code 1L}, or declared with a symbolic middle dimension when it is a
     * name (the first result must tell); [batch_size, vocab] when {@code seqDim} is null.
     */
    public static void lastPosition(Path onnx, Object seqDim) throws IOException {
        Graph g = Graph.read(onnx);
        List<ByteString> added = new ArrayList<>();
        String last;
        if (seqDim == null) {
            g.initializer(int64("kiln_last_index", false, -1));
            last = "kiln_hidden_last";
            added.add(node("Gather", List.of(g.headInput(), "kiln_last_index"), last, intAttr("axis", 1)));
            g.declareLogits("batch_size", (long) g.vocab());
        } else {
            g.initializer(int64("kiln_last_start", true, -1));
            last = slice(g, added, "kiln_last_start");
            g.declareLogits("batch_size", seqDim, (long) g.vocab());
        }
        g.beforeHead(added, last);
        g.write(onnx);
    }

    /**
     * Adds transformers' count input {@code name} (int64, a scalar or [1]): the LM head reads the
     * last {@code count} positions (all for 0), and logits are declared [batch_size, sequence_length, vocab].
     */
    public static void logitsToKeep(Path onnx, String name, boolean scalar) throws IOException {
        Graph g = Graph.read(onnx);
        g.input(valueInfo(name, INT64, scalar ? new Object[0] : new Object[] {1L}));
        List<ByteString> added = new ArrayList<>();
        String start = "kiln_keep_start";
        if (scalar) {
            g.initializer(int64("kiln_shape_1", true, 1));
            added.add(node("Neg", List.of(name), "kiln_keep_neg"));
            added.add(node("Reshape", List.of("kiln_keep_neg", "kiln_shape_1"), start));
        } else {
            added.add(node("Neg", List.of(name), start));
        }
        String kept = slice(g, added, start);
        g.declareLogits("batch_size", "sequence_length", (long) g.vocab());
        g.beforeHead(added, kept);
        g.write(onnx);
    }

    /** Logits unsqueezed to [batch_size, sequence_length, 1, vocab], a rank the gateway does not read. */
    public static void unusableLogits(Path onnx) throws IOException {
        Graph g = Graph.read(onnx);
        int vocab = g.vocab();
        g.renameHeadOutput("kiln_logits_3d");
        g.initializer(int64("kiln_axis_2", true, 2));
        g.nodes.add(node("Unsqueeze", List.of("kiln_logits_3d", "kiln_axis_2"), LOGITS));
        g.declareLogits("batch_size", "sequence_length", 1L, (long) vocab);
        g.write(onnx);
    }

    /**
     * Logits squeezed of every dimension of size 1 (Squeeze without axes), declared [batch_size,
     * sequence_length, vocab]: shape inference cannot tell the rank, so the graph loads, and a
     * batch of one comes out [seq, vocab] — a layout only a result shows.
     */
    public static void squeezedLogits(Path onnx) throws IOException {
        Graph g = Graph.read(onnx);
        int vocab = g.vocab();
        g.renameHeadOutput("kiln_logits_3d");
        g.nodes.add(node("Squeeze", List.of("kiln_logits_3d"), LOGITS));
        g.declareLogits("batch_size", "sequence_length", (long) vocab);
        g.write(onnx);
    }

    /** Slice(hidden, start, ∞) on axis 1: the last -start positions. */
    private static String slice(Graph g, List<ByteString> added, String start) {
        g.initializer(int64("kiln_slice_end", true, Long.MAX_VALUE));
        g.initializer(int64("kiln_slice_axis", true, 1));
        String out = "kiln_hidden_sliced";
        added.add(node("Slice", List.of(g.headInput(), start, "kiln_slice_end", "kiln_slice_axis"), out));
        return out;
    }

    /** The graph's fields, its nodes parsed, and the LM head (the MatMul writing logits) found. */
    private static final class Graph {
        final UnknownFieldSet model, graph;
        final List<ByteString> nodes = new ArrayList<>();
        final List<ByteString> initializers, inputs, outputs;
        final int head;

        Graph(UnknownFieldSet model) throws IOException {
            this.model = model;
            this.graph = UnknownFieldSet.parseFrom(only(model, MODEL_GRAPH));
            nodes.addAll(graph.getField(GRAPH_NODE).getLengthDelimitedList());
            initializers = new ArrayList<>(graph.getField(GRAPH_INITIALIZER).getLengthDelimitedList());
            inputs = new ArrayList<>(graph.getField(GRAPH_INPUT).getLengthDelimitedList());
            outputs = new ArrayList<>(graph.getField(GRAPH_OUTPUT).getLengthDelimitedList());
            int found = -1;
            for (int i = 0; i < nodes.size(); i++) {
                UnknownFieldSet n = UnknownFieldSet.parseFrom(nodes.get(i));
                String out = strings(n, NODE_OUTPUT).get(0);
                // fp16 exports compute in float32 and Cast the result to logits
                if (string(n, NODE_OP).equals("MatMul") && (out.equals(LOGITS) || out.equals(LOGITS + ".float32"))) {
                    found = i;
                }
            }
            if (found < 0) {
                throw new IllegalArgumentException("no MatMul writes logits: not a trainer-core export");
            }
            head = found;
        }

        static Graph read(Path onnx) throws IOException {
            return new Graph(UnknownFieldSet.parseFrom(Files.readAllBytes(onnx)));
        }

        UnknownFieldSet headNode() throws IOException {
            return UnknownFieldSet.parseFrom(nodes.get(head));
        }

        String headInput() {
            try {
                return strings(headNode(), NODE_INPUT).get(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The declared logits' TypeProto.Tensor. */
        UnknownFieldSet logitsType() throws IOException {
            return UnknownFieldSet.parseFrom(
                    only(UnknownFieldSet.parseFrom(only(logitsOutput(), VALUE_TYPE)), TYPE_TENSOR));
        }

        /** The vocabulary: the fixed last dimension of the declared logits. */
        int vocab() {
            try {
                UnknownFieldSet shape = UnknownFieldSet.parseFrom(only(logitsType(), SHAPE));
                List<ByteString> dims = shape.getField(DIM).getLengthDelimitedList();
                UnknownFieldSet last = UnknownFieldSet.parseFrom(dims.get(dims.size() - 1));
                return (int) (long) last.getField(DIM_VALUE).getVarintList().get(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        UnknownFieldSet logitsOutput() throws IOException {
            for (ByteString o : outputs) {
                UnknownFieldSet v = UnknownFieldSet.parseFrom(o);
                if (string(v, VALUE_NAME).equals(LOGITS)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("no logits output");
        }

        /** Inserts {@code added} before the LM head, which then reads {@code headInput}. */
        void beforeHead(List<ByteString> added, String headInput) throws IOException {
            UnknownFieldSet n = headNode();
            List<String> in = new ArrayList<>(strings(n, NODE_INPUT));
            in.set(0, headInput);
            nodes.set(
                    head,
                    UnknownFieldSet.newBuilder(n)
                            .addField(NODE_INPUT, stringsField(in))
                            .build()
                            .toByteString());
            nodes.addAll(head, added);
        }

        void renameHeadOutput(String name) throws IOException {
            if (!strings(headNode(), NODE_OUTPUT).get(0).equals(LOGITS)) {
                throw new IllegalArgumentException("the LM head does not write logits itself (an fp16 export)");
            }
            nodes.set(
                    head,
                    UnknownFieldSet.newBuilder(headNode())
                            .addField(NODE_OUTPUT, stringsField(List.of(name)))
                            .build()
                            .toByteString());
        }

        void initializer(ByteString tensor) {
            initializers.add(tensor);
        }

        void input(ByteString valueInfo) {
            inputs.add(valueInfo);
        }

        /** Replaces the declared shape of output logits with these dimensions, keeping its element type. */
        void declareLogits(Object... dims) {
            for (int i = 0; i < outputs.size(); i++) {
                try {
                    if (string(UnknownFieldSet.parseFrom(outputs.get(i)), VALUE_NAME)
                            .equals(LOGITS)) {
                        long elemType =
                                logitsType().getField(ELEM_TYPE).getVarintList().get(0);
                        outputs.set(i, valueInfo(LOGITS, (int) elemType, dims));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        void write(Path onnx) throws IOException {
            UnknownFieldSet g = UnknownFieldSet.newBuilder(graph)
                    .addField(GRAPH_NODE, bytesField(nodes))
                    .addField(GRAPH_INITIALIZER, bytesField(initializers))
                    .addField(GRAPH_INPUT, bytesField(inputs))
                    .addField(GRAPH_OUTPUT, bytesField(outputs))
                    .build();
            UnknownFieldSet m = UnknownFieldSet.newBuilder(model)
                    .addField(MODEL_GRAPH, bytesField(List.of(g.toByteString())))
                    .build();
            Files.write(onnx, m.toByteArray());
        }
    }

    static ByteString node(String op, List<String> inputs, String output, ByteString... attributes) {
        UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder()
                .addField(NODE_INPUT, stringsField(inputs))
                .addField(NODE_OUTPUT, stringsField(List.of(output)))
                .addField(NODE_NAME, stringsField(List.of("kiln_test_" + output)))
                .addField(NODE_OP, stringsField(List.of(op)));
        if (attributes.length > 0) {
            b.addField(NODE_ATTRIBUTE, bytesField(List.of(attributes)));
        }
        return b.build().toByteString();
    }

    static ByteString intAttr(String name, long value) {
        return UnknownFieldSet.newBuilder()
                .addField(ATTR_NAME, stringsField(List.of(name)))
                .addField(ATTR_I, Field.newBuilder().addVarint(value).build())
                .addField(ATTR_TYPE, Field.newBuilder().addVarint(ATTR_TYPE_INT).build())
                .build()
                .toByteString();
    }

    /** An int64 initializer: a scalar, or [1] when {@code vector}. */
    static ByteString int64(String name, boolean vector, long value) {
        UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder();
        if (vector) {
            b.addField(TENSOR_DIMS, Field.newBuilder().addVarint(1).build());
        }
        return b.addField(TENSOR_TYPE, Field.newBuilder().addVarint(INT64).build())
                .addField(TENSOR_INT64, Field.newBuilder().addVarint(value).build())
                .addField(TENSOR_NAME, stringsField(List.of(name)))
                .build()
                .toByteString();
    }

    /** A ValueInfoProto: a tensor of {@code elemType} whose dims are Long (fixed) or String (symbolic). */
    static ByteString valueInfo(String name, int elemType, Object... dims) {
        List<ByteString> ds = new ArrayList<>();
        for (Object d : dims) {
            UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder();
            if (d instanceof Long v) {
                b.addField(DIM_VALUE, Field.newBuilder().addVarint(v).build());
            } else {
                b.addField(DIM_PARAM, stringsField(List.of((String) d)));
            }
            ds.add(b.build().toByteString());
        }
        UnknownFieldSet.Builder shape = UnknownFieldSet.newBuilder();
        if (!ds.isEmpty()) {
            shape.addField(DIM, bytesField(ds));
        }
        UnknownFieldSet tensor = UnknownFieldSet.newBuilder()
                .addField(ELEM_TYPE, Field.newBuilder().addVarint(elemType).build())
                .addField(SHAPE, bytesField(List.of(shape.build().toByteString())))
                .build();
        UnknownFieldSet type = UnknownFieldSet.newBuilder()
                .addField(TYPE_TENSOR, bytesField(List.of(tensor.toByteString())))
                .build();
        return UnknownFieldSet.newBuilder()
                .addField(VALUE_NAME, stringsField(List.of(name)))
                .addField(VALUE_TYPE, bytesField(List.of(type.toByteString())))
                .build()
                .toByteString();
    }

    private static ByteString only(UnknownFieldSet s, int field) {
        return s.getField(field).getLengthDelimitedList().get(0);
    }

    private static String string(UnknownFieldSet s, int field) {
        List<ByteString> l = s.getField(field).getLengthDelimitedList();
        return l.isEmpty() ? "" : l.get(0).toStringUtf8();
    }

    private static List<String> strings(UnknownFieldSet s, int field) {
        return s.getField(field).getLengthDelimitedList().stream()
                .map(ByteString::toStringUtf8)
                .toList();
    }

    private static Field stringsField(List<String> values) {
        Field.Builder f = Field.newBuilder();
        values.forEach(v -> f.addLengthDelimited(ByteString.copyFromUtf8(v)));
        return f.build();
    }

    private static Field bytesField(List<ByteString> values) {
        Field.Builder f = Field.newBuilder();
        values.forEach(f::addLengthDelimited);
        return f.build();
    }
}
