package dev.kiln.trainer;

import dev.kiln.trainer.OnnxWriter.Attr;

/**
 * What every exported decoder graph shares, whatever its blocks: the Optimum I/O (declared
 * float32 or, for fp16 bundles, float16 with Casts at the edges so the arithmetic inside stays
 * float32), the attention mask, and the attention core over the key/value cache with
 * grouped-query heads. Graph builders read past and write present/logits through the names
 * this gives them.
 */
final class OnnxDecoderIo {
    private static final float MASKED = -1e9f;

    private final OnnxWriter w;
    private final boolean half;
    /** False for a merged decoder's first-step branch, which reads no cache and starts it from this step's keys. */
    private final boolean withPast;

    private final int layers, kvHeads, headDim;
    /** Names the graph reads the cache from and writes its outputs to (float32 tensors). */
    private final String[] pastKey, pastValue, presentKey, presentValue;

    private final String logits;
    /** allowed[B,1,S,T]: key j visible to query i (causal and not padding). */
    final String allowed;

    final String zero, one;

    OnnxDecoderIo(OnnxWriter w, int layers, int kvHeads, int headDim, int vocab, boolean half, boolean withPast) {
        this.w = w;
        this.half = half;
        this.withPast = withPast;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        int io = half ? OnnxWriter.FLOAT16 : OnnxWriter.FLOAT;
        w.input("input_ids", OnnxWriter.INT64, "batch_size", "sequence_length");
        w.input("attention_mask", OnnxWriter.INT64, "batch_size", "total_sequence_length");
        w.input("position_ids", OnnxWriter.INT64, "batch_size", "sequence_length");
        pastKey = new String[layers];
        pastValue = new String[layers];
        presentKey = new String[layers];
        presentValue = new String[layers];
        for (int l = 0; withPast && l < layers; l++) {
            pastKey[l] = pastInput("past_key_values." + l + ".key", io);
            pastValue[l] = pastInput("past_key_values." + l + ".value", io);
        }
        w.output("logits", io, "batch_size", "sequence_length", (long) vocab);
        logits = internal("logits");
        for (int l = 0; l < layers; l++) {
            w.output(
                    "present." + l + ".key", io, "batch_size", (long) kvHeads, "total_sequence_length", (long) headDim);
            w.output("present." + l + ".value", io, "batch_size", (long) kvHeads, "total_sequence_length", (long)
                    headDim);
            presentKey[l] = internal("present." + l + ".key");
            presentValue[l] = internal("present." + l + ".value");
        }

        zero = w.int64Scalar("const_i0", 0);
        one = w.int64Scalar("const_i1", 1);
        String axes1 = w.int64Init("const_axes_1", new long[] {1}, 1);
        String axes12 = w.int64Init("const_axes_1_2", new long[] {2}, 1, 2);
        String seqLen =
                w.op("Gather", new String[] {w.op("Shape", new String[] {"input_ids"}), one}, Attr.i("axis", 0));
        String total =
                w.op("Gather", new String[] {w.op("Shape", new String[] {"attention_mask"}), one}, Attr.i("axis", 0));
        String past = w.op("Sub", new String[] {total, seqLen});
        String qPos = w.op("Unsqueeze", new String[] {w.op("Range", new String[] {past, total, one}), axes1}); // [S,1]
        String kPos = w.op("Range", new String[] {zero, total, one}); // [T]
        String causal = w.op("LessOrEqual", new String[] {kPos, qPos}); // [S,T]
        String valid = w.op("Unsqueeze", new String[] {
            w.op("Cast", new String[] {"attention_mask"}, Attr.i("to", OnnxWriter.BOOL)), axes12
        }); // [B,1,1,T]
        allowed = w.op("And", new String[] {causal, valid}); // [B,1,S,T]
    }

    private String pastInput(String name, int io) {
        w.input(name, io, "batch_size", (long) kvHeads, "past_sequence_length", (long) headDim);
        return half ? w.op("Cast", new String[] {name}, Attr.i("to", OnnxWriter.FLOAT)) : name;
    }

