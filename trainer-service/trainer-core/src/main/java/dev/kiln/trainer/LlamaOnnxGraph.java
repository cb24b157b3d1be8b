package dev.kiln.trainer;

import dev.kiln.trainer.OnnxWriter.Attr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX graph and config.json of a {@link LlamaModel} bundle, beside GPT-2's in
 * {@link OnnxExporter} (same I/O and attention core: {@link OnnxDecoderIo}). Opset 17 has no
 * RMSNormalization or RotaryEmbedding op, so both are spelled out in standard ops: RMSNorm as
 * x · 1/sqrt(mean(x²) + eps) · w, RoPE as q·cos + rotate_half(q)·sin with the cos/sin rows
 * gathered by position_ids from the same tables the Java model uses. Keys are cached after RoPE.
 */
final class LlamaOnnxGraph {
    private LlamaOnnxGraph() {}

    /** Hugging Face LlamaConfig names, plus DESIGN.md's n_* aliases the gateway also reads. */
    static Map<String, Object> configJson(LlamaConfig c, int bosTokenId, int eosTokenId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", "llama");
        m.put("architectures", List.of("LlamaForCausalLM"));
        m.put("vocab_size", c.vocab());
        m.put("hidden_size", c.nEmbd());
        m.put("intermediate_size", c.intermediateSize());
        m.put("num_hidden_layers", c.nLayer());
        m.put("num_attention_heads", c.nHead());
        m.put("num_key_value_heads", c.nKvHead());
        m.put("head_dim", c.headDim());
        m.put("max_position_embeddings", c.context());
        m.put("rope_theta", (double) c.ropeTheta());
        m.put("rope_scaling", null);
        m.put("rms_norm_eps", (double) c.normEps());
        m.put("hidden_act", "silu");
        m.put("attention_bias", false);
        m.put("mlp_bias", false);
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        m.put("initializer_range", 0.02);
        m.put("bos_token_id", bosTokenId >= 0 ? bosTokenId : null);
        m.put("eos_token_id", eosTokenId >= 0 ? eosTokenId : null);
        m.put("n_layer", c.nLayer());
        m.put("n_head", c.nHead());
        m.put("n_kv_head", c.nKvHead());
        m.put("n_embd", c.nEmbd());
        m.put("n_positions", c.context());
        return m;
    }

    /** @param withPast false for a merged decoder's first-step branch (see {@link OnnxDecoderIo}) */
    static OnnxWriter build(LlamaModel model, boolean half, boolean withPast) {
        LlamaConfig c = model.config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), NKV = c.nKvHead(), hs = c.headDim(), V = c.vocab();
        int I = c.intermediateSize(), QKV = c.qkvSize(), maxT = c.context();
        float[] p = model.params;
        OnnxWriter w = new OnnxWriter();
        OnnxDecoderIo io = new OnnxDecoderIo(w, L, NKV, hs, V, half, withPast);

        String qShape = w.int64Init("const_q_shape", new long[] {4}, 0, 0, NH, hs);
        String kvShape = w.int64Init("const_kv_shape", new long[] {4}, 0, 0, NKV, hs);
        String qkvSplit = w.int64Init("const_qkv_split", new long[] {3}, C, (long) NKV * hs, (long) NKV * hs);
        String guSplit = w.int64Init("const_gate_up_split", new long[] {2}, I, I);
        String halfSplit = w.int64Init("const_half_split", new long[] {2}, hs / 2, hs / 2);
        String axes1 = w.int64Init("const_rope_axes", new long[] {1}, 1);
        String eps = w.floatScalar("const_rms_eps", c.normEps());

        // RoPE rows for each position: cos/sin [B,1,S,hs] (each half-table repeated over both halves)
        String cosT = w.floatInit("rope.cos", new long[] {maxT, hs / 2}, model.ropeCos, 0, maxT * hs / 2);
        String sinT = w.floatInit("rope.sin", new long[] {maxT, hs / 2}, model.ropeSin, 0, maxT * hs / 2);
        String cos = ropeRows(w, cosT, axes1), sin = ropeRows(w, sinT, axes1);

