package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.numerics.Half;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama bundles run by ONNX Runtime against the Java forward: fp32 within 1e-4, with and without
 * past key/values; fp16 within 3e-2 (the weights and cache rounded to 11 significant bits);
 * external data (model.onnx + model.onnx_data) loaded by ORT from the bundle directory.
 */
class LlamaOnnxExportTest {
    static final float TOL = 1e-4f;
    /** fp16 rounds each weight and cached key/value to a relative 2^-11; logits here are O(1). */
    static final float FP16_TOL = 3e-2f;

    static ThreadPool pool;
    static OrtEnvironment env;
    /** Grouped-query (4 query heads on 2 key/value heads), untied head, vocab 97 padded to 128. */
    static final LlamaConfig CFG = new LlamaConfig(2, 4, 2, 32, 48, 24, 97, 128, 10_000f, 1e-5f, false);

    static LlamaModel model;

    @BeforeAll
    static void setUp() {
        pool = new ThreadPool(2);
        env = OrtEnvironment.getEnvironment();
        model = perturbed(CFG, 31);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    /** Norm gains off 1 and weights larger than the init, so every path carries signal. */
    static LlamaModel perturbed(LlamaConfig cfg, long seed) {
        LlamaModel m = LlamaModel.create(cfg, pool, seed);
        Rng r = new Rng(seed + 1);
        for (ParamTensor t : m.tensors()) {
            int real = t.vocabRows() ? cfg.vocab() * cfg.nEmbd() : t.size();
            for (int i = 0; i < real; i++) {
                m.params[t.offset() + i] += (float) (r.nextGaussian() * 0.1);
            }
        }
        return m;
    }

    static OrtSession session(byte[] onnx) throws Exception {
        return env.createSession(onnx, options());
    }

    static OrtSession session(Path file) throws Exception {
        return env.createSession(file.toString(), options());
    }

    static OrtSession.SessionOptions options() throws Exception {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT); // as the gateway runs it
        return opts;
    }

