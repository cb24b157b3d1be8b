package dev.kiln.trainer;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.kiln.trainer.OnnxWriter.Attr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link GptModel} as a model bundle (see DESIGN.md "Model bundle"): {@code model.onnx}
 * in the Hugging Face Optimum decoder-with-past convention, {@code config.json},
 * {@code generation_config.json}, {@code model.safetensors} (the same weights, HF GPT-2 names, for a
 * Java reference forward via {@link Checkpoint#loadWeights}), and whatever tokenizer files the
 * caller writes.
 *
 * <p>Graph I/O (opset 17, all listed dims symbolic):
 * <pre>
 *   input_ids                 int64   [batch, seq]
 *   attention_mask            int64   [batch, past+seq]    1 = real token, 0 = padding (left padding)
 *   position_ids              int64   [batch, seq]
 *   past_key_values.{i}.key   float32 [batch, n_head, past, head_dim]   (past may be 0)
 *   past_key_values.{i}.value float32 [batch, n_head, past, head_dim]
 *   → logits                  float32 [batch, seq, vocab]
 *   → present.{i}.key/.value  float32 [batch, n_head, past+seq, head_dim]
 * </pre>
 * Query i (absolute position past+i) may attend key j iff j &lt;= past+i (causal) and
 * attention_mask[b, j] = 1. A query whose row is fully masked (a padding position) gets a
 * uniform softmax instead of NaN; its logits are meaningless and should be ignored.
 */
public final class OnnxExporter {
    public static final int OPSET = 17;
    private static final float MASKED = -1e9f;
    /** Indented as Hugging Face writes its JSON files ({@code "key": value}), since people read them. */
    private static final ObjectWriter BUNDLE_JSON = new ObjectMapper()
            .writer(new DefaultPrettyPrinter()
                    .withSeparators(
                            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private OnnxExporter() {}

    /** Writes extra files (tokenizer.json, tokenizer_config.json …) into the bundle directory. */
    @FunctionalInterface
    public interface BundleFiles {
        void writeInto(Path bundleDir) throws IOException;
    }

    /** Defaults written to generation_config.json. */
    public record GenerationDefaults(float temperature, int topK, float topP, int maxNewTokens) {
        public static final GenerationDefaults DEFAULT = new GenerationDefaults(0.8f, 40, 1.0f, 256);
    }

    /**
     * Writes model.onnx, model.safetensors, config.json, generation_config.json into dir (created if needed), then
     * lets extraFiles add the tokenizer. bos/eos ids may be -1 when the tokenizer has none.
     */
    public static void exportBundle(
            GptModel model, Path dir, int bosTokenId, int eosTokenId, GenerationDefaults gen, BundleFiles extraFiles)
            throws IOException {
        Files.createDirectories(dir);
        Path onnx = dir.resolve("model.onnx"), tmp = dir.resolve("model.onnx.tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            writeOnnx(model, os);
        }
        Files.move(tmp, onnx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // the same weights for a Java reference forward (Checkpoint.loadWeights), as HF folders carry them
        Checkpoint.saveWeights(dir.resolve("model.safetensors"), model, 0);
        writeBundleJson(dir.resolve("config.json"), configJson(model.config, bosTokenId, eosTokenId));
        Map<String, Object> g = new LinkedHashMap<>();
        if (bosTokenId >= 0) {
            g.put("bos_token_id", bosTokenId);
        }
        if (eosTokenId >= 0) {
            g.put("eos_token_id", eosTokenId);
        }
        g.put("do_sample", gen.temperature() > 0);
        g.put("temperature", gen.temperature());
        g.put("top_k", gen.topK());
        g.put("top_p", gen.topP());
        g.put("max_new_tokens", gen.maxNewTokens());
        writeBundleJson(dir.resolve("generation_config.json"), g);
        if (extraFiles != null) {
            extraFiles.writeInto(dir);
        }
    }

    /** Writes one JSON file of a bundle (a map of plain values), indented and ending in a newline. */
    public static void writeBundleJson(Path file, Map<String, ?> value) throws IOException {
        Files.writeString(file, BUNDLE_JSON.writeValueAsString(value) + "\n", StandardCharsets.UTF_8);
    }

    /** Hugging Face GPT-2 config names, plus n_kv_head (= n_head: no grouped-query attention). */
    public static Map<String, Object> configJson(GptConfig c, int bosTokenId, int eosTokenId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", "gpt2");
        m.put("architectures", List.of("GPT2LMHeadModel"));
        m.put("vocab_size", c.vocab());
        m.put("n_layer", c.nLayer());
        m.put("n_head", c.nHead());
        m.put("n_kv_head", c.nHead());
        m.put("n_embd", c.nEmbd());
        m.put("head_dim", c.headDim());
        m.put("n_positions", c.context());
        m.put("n_ctx", c.context());
        m.put("bos_token_id", bosTokenId >= 0 ? bosTokenId : null);
        m.put("eos_token_id", eosTokenId >= 0 ? eosTokenId : null);
        m.put("activation_function", "gelu_new");
        m.put("layer_norm_epsilon", (double) Layers.LN_EPS);
        m.put("tie_word_embeddings", true);
        m.put("torch_dtype", "float32");
        return m;
    }

    /** The ONNX ModelProto bytes (see {@link #writeOnnx} to stream large models). */
    public static byte[] toOnnx(GptModel model) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            writeOnnx(model, bos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * Streams the ONNX ModelProto to os, one initializer at a time. Protobuf caps a message at
     * 2 GiB, so about 500M parameters.
     */
    public static void writeOnnx(GptModel model, OutputStream os) throws IOException {
        build(model).writeTo(os, "kiln-gpt2", OPSET, "kiln", "0.1.0");
    }

    private static OnnxWriter build(GptModel model) {
        GptConfig c = model.config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), hs = c.headDim(), V = c.vocab();
        float[] p = model.params;
        OnnxWriter w = new OnnxWriter();

        w.input("input_ids", OnnxWriter.INT64, "batch_size", "sequence_length");
        w.input("attention_mask", OnnxWriter.INT64, "batch_size", "total_sequence_length");
        w.input("position_ids", OnnxWriter.INT64, "batch_size", "sequence_length");
        for (int l = 0; l < L; l++) {
            w.input(
                    "past_key_values." + l + ".key",
                    OnnxWriter.FLOAT,
                    "batch_size",
                    (long) NH,
                    "past_sequence_length",
                    (long) hs);
            w.input(
                    "past_key_values." + l + ".value",
                    OnnxWriter.FLOAT,
                    "batch_size",
                    (long) NH,
                    "past_sequence_length",
                    (long) hs);
        }
        w.output("logits", OnnxWriter.FLOAT, "batch_size", "sequence_length", (long) V);
        for (int l = 0; l < L; l++) {
            w.output("present." + l + ".key", OnnxWriter.FLOAT, "batch_size", (long) NH, "total_sequence_length", (long)
                    hs);
            w.output(
                    "present." + l + ".value",
                    OnnxWriter.FLOAT,
                    "batch_size",
                    (long) NH,
                    "total_sequence_length",
                    (long) hs);
        }

        // constants
        String zero = w.int64Scalar("const_i0", 0), one = w.int64Scalar("const_i1", 1);
        String axes1 = w.int64Init("const_axes_1", new long[] {1}, 1);
        String axes12 = w.int64Init("const_axes_1_2", new long[] {2}, 1, 2);
        String headShape = w.int64Init("const_head_shape", new long[] {4}, 0, 0, NH, hs);
        String mergeShape = w.int64Init("const_merge_shape", new long[] {3}, 0, 0, C);
        String split3 = w.int64Init("const_qkv_split", new long[] {3}, C, C, C);
        String scale = w.floatScalar("const_attn_scale", (float) (1.0 / Math.sqrt(hs)));
        String masked = w.floatScalar("const_masked", MASKED);
        String half = w.floatScalar("const_half", 0.5f), oneF = w.floatScalar("const_one", 1f);
        String geluC = w.floatScalar("const_gelu_c", 0.044715f);
        String geluS = w.floatScalar("const_gelu_s", (float) Math.sqrt(2.0 / Math.PI));

        // weights: token table without its padding rows, linear weights as [in, out] (HF Conv1D layout)
        String wte = w.floatInit("wte.weight", new long[] {V, C}, p, model.wte, V * C);
        String wpe = w.floatInit("wpe.weight", new long[] {c.context(), C}, p, model.wpe, c.context() * C);

        // embeddings: x[B,S,C] = wte[input_ids] + wpe[position_ids]
        String x = w.op("Add", new String[] {
            w.op("Gather", new String[] {wte, "input_ids"}, Attr.i("axis", 0)),
            w.op("Gather", new String[] {wpe, "position_ids"}, Attr.i("axis", 0))
        });

        // allowed[B,1,S,T] = (key j <= past + query i) AND attention_mask[b, j]
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
        String allowed = w.op("And", new String[] {causal, valid}); // [B,1,S,T]

        for (int l = 0; l < L; l++) {
            String h = "h." + l + ".";
            // attention branch
            String ln1 = layerNorm(w, x, p, model.ln1w[l], model.ln1b[l], h + "ln_1", C);
            String qkv = linear(w, ln1, p, model.qkvw[l], model.qkvb[l], h + "attn.c_attn", C, 3 * C); // [B,S,3C]
            String q = "q_" + l, k = "k_" + l, v = "v_" + l;
            w.opNamed("Split", new String[] {qkv, split3}, new String[] {q, k, v}, Attr.i("axis", 2));
            String q4 = heads(w, q, headShape); // [B,NH,S,hs]
            String presentK = "present." + l + ".key", presentV = "present." + l + ".value";
            w.opNamed(
                    "Concat",
                    new String[] {"past_key_values." + l + ".key", heads(w, k, headShape)},
                    new String[] {presentK},
                    Attr.i("axis", 2)); // [B,NH,T,hs]
            w.opNamed(
                    "Concat",
                    new String[] {"past_key_values." + l + ".value", heads(w, v, headShape)},
                    new String[] {presentV},
                    Attr.i("axis", 2));
            String kT = w.op("Transpose", new String[] {presentK}, Attr.ints("perm", 0, 1, 3, 2)); // [B,NH,hs,T]
            String scores = w.op("Mul", new String[] {w.op("MatMul", new String[] {q4, kT}), scale}); // [B,NH,S,T]
            String att = w.op(
                    "Softmax",
                    new String[] {w.op("Where", new String[] {allowed, scores, masked})},
                    Attr.i("axis", -1));
            String y4 = w.op("MatMul", new String[] {att, presentV}); // [B,NH,S,hs]
            String y = w.op("Reshape", new String[] {
                w.op("Transpose", new String[] {y4}, Attr.ints("perm", 0, 2, 1, 3)), mergeShape
            }); // [B,S,C]
            x = w.op(
                    "Add",
                    new String[] {x, linear(w, y, p, model.attprojw[l], model.attprojb[l], h + "attn.c_proj", C, C)});
            // MLP branch
            String ln2 = layerNorm(w, x, p, model.ln2w[l], model.ln2b[l], h + "ln_2", C);
            String f = linear(w, ln2, p, model.fcw[l], model.fcb[l], h + "mlp.c_fc", C, 4 * C);
            String cube = w.op("Mul", new String[] {f, w.op("Mul", new String[] {f, f})});
            String inner = w.op("Mul", new String[] {
                geluS, w.op("Add", new String[] {f, w.op("Mul", new String[] {geluC, cube})})
            });
            String gelu = w.op("Mul", new String[] {
                w.op("Mul", new String[] {half, f}),
                w.op("Add", new String[] {oneF, w.op("Tanh", new String[] {inner})})
            });
            x = w.op("Add", new String[] {
                x, linear(w, gelu, p, model.fcprojw[l], model.fcprojb[l], h + "mlp.c_proj", 4 * C, C)
            });
        }
        String lnf = layerNorm(w, x, p, model.lnfw, model.lnfb, "ln_f", C);
        String wteT = w.op("Transpose", new String[] {wte}, Attr.ints("perm", 1, 0)); // tied head [C,V]
        w.opNamed("MatMul", new String[] {lnf, wteT}, new String[] {"logits"});
        return w;
    }

    private static String layerNorm(OnnxWriter w, String x, float[] p, int wOff, int bOff, String name, int C) {
        String g = w.floatInit(name + ".weight", new long[] {C}, p, wOff, C);
        String b = w.floatInit(name + ".bias", new long[] {C}, p, bOff, C);
        return w.op("LayerNormalization", new String[] {x, g, b}, Attr.i("axis", -1), Attr.f("epsilon", Layers.LN_EPS));
    }

    /** x[..., in] · W + b with W stored [in, out]; our in-memory weight is [out, in]. */
    private static String linear(OnnxWriter w, String x, float[] p, int wOff, int bOff, String name, int in, int out) {
        java.util.function.Supplier<float[]> transposed = () -> { // built when written, one tensor at a time
            float[] t = new float[in * out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = p[wOff + o * in + i];
                }
            }
            return t;
        };
        String weight = w.floatInit(name + ".weight", new long[] {in, out}, transposed, 0, in * out);
        String bias = w.floatInit(name + ".bias", new long[] {out}, p, bOff, out);
        return w.op("Add", new String[] {w.op("MatMul", new String[] {x, weight}), bias});
    }

    /** [B,S,C] → [B,NH,S,hs]. */
    private static String heads(OnnxWriter w, String x, String headShape) {
        return w.op(
                "Transpose",
                new String[] {w.op("Reshape", new String[] {x, headShape})},
                Attr.ints("perm", 0, 2, 1, 3));
    }
}