        String embed = w.weight("model.embed_tokens.weight", new long[] {V, C}, p, model.embed, V * C, half);
        String x = w.op("Gather", new String[] {embed, "input_ids"}, Attr.i("axis", 0));
        for (int l = 0; l < L; l++) {
            String h = "model.layers." + l + ".";
            String n1 = rmsNorm(w, x, p, model.attnNorm[l], h + "input_layernorm", C, eps, half);
            String qkv = linear(w, n1, p, model.qkvw[l], h + "self_attn.qkv_proj", C, QKV, half);
            String q = "q_" + l, k = "k_" + l, v = "v_" + l;
            w.opNamed("Split", new String[] {qkv, qkvSplit}, new String[] {q, k, v}, Attr.i("axis", 2));
            String q4 = rope(w, OnnxExporter.heads(w, q, qShape), cos, sin, halfSplit);
            String k4 = rope(w, OnnxExporter.heads(w, k, kvShape), cos, sin, halfSplit);
            String y = io.attention(l, q4, k4, OnnxExporter.heads(w, v, kvShape), NH);
            x = w.op("Add", new String[] {x, linear(w, y, p, model.ow[l], h + "self_attn.o_proj", C, C, half)});

            String n2 = rmsNorm(w, x, p, model.mlpNorm[l], h + "post_attention_layernorm", C, eps, half);
            String gu = linear(w, n2, p, model.gateUpW[l], h + "mlp.gate_up_proj", C, 2 * I, half);
            String gate = "gate_" + l, up = "up_" + l;
            w.opNamed("Split", new String[] {gu, guSplit}, new String[] {gate, up}, Attr.i("axis", 2));
            String silu = w.op("Mul", new String[] {gate, w.op("Sigmoid", new String[] {gate})});
            String act = w.op("Mul", new String[] {silu, up});
            x = w.op("Add", new String[] {x, linear(w, act, p, model.downW[l], h + "mlp.down_proj", I, C, half)});
        }
        String nf = rmsNorm(w, x, p, model.normf, "model.norm", C, eps, half);
        String headT = c.tieWordEmbeddings()
                ? w.op("Transpose", new String[] {embed}, Attr.ints("perm", 1, 0)) // tied head [C,V]
                : w.weight(
                        "lm_head.weight",
                        new long[] {C, V},
                        OnnxExporter.transposed(p, model.lmHead, C, V),
                        0,
                        C * V,
                        half);
        w.opNamed("MatMul", new String[] {nf, headT}, new String[] {io.logits()});
        io.finish();
        return w;
    }

    /** table[maxT, hs/2] → rows at position_ids, repeated to [B,1,S,hs]. */
    private static String ropeRows(OnnxWriter w, String table, String axes1) {
        String rows = w.op("Gather", new String[] {table, "position_ids"}, Attr.i("axis", 0)); // [B,S,hs/2]
        String full = w.op("Concat", new String[] {rows, rows}, Attr.i("axis", -1));
        return w.op("Unsqueeze", new String[] {full, axes1});
    }

    /** x·cos + rotate_half(x)·sin on [B,heads,S,hs], rotate_half(x) = [−x₂, x₁]. */
    private static String rope(OnnxWriter w, String x, String cos, String sin, String halfSplit) {
        String a = w.fresh("rope_x1"), b = w.fresh("rope_x2");
        w.opNamed("Split", new String[] {x, halfSplit}, new String[] {a, b}, Attr.i("axis", -1));
        String rotated = w.op("Concat", new String[] {w.op("Neg", new String[] {b}), a}, Attr.i("axis", -1));
        return w.op("Add", new String[] {w.op("Mul", new String[] {x, cos}), w.op("Mul", new String[] {rotated, sin})});
    }

    private static String rmsNorm(
            OnnxWriter w, String x, float[] p, int wOff, String name, int C, String eps, boolean half) {
        String g = w.weight(name + ".weight", new long[] {C}, p, wOff, C, half);
        String meanSq = w.op(
                "ReduceMean",
                new String[] {w.op("Mul", new String[] {x, x})},
                Attr.ints("axes", -1),
                Attr.i("keepdims", 1));
        String rstd =
                w.op("Reciprocal", new String[] {w.op("Sqrt", new String[] {w.op("Add", new String[] {meanSq, eps})})});
        return w.op("Mul", new String[] {w.op("Mul", new String[] {x, rstd}), g});
    }

    /** x[..., in] · Wᵀ with our [out, in] weight stored transposed [in, out], no bias. */
    private static String linear(
            OnnxWriter w, String x, float[] p, int wOff, String name, int in, int out, boolean half) {
        String weight = w.weight(
                name + ".weight", new long[] {in, out}, OnnxExporter.transposed(p, wOff, in, out), 0, in * out, half);
        return w.op("MatMul", new String[] {x, weight});
    }
}