    /** The float32 name a graph writes for output {@code name}; {@link #finish} casts it when half. */
    private String internal(String name) {
        return half ? name + ".float32" : name;
    }

    /** Ends the graph: with fp16 I/O, the Casts of the outputs (after their producers: nodes are in topological order). */
    void finish() {
        if (!half) {
            return;
        }
        cast(logits, "logits");
        for (int l = 0; l < layers; l++) {
            cast(presentKey[l], "present." + l + ".key");
            cast(presentValue[l], "present." + l + ".value");
        }
    }

    private void cast(String from, String to) {
        w.opNamed("Cast", new String[] {from}, new String[] {to}, Attr.i("to", OnnxWriter.FLOAT16));
    }

    /** Name to write the logits [B,S,V] to. */
    String logits() {
        return logits;
    }

    /**
     * Causal attention of layer l: appends k4, v4 [B,NKV,S,hs] to the cache (present.l.*) and
     * attends q4 [B,NH,S,hs] over it; returns y [B,S,NH·hs]. Query head h reads key/value head
     * h / (NH/NKV): q is viewed as [B,NKV,NH/NKV,S,hs] against [B,NKV,1,T,hs], and MatMul's
     * broadcasting shares each cache head without copying it.
     */
    String attention(int l, String q4, String k4, String v4, int nHead) {
        if (l < 0 || l >= layers) {
            throw new IllegalArgumentException("layer " + l);
        }
        int group = nHead / kvHeads;
        if (withPast) {
            w.opNamed("Concat", new String[] {pastKey[l], k4}, new String[] {presentKey[l]}, Attr.i("axis", 2));
            w.opNamed("Concat", new String[] {pastValue[l], v4}, new String[] {presentValue[l]}, Attr.i("axis", 2));
        } else {
            w.opNamed("Identity", new String[] {k4}, new String[] {presentKey[l]});
            w.opNamed("Identity", new String[] {v4}, new String[] {presentValue[l]});
        }
        String scale = "const_attn_scale";
        if (l == 0) {
            w.floatScalar(scale, (float) (1.0 / Math.sqrt(headDim)));
            w.floatScalar("const_masked", MASKED);
            w.int64Init("const_merge_shape", new long[] {3}, 0, 0, (long) nHead * headDim);
        }
        String k = presentKey[l], v = presentValue[l], q = q4, mask = allowed;
        if (group > 1) {
            if (l == 0) {
                w.int64Init("const_group_q_shape", new long[] {5}, 0, kvHeads, group, -1, headDim);
                w.int64Init("const_axes_2", new long[] {1}, 2);
                w.int64Init("const_heads_shape", new long[] {4}, 0, nHead, -1, headDim);
            }
            q = w.op("Reshape", new String[] {q4, "const_group_q_shape"}); // [B,NKV,G,S,hs]
            k = w.op("Unsqueeze", new String[] {k, "const_axes_2"}); // [B,NKV,1,T,hs]
            v = w.op("Unsqueeze", new String[] {v, "const_axes_2"});
            mask = w.op("Unsqueeze", new String[] {allowed, "const_axes_2"}); // [B,1,1,S,T]
        }
        int rank = group > 1 ? 5 : 4;
        long[] swapLast = rank == 5 ? new long[] {0, 1, 2, 4, 3} : new long[] {0, 1, 3, 2};
        String kT = w.op("Transpose", new String[] {k}, Attr.ints("perm", swapLast));
        String scores = w.op("Mul", new String[] {w.op("MatMul", new String[] {q, kT}), scale});
        String att = w.op(
                "Softmax",
                new String[] {w.op("Where", new String[] {mask, scores, "const_masked"})},
                Attr.i("axis", -1));
        String y = w.op("MatMul", new String[] {att, v});
        if (group > 1) {
            y = w.op("Reshape", new String[] {y, "const_heads_shape"}); // [B,NH,S,hs]
        }
        return w.op("Reshape", new String[] {
            w.op("Transpose", new String[] {y}, Attr.ints("perm", 0, 2, 1, 3)), "const_merge_shape"
        }); // [B,S,C]
    }
}