    /** One ORT call over ids[B][S] after pastLen cached positions; returns logits [B][S][V], fills present. */
    static float[][][] run(
            OrtSession s,
            TransformerConfig cfg,
            boolean half,
            long[][] ids,
            Map<String, float[]> past,
            int pastLen,
            Map<String, float[]> present)
            throws Exception {
        int B = ids.length, S = ids[0].length, NKV = cfg.nKvHead(), hs = cfg.headDim(), V = cfg.vocab();
        long[][] mask = new long[B][pastLen + S], pos = new long[B][S];
        for (int b = 0; b < B; b++) {
            Arrays.fill(mask[b], 1);
            for (int i = 0; i < S; i++) {
                pos[b][i] = pastLen + i;
            }
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", longs(ids));
            in.put("attention_mask", longs(mask));
            in.put("position_ids", longs(pos));
            if (s.getInputNames().contains(OnnxExporter.USE_CACHE_BRANCH)) {
                // as Optimum's runtime feeds a merged decoder: the first-step branch while nothing is cached
                in.put(OnnxExporter.USE_CACHE_BRANCH, OnnxTensor.createTensor(env, new boolean[] {pastLen > 0}));
            }
            for (int l = 0; l < cfg.nLayer(); l++) {
                for (String kv : new String[] {"key", "value"}) {
                    float[] data = past == null ? new float[0] : past.get(l + "." + kv);
                    long[] shape = {B, NKV, pastLen, hs};
                    in.put(
                            "past_key_values." + l + "." + kv,
                            half ? halfTensor(data, shape) : floatTensor(data, shape));
                }
            }
            try (OrtSession.Result res = s.run(in)) {
                OnnxTensor logits = (OnnxTensor) res.get("logits").orElseThrow();
                assertThat(logits.getInfo().getShape()).containsExactly(B, S, V);
                float[] flat = floats(logits, half);
                float[][][] out = new float[B][S][V];
                for (int b = 0; b < B; b++) {
                    for (int t = 0; t < S; t++) {
                        System.arraycopy(flat, (b * S + t) * V, out[b][t], 0, V);
                    }
                }
                for (int l = 0; l < cfg.nLayer(); l++) {
                    for (String kv : new String[] {"key", "value"}) {
                        OnnxTensor t =
                                (OnnxTensor) res.get("present." + l + "." + kv).orElseThrow();
                        assertThat(t.getInfo().getShape()).containsExactly(B, NKV, pastLen + S, hs);
                        present.put(l + "." + kv, floats(t, half));
                    }
                }
                return out;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    static float[] floats(OnnxTensor t, boolean half) {
        if (!half) {
            FloatBuffer fb = t.getFloatBuffer();
            float[] a = new float[fb.remaining()];
            fb.get(a);
            return a;
        }
        assertThat(t.getInfo().type).isEqualTo(OnnxJavaType.FLOAT16);
        ShortBuffer sb = t.getShortBuffer();
        float[] a = new float[sb.remaining()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Half.toFloat(sb.get(i));
        }
        return a;
    }

    static OnnxTensor floatTensor(float[] data, long[] shape) throws Exception {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    static OnnxTensor halfTensor(float[] data, long[] shape) throws Exception {
        ByteBuffer bb = ByteBuffer.allocateDirect(Math.max(2, 2 * data.length)).order(ByteOrder.nativeOrder());
        for (float f : data) {
            bb.putShort(Half.fromFloat(f));
        }
        bb.rewind();
        return OnnxTensor.createTensor(env, bb.asShortBuffer().limit(data.length), shape, OnnxJavaType.FLOAT16);
    }

    static OnnxTensor longs(long[][] a) throws Exception {
        int B = a.length, S = a[0].length;
        long[] flat = new long[B * S];
        for (int b = 0; b < B; b++) {
            System.arraycopy(a[b], 0, flat, b * S, S);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {B, S});
    }

    static float maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static final int[][] SEQS = {{5, 96, 0, 17, 17, 3, 44, 81, 2, 60}, {1, 2, 3, 4, 90, 91, 92, 93, 7, 7}};

    /** Prefill 6 tokens, then 3 with the cache, then 1: every position against the Java forward. */
    static float checkAgainstJava(OrtSession s, LanguageModel m, boolean half) throws Exception {
        TransformerConfig cfg = m.config();
        float worst = 0;
        int[][] splits = {{0, 6}, {6, 9}, {9, 10}};
        Map<String, float[]> past = null;
        int pastLen = 0;
        float[][][] ort = new float[SEQS.length][SEQS[0].length][];
        for (int[] sp : splits) {
            long[][] ids = new long[SEQS.length][sp[1] - sp[0]];
            for (int b = 0; b < SEQS.length; b++) {
                for (int i = sp[0]; i < sp[1]; i++) {
                    ids[b][i - sp[0]] = SEQS[b][i];
                }
            }
            Map<String, float[]> present = new HashMap<>();
            float[][][] out = run(s, cfg, half, ids, past, pastLen, present);
            for (int b = 0; b < SEQS.length; b++) {
                for (int i = sp[0]; i < sp[1]; i++) {
                    ort[b][i] = out[b][i - sp[0]];
                }
            }
            past = present;
            pastLen = sp[1];
        }
        for (int b = 0; b < SEQS.length; b++) {
            float[][] expected = m.forwardLogits(SEQS[b]);
            for (int t = 0; t < SEQS[b].length; t++) {
                worst = Math.max(worst, maxDiff(ort[b][t], expected[t]));
            }
        }
        return worst;
    }

    @Test
    void fp32LogitsEqualTheJavaForwardWithAndWithoutPast() throws Exception {
        try (OrtSession s = session(OnnxExporter.toOnnx(model))) {
            assertThat(checkAgainstJava(s, model, false)).isLessThan(TOL);
        }
    }

    @Test
    void tiedMultiHeadModelToo() throws Exception {
        LlamaModel tied = perturbed(new LlamaConfig(1, 2, 2, 16, 40, 16, 97, 128, 500_000f, 1e-6f, true), 41);
        try (OrtSession s = session(OnnxExporter.toOnnx(tied))) {
            assertThat(checkAgainstJava(s, tied, false)).isLessThan(TOL);
        }
    }

    @Test
    void fp16BundleIsHalfTheSizeAndCloseToTheJavaForward(@TempDir Path dir) throws Exception {
        OnnxExporter.exportBundle(
                model,
                dir,
                -1,
                0,
                OnnxExporter.GenerationDefaults.DEFAULT,
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT16, Long.MAX_VALUE),
                null);
        assertThat(Files.size(dir.resolve("model.onnx"))).isLessThan(OnnxExporter.toOnnx(model).length * 6L / 10);
        try (OrtSession s = session(dir.resolve("model.onnx"))) {
            assertThat(s.getInputInfo().get("past_key_values.0.key").getInfo().toString())
                    .contains("FLOAT16");
            assertThat(checkAgainstJava(s, model, true)).isLessThan(FP16_TOL);
        }
        assertThat(new ObjectMapper()
                        .readTree(dir.resolve("config.json").toFile())
                        .get("torch_dtype")
                        .asText())
                .isEqualTo("float16");
    }

    @Test
    void externalDataBundleLoadsInOrtAndCarriesLlamaConfig(@TempDir Path dir) throws Exception {
        OnnxExporter.exportBundle(
                model,
                dir,
                -1,
                0,
                OnnxExporter.GenerationDefaults.DEFAULT,
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT32, 1024),
                null);
        long weightsBytes = 4L * CFG.realParameterCount();
        assertThat(Files.size(dir.resolve("model.onnx_data"))).isGreaterThanOrEqualTo(weightsBytes);
        assertThat(Files.size(dir.resolve("model.onnx"))).isLessThan(weightsBytes / 4);
        try (OrtSession s = session(dir.resolve("model.onnx"))) {
            assertThat(checkAgainstJava(s, model, false)).isLessThan(TOL);
        }
        var config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("llama");
        assertThat(config.get("hidden_size").asInt()).isEqualTo(32);
        assertThat(config.get("intermediate_size").asInt()).isEqualTo(48);
        assertThat(config.get("num_attention_heads").asInt()).isEqualTo(4);
        assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(2);
        assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(2);
        assertThat(config.get("rope_theta").asDouble()).isEqualTo(10_000.0);
        assertThat(config.get("rms_norm_eps").asDouble()).isCloseTo(1e-5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(config.get("tie_word_embeddings").asBoolean()).isFalse();
        assertThat(config.get("max_position_embeddings").asInt()).isEqualTo(24);
        assertThat(config.get("vocab_size").asInt()).isEqualTo(97);
        // the safetensors beside it hold HF LlamaForCausalLM names and reload to the same model
        LanguageModel back = Checkpoint.loadWeights(dir.resolve("model.safetensors"), pool);
        assertThat(back.config()).isEqualTo(CFG);
        assertThat(back.params()).isEqualTo(model.params);

        // re-exported small: the stale side file goes
        OnnxExporter.exportBundle(model, dir, -1, 0, OnnxExporter.GenerationDefaults.DEFAULT, null);
        assertThat(dir.resolve("model.onnx_data")).doesNotExist();
    }

    @Test
    void gpt2ExportsWithExternalDataToo(@TempDir Path dir) throws Exception {
        GptModel gpt = GptModel.create(GptConfig.of(2, 4, 32, 16, 97), pool, 5);
        OnnxExporter.exportBundle(
                gpt,
                dir,
                -1,
                0,
                OnnxExporter.GenerationDefaults.DEFAULT,
                new OnnxExporter.ExportOptions(OnnxExporter.Precision.FLOAT32, 0),
                null);
        assertThat(dir.resolve("model.onnx_data")).exists();
        int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6};
        float[][] expected = gpt.forwardLogits(tokens);
        try (OrtSession s = session(dir.resolve("model.onnx"))) {
            long[][] ids = {Arrays.stream(tokens).asLongStream().toArray()};
            long[][] mask = {new long[tokens.length]}, pos = {new long[tokens.length]};
            for (int i = 0; i < tokens.length; i++) {
                mask[0][i] = 1;
                pos[0][i] = i;
            }
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", longs(ids));
            in.put("attention_mask", longs(mask));
            in.put("position_ids", longs(pos));
            for (int l = 0; l < 2; l++) {
                in.put("past_key_values." + l + ".key", floatTensor(new float[0], new long[] {1, 4, 0, 8}));
                in.put("past_key_values." + l + ".value", floatTensor(new float[0], new long[] {1, 4, 0, 8}));
            }
            try (OrtSession.Result res = s.run(in)) {
                float[] flat = floats((OnnxTensor) res.get("logits").orElseThrow(), false);
                for (int t = 0; t < tokens.length; t++) {
                    assertThat(maxDiff(Arrays.copyOfRange(flat, t * 97, (t + 1) * 97), expected[t]))
                            .isLessThan(TOL);
                }
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }
}
