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
 * Exports a {@link LanguageModel} as a model bundle (see DESIGN.md "Model bundle"): {@code model.onnx}
 * in the Hugging Face Optimum decoder-with-past convention (GPT-2's graph here, Llama's in
 * {@link LlamaOnnxGraph}, their shared I/O and attention in {@link OnnxDecoderIo}), plus
 * {@code model.onnx_data} when the weights pass {@link ExportOptions#externalDataThreshold()}
 * (or, as an option, an Optimum merged decoder {@code decoder_model_merged.onnx}: {@link OnnxWriter#mergedDecoder}),
 * {@code config.json} (Hugging Face GPT2Config or LlamaConfig names), {@code generation_config.json},
 * {@code model.safetensors} (the same weights, HF names, for a Java reference forward via
 * {@link Checkpoint#loadWeights}), and whatever tokenizer files the caller writes.
 *
 * <p>Graph I/O (opset 17, all listed dims symbolic):
 * <pre>
 *   input_ids                 int64   [batch, seq]
 *   attention_mask            int64   [batch, past+seq]    1 = real token, 0 = padding (left padding)
 *   position_ids              int64   [batch, seq]
 *   past_key_values.{i}.key   float32 [batch, kv_heads, past, head_dim]   (past may be 0)
 *   past_key_values.{i}.value float32 [batch, kv_heads, past, head_dim]
 *   → logits                  float32 [batch, seq, vocab]
 *   → present.{i}.key/.value  float32 [batch, kv_heads, past+seq, head_dim]
 * </pre>
 * kv_heads is n_head for GPT-2, num_key_value_heads for Llama (whose keys are cached after RoPE).
 * An fp16 export ({@link Precision#FLOAT16}) stores the weights and declares past, present and
 * logits as float16; the arithmetic inside stays float32 (Casts at the edges, and on the weights,
 * which ONNX Runtime folds when the session loads), so it halves the bundle and the cache
 * traffic and keeps fp32's accuracy up to the fp16 rounding of weights and cache.
 * Query i (absolute position past+i) may attend key j iff j &lt;= past+i (causal) and
 * attention_mask[b, j] = 1. A query whose row is fully masked (a padding position) gets a
 * uniform softmax instead of NaN; its logits are meaningless and should be ignored.
 */
public final class OnnxExporter {
    public static final int OPSET = 17;
    public static final String MODEL_FILE = "model.onnx";
    public static final String EXTERNAL_DATA_FILE = "model.onnx_data";
    /** Optimum's name for a merged decoder, and the boolean input that picks its branch. */
    public static final String MERGED_MODEL_FILE = "decoder_model_merged.onnx";

    public static final String MERGED_EXTERNAL_DATA_FILE = "decoder_model_merged.onnx_data";
    public static final String USE_CACHE_BRANCH = "use_cache_branch";
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

    public enum Precision {
        FLOAT32,
        FLOAT16
    }

    /**
     * @param externalDataThreshold weights of more bytes than this go to the side file beside the
     *     graph (ONNX's external-data convention); the default (1 GiB) keeps every graph file far
     *     below protobuf's 2 GiB limit
     * @param mergedDecoder write an Optimum merged decoder ({@value #MERGED_MODEL_FILE}) instead
     *     of {@value #MODEL_FILE}: the same I/O plus {@code use_cache_branch} (bool [1]) choosing,
     *     through one If node, between a first-step branch that reads no cache and the with-past
     *     branch, over one shared copy of the weights. Runtimes built around Optimum's merged
     *     exports (Transformers.js, Optimum's ORTModelForCausalLM) load this file.
     */
    public record ExportOptions(Precision precision, long externalDataThreshold, boolean mergedDecoder) {
        public static final long DEFAULT_EXTERNAL_DATA_THRESHOLD = 1L << 30;
        public static final ExportOptions DEFAULT =
                new ExportOptions(Precision.FLOAT32, DEFAULT_EXTERNAL_DATA_THRESHOLD, false);

        public ExportOptions {
            if (precision == null || externalDataThreshold < 0) {
                throw new IllegalArgumentException("precision required, threshold >= 0");
            }
        }

        /** A plain (not merged) decoder. */
        public ExportOptions(Precision precision, long externalDataThreshold) {
            this(precision, externalDataThreshold, false);
        }

        boolean half() {
            return precision == Precision.FLOAT16;
        }

        /** Whether a model's weights go to the side file. */
        public boolean external(TransformerConfig c) {
            return c.parameterCount() * (half() ? 2 : 4) > externalDataThreshold;
        }

        /** The graph's file name in the bundle. */
        public String modelFile() {
            return mergedDecoder ? MERGED_MODEL_FILE : MODEL_FILE;
        }

        /** The external weights' file name, beside the graph. */
        public String externalDataFile() {
            return mergedDecoder ? MERGED_EXTERNAL_DATA_FILE : EXTERNAL_DATA_FILE;
        }
    }

    /** Defaults written to generation_config.json. */
    public record GenerationDefaults(float temperature, int topK, float topP, int maxNewTokens) {
        public static final GenerationDefaults DEFAULT = new GenerationDefaults(0.8f, 40, 1.0f, 256);
    }

    /** {@link #exportBundle(LanguageModel, Path, int, int, GenerationDefaults, ExportOptions, BundleFiles)} in fp32. */
    public static void exportBundle(
            LanguageModel model,
            Path dir,
            int bosTokenId,
            int eosTokenId,
            GenerationDefaults gen,
            BundleFiles extraFiles)
            throws IOException {
        exportBundle(model, dir, bosTokenId, eosTokenId, gen, ExportOptions.DEFAULT, extraFiles);
    }

    /**
     * Writes model.onnx or decoder_model_merged.onnx (and its _data side file when the weights are large), model.safetensors,
     * config.json, generation_config.json into dir (created if needed), then lets extraFiles add
     * the tokenizer. bos/eos ids may be -1 when the tokenizer has none.
     */
    public static void exportBundle(
            LanguageModel model,
            Path dir,
            int bosTokenId,
            int eosTokenId,
            GenerationDefaults gen,
            ExportOptions options,
            BundleFiles extraFiles)
            throws IOException {
        Files.createDirectories(dir);
        String file = options.modelFile(), dataFile = options.externalDataFile();
        Path onnx = dir.resolve(file), tmp = dir.resolve(file + ".tmp");
        Path data = dir.resolve(dataFile), dataTmp = dir.resolve(dataFile + ".tmp");
        boolean external = options.external(model.config());
        try (OutputStream os = Files.newOutputStream(tmp);
                OutputStream ds = external ? Files.newOutputStream(dataTmp) : null) {
            writeOnnx(model, options, os, ds);
        }
        if (external) {
            Files.move(dataTmp, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.deleteIfExists(data); // a stale side file from an earlier, larger export
        }
        Files.move(tmp, onnx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // the other layout of an earlier export would leave two graphs for a loader to choose from
        ExportOptions other = new ExportOptions(options.precision(), 0, !options.mergedDecoder());
        Files.deleteIfExists(dir.resolve(other.modelFile()));
        Files.deleteIfExists(dir.resolve(other.externalDataFile()));
        // the same weights for a Java reference forward (Checkpoint.loadWeights), as HF folders carry them
        Checkpoint.saveWeights(dir.resolve("model.safetensors"), model, 0);
        Map<String, Object> config = model.config() instanceof LlamaConfig l
                ? LlamaOnnxGraph.configJson(l, bosTokenId, eosTokenId)
                : configJson((GptConfig) model.config(), bosTokenId, eosTokenId);
        config.put("torch_dtype", options.half() ? "float16" : "float32");
        writeBundleJson(dir.resolve("config.json"), config);
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

    /** The ONNX ModelProto bytes of an fp32 export, every weight inline. */
    public static byte[] toOnnx(LanguageModel model) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            writeOnnx(model, ExportOptions.DEFAULT, bos, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * Streams the ONNX ModelProto to os, one initializer at a time; with {@code externalData}, the
     * weights go there instead (its file must be {@link ExportOptions#externalDataFile()} beside the model).
     */
    public static void writeOnnx(LanguageModel model, ExportOptions options, OutputStream os, OutputStream externalData)
            throws IOException {
        OnnxWriter w = options.mergedDecoder()
                ? OnnxWriter.mergedDecoder(graph(model, options, false), graph(model, options, true), USE_CACHE_BRANCH)
                : graph(model, options, true);
        String name = "kiln-" + model.config().architecture();
        w.writeTo(os, externalData, options.externalDataFile(), name, OPSET, "kiln", "0.1.0");
    }

    private static OnnxWriter graph(LanguageModel model, ExportOptions options, boolean withPast) {
        return model instanceof LlamaModel l
                ? LlamaOnnxGraph.build(l, options.half(), withPast)
                : build((GptModel) model, options.half(), withPast);
    }

    private static OnnxWriter build(GptModel model, boolean half, boolean withPast) {
        GptConfig c = model.config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), hs = c.headDim(), V = c.vocab();
        float[] p = model.params;
        OnnxWriter w = new OnnxWriter();
        OnnxDecoderIo io = new OnnxDecoderIo(w, L, NH, hs, V, half, withPast);

        String headShape = w.int64Init("const_head_shape", new long[] {4}, 0, 0, NH, hs);
        String split3 = w.int64Init("const_qkv_split", new long[] {3}, C, C, C);
        String halfC = w.floatScalar("const_half", 0.5f), oneF = w.floatScalar("const_one", 1f);
        String geluC = w.floatScalar("const_gelu_c", 0.044715f);
        String geluS = w.floatScalar("const_gelu_s", (float) Math.sqrt(2.0 / Math.PI));

        // weights: token table without its padding rows, linear weights as [in, out] (HF Conv1D layout)
        String wte = w.weight("wte.weight", new long[] {V, C}, p, model.wte, V * C, half);
        String wpe = w.weight("wpe.weight", new long[] {c.context(), C}, p, model.wpe, c.context() * C, half);

        // embeddings: x[B,S,C] = wte[input_ids] + wpe[position_ids]
        String x = w.op("Add", new String[] {
            w.op("Gather", new String[] {wte, "input_ids"}, Attr.i("axis", 0)),
            w.op("Gather", new String[] {wpe, "position_ids"}, Attr.i("axis", 0))
        });

        for (int l = 0; l < L; l++) {
            String h = "h." + l + ".";
            // attention branch
            String ln1 = layerNorm(w, x, p, model.ln1w[l], model.ln1b[l], h + "ln_1", C, half);
            String qkv = linear(w, ln1, p, model.qkvw[l], model.qkvb[l], h + "attn.c_attn", C, 3 * C, half); // [B,S,3C]
            String q = "q_" + l, k = "k_" + l, v = "v_" + l;
            w.opNamed("Split", new String[] {qkv, split3}, new String[] {q, k, v}, Attr.i("axis", 2));
            String y = io.attention(l, heads(w, q, headShape), heads(w, k, headShape), heads(w, v, headShape), NH);
            x = w.op("Add", new String[] {
                x, linear(w, y, p, model.attprojw[l], model.attprojb[l], h + "attn.c_proj", C, C, half)
            });
            // MLP branch
            String ln2 = layerNorm(w, x, p, model.ln2w[l], model.ln2b[l], h + "ln_2", C, half);
            String f = linear(w, ln2, p, model.fcw[l], model.fcb[l], h + "mlp.c_fc", C, 4 * C, half);
            String cube = w.op("Mul", new String[] {f, w.op("Mul", new String[] {f, f})});
            String inner = w.op("Mul", new String[] {
                geluS, w.op("Add", new String[] {f, w.op("Mul", new String[] {geluC, cube})})
            });
            String gelu = w.op("Mul", new String[] {
                w.op("Mul", new String[] {halfC, f}),
                w.op("Add", new String[] {oneF, w.op("Tanh", new String[] {inner})})
            });
            x = w.op("Add", new String[] {
                x, linear(w, gelu, p, model.fcprojw[l], model.fcprojb[l], h + "mlp.c_proj", 4 * C, C, half)
            });
        }
        String lnf = layerNorm(w, x, p, model.lnfw, model.lnfb, "ln_f", C, half);
        String wteT = w.op("Transpose", new String[] {wte}, Attr.ints("perm", 1, 0)); // tied head [C,V]
        w.opNamed("MatMul", new String[] {lnf, wteT}, new String[] {io.logits()});
        io.finish();
        return w;
    }

    private static String layerNorm(
            OnnxWriter w, String x, float[] p, int wOff, int bOff, String name, int C, boolean half) {
        String g = w.weight(name + ".weight", new long[] {C}, p, wOff, C, half);
        String b = w.weight(name + ".bias", new long[] {C}, p, bOff, C, half);
        return w.op("LayerNormalization", new String[] {x, g, b}, Attr.i("axis", -1), Attr.f("epsilon", Layers.LN_EPS));
    }

    /** x[..., in] · W + b with W stored [in, out]; our in-memory weight is [out, in]. */
    private static String linear(
            OnnxWriter w, String x, float[] p, int wOff, int bOff, String name, int in, int out, boolean half) {
        String weight =
                w.weight(name + ".weight", new long[] {in, out}, transposed(p, wOff, in, out), 0, in * out, half);
        String bias = w.weight(name + ".bias", new long[] {out}, p, bOff, out, half);
        return w.op("Add", new String[] {w.op("MatMul", new String[] {x, weight}), bias});
    }

    /** Our [out, in] weight as [in, out], built when written, one tensor at a time. */
    static java.util.function.Supplier<float[]> transposed(float[] p, int wOff, int in, int out) {
        return () -> {
            float[] t = new float[in * out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = p[wOff + o * in + i];
                }
            }
            return t;
        };
    }

    /** [B,S,C] → [B,NH,S,hs]. */
    static String heads(OnnxWriter w, String x, String headShape) {
        return w.op(
                "Transpose",
                new String[] {w.op("Reshape", new String[] {x, headShape})},
                Attr.ints("perm", 0, 2, 1, 3));
    }
}
