package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported model.onnx, run by ONNX Runtime, against the Java forward and KV-cache decoder. */
class OnnxExportTest {
    /** Integers as Long, as the assertions are written. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    static final float TOL = 1e-4f;
    static ThreadPool pool;
    static GptModel model;
    static OrtEnvironment env;
    static OrtSession session;
    static GptConfig cfg;

    @BeforeAll
    static void setUp() throws Exception {
        pool = new ThreadPool(2);
        cfg = GptConfig.of(2, 4, 32, 24, 97); // padded vocab 128 > 97: the export must drop padding
        model = GptModel.create(cfg, pool, 21);
        // perturb all parameters so biases and LayerNorms are not at their trivial init
        Rng r = new Rng(22);
        for (ParamTensor t : model.tensors()) {
            int real = t.name().equals("wte.weight") ? cfg.vocab() * cfg.nEmbd() : t.size();
            for (int i = 0; i < real; i++) {
                model.params[t.offset() + i] += (float) (r.nextGaussian() * 0.1);
            }
        }
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        // what the gateway runs: every graph optimisation (LayerNorm/GELU fusions etc.) enabled
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(OnnxExporter.toOnnx(model), opts);
    }

    @AfterAll
    static void tearDown() throws Exception {
        session.close();
        pool.close();
    }

    /** One ORT call; returns logits [B][S][V] and fills presentOut with the new cache. */
    static float[][][] run(
            long[][] ids,
            long[][] mask,
            long[][] pos,
            Map<String, float[]> past,
            int pastLen,
            Map<String, float[]> presentOut)
            throws Exception {
        int B = ids.length, S = ids[0].length, NH = cfg.nHead(), hs = cfg.headDim(), V = cfg.vocab();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", longs(ids));
            in.put("attention_mask", longs(mask));
            in.put("position_ids", longs(pos));
            for (int l = 0; l < cfg.nLayer(); l++) {
                for (String kv : new String[] {"key", "value"}) {
                    float[] data = past == null ? new float[0] : past.get(l + "." + kv);
                    in.put(
                            "past_key_values." + l + "." + kv,
                            OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {B, NH, pastLen, hs}));
                }
            }
            try (OrtSession.Result res = session.run(in)) {
                OnnxTensor logits = (OnnxTensor) res.get("logits").orElseThrow();
                assertThat(logits.getInfo().getShape()).containsExactly(B, S, V);
                FloatBuffer fb = logits.getFloatBuffer();
                float[][][] out = new float[B][S][V];
                for (int b = 0; b < B; b++) {
                    for (int s = 0; s < S; s++) {
                        fb.get(out[b][s]);
                    }
                }
                for (int l = 0; l < cfg.nLayer(); l++) {
                    for (String kv : new String[] {"key", "value"}) {
                        OnnxTensor t =
                                (OnnxTensor) res.get("present." + l + "." + kv).orElseThrow();
                        assertThat(t.getInfo().getShape()).containsExactly(B, NH, pastLen + S, hs);
                        FloatBuffer tb = t.getFloatBuffer();
                        float[] a = new float[tb.remaining()];
                        tb.get(a);
                        presentOut.put(l + "." + kv, a);
                    }
                }
                return out;
            }
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    static OnnxTensor longs(long[][] a) throws Exception {
        int B = a.length, S = a[0].length;
        long[] flat = new long[B * S];
        for (int b = 0; b < B; b++) {
            System.arraycopy(a[b], 0, flat, b * S, S);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {B, S});
    }

    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        float maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
        }
        assertThat(maxDiff).isLessThan(TOL);
    }

    static long[] range(int from, int to) {
        long[] r = new long[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static long[] ones(int n) {
        long[] r = new long[n];
        java.util.Arrays.fill(r, 1);
        return r;
    }

    static int[] tokens(long seed, int n) {
        return TrainingTest.randomTokens(seed, n, cfg.vocab());
    }

    @Test
    void graphDeclaresTheOptimumInterfaceWithDynamicDims() throws Exception {
        Map<String, NodeInfo> ins = session.getInputInfo();
        assertThat(ins.keySet())
                .contains(
                        "input_ids",
                        "attention_mask",
                        "position_ids",
                        "past_key_values.0.key",
                        "past_key_values.1.value");
        long[] pastShape = ((TensorInfo) ins.get("past_key_values.0.key").getInfo()).getShape();
        assertThat(pastShape).containsExactly(-1, cfg.nHead(), -1, cfg.headDim());
        long[] logits = ((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape();
        assertThat(logits).containsExactly(-1, -1, cfg.vocab());
        assertThat(session.getOutputInfo().keySet()).contains("present.0.key", "present.1.value");
    }

    @Test
    void wholeSequenceMatchesJavaForward() throws Exception {
        int[] seq = tokens(31, 20);
        float[][] expected = model.forwardLogits(seq);
        long[] ids = new long[seq.length];
        for (int i = 0; i < seq.length; i++) {
            ids[i] = seq[i];
        }
        float[][][] got =
                run(new long[][] {ids}, new long[][] {ones(20)}, new long[][] {range(0, 20)}, null, 0, new HashMap<>());
        for (int t = 0; t < 20; t++) {
            assertClose(got[0][t], expected[t]);
        }
    }

    @Test
    void stepByStepWithKvCacheMatchesJavaDecoder() throws Exception {
        int[] seq = tokens(32, 12);
        KvCacheDecoder dec = model.decoder();
        float[] expected = dec.prefill(java.util.Arrays.copyOf(seq, 5));
        Map<String, float[]> cache = new HashMap<>();
        long[] prompt = new long[5];
        for (int i = 0; i < 5; i++) {
            prompt[i] = seq[i];
        }
        float[][][] got =
                run(new long[][] {prompt}, new long[][] {ones(5)}, new long[][] {range(0, 5)}, null, 0, cache);
        assertClose(got[0][4], expected);
        for (int t = 5; t < seq.length; t++) {
            expected = dec.step(seq[t]);
            Map<String, float[]> next = new HashMap<>();
            got = run(new long[][] {{seq[t]}}, new long[][] {ones(t + 1)}, new long[][] {{t}}, cache, t, next);
            assertClose(got[0][0], expected);
            cache = next;
        }
    }

    @Test
    void batchOfTwoWithLeftPaddingMatchesEachSequenceAlone() throws Exception {
        int[] a = tokens(33, 7), b = tokens(34, 4);
        int pad = 3;
        long[][] ids = new long[2][7], mask = new long[2][7], pos = new long[2][7];
        for (int i = 0; i < 7; i++) {
            ids[0][i] = a[i];
            mask[0][i] = 1;
            pos[0][i] = i;
            boolean real = i >= pad;
            ids[1][i] = real ? b[i - pad] : 0; // any id works under the mask
            mask[1][i] = real ? 1 : 0;
            pos[1][i] = real ? i - pad : 1; // HF fills padded positions with 1
        }
        KvCacheDecoder decA = model.decoder(), decB = model.decoder();
        float[][] fullA = model.forwardLogits(a), fullB = model.forwardLogits(b);
        Map<String, float[]> cache = new HashMap<>();
        float[][][] got = run(ids, mask, pos, null, 0, cache);
        for (int t = 0; t < 7; t++) {
            assertClose(got[0][t], fullA[t]);
        }
        for (int t = 0; t < 4; t++) {
            assertClose(got[1][pad + t], fullB[t]);
        }
        decA.prefill(a);
        decB.prefill(b);
        // three more tokens per row, one ORT call per step for the whole batch
        int[] nextA = {5, 6, 7}, nextB = {8, 9, 10};
        for (int s = 0; s < 3; s++) {
            int total = 7 + s + 1;
            long[][] m = new long[2][total];
            for (int i = 0; i < total; i++) {
                m[0][i] = 1;
                m[1][i] = i < pad ? 0 : 1;
            }
            Map<String, float[]> next = new HashMap<>();
            got = run(new long[][] {{nextA[s]}, {nextB[s]}}, m, new long[][] {{7 + s}, {4 + s}}, cache, 7 + s, next);
            assertClose(got[0][0], decA.step(nextA[s]));
            assertClose(got[1][0], decB.step(nextB[s]));
            cache = next;
        }
    }

    @Test
    void bundleHasConfigAndGenerationConfigAndExtraFiles(@TempDir Path dir) throws Exception {
        OnnxExporter.exportBundle(
                model,
                dir,
                1,
                2,
                OnnxExporter.GenerationDefaults.DEFAULT,
                d -> Files.writeString(d.resolve("tokenizer.json"), "{}"));
        assertThat(dir.resolve("model.onnx")).exists();
        assertThat(dir.resolve("tokenizer.json")).hasContent("{}");
        LanguageModel reference = Checkpoint.loadWeights(dir.resolve("model.safetensors"), pool);
        assertThat(reference.params()).isEqualTo(model.params);
        @SuppressWarnings("unchecked")
        Map<String, Object> config =
                (Map<String, Object>) JSON.readValue(Files.readString(dir.resolve("config.json")), Map.class);
        assertThat(config)
                .containsEntry("model_type", "gpt2")
                .containsEntry("vocab_size", 97L)
                .containsEntry("n_layer", 2L)
                .containsEntry("n_head", 4L)
                .containsEntry("n_kv_head", 4L)
                .containsEntry("n_embd", 32L)
                .containsEntry("n_positions", 24L)
                .containsEntry("bos_token_id", 1L)
                .containsEntry("eos_token_id", 2L);
        @SuppressWarnings("unchecked")
        Map<String, Object> gen = (Map<String, Object>)
                JSON.readValue(Files.readString(dir.resolve("generation_config.json")), Map.class);
        assertThat(gen).containsEntry("eos_token_id", 2L).containsEntry("top_k", 40L);
        try (OrtSession s = env.createSession(dir.resolve("model.onnx").toString(), new OrtSession.SessionOptions())) {
            assertThat(s.getInputNames()).contains("input_ids");
        }
    }
}
