package dev.kiln.trainer.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.numerics.Half;
import dev.kiln.trainer.LlamaConfig;
import dev.kiln.trainer.LlamaModel;
import dev.kiln.trainer.OnnxExporter;
import dev.kiln.trainer.ParamTensor;
import dev.kiln.trainer.Rng;
import dev.kiln.trainer.ThreadPool;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Max |ORT − Java| logits of an exported Llama bundle (external data), fp32 and fp16: a prompt
 * prefilled in one call, then steps with the cache. Run with {@code bench/llama-export.sh}.
 */
public final class LlamaExportParity {
    public static void main(String[] a) throws Exception {
        ThreadPool pool = new ThreadPool(1);
        LlamaConfig cfg = new LlamaConfig(4, 8, 2, 128, 352, 64, 4096, 4096, 500_000f, 1e-5f, false);
        LlamaModel m = LlamaModel.create(cfg, pool, 1);
        Rng r = new Rng(2);
        for (ParamTensor t : m.tensors())
            for (int i = 0; i < t.size(); i++) m.params[t.offset() + i] += (float) (r.nextGaussian() * 0.05);
        int[] toks = new int[40];
        for (int i = 0; i < toks.length; i++) toks[i] = r.nextInt(cfg.vocab());
        float[][] ref = m.forwardLogits(toks);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (var prec : OnnxExporter.Precision.values()) {
            Path dir = Files.createTempDirectory("m");
            OnnxExporter.exportBundle(
                    m,
                    dir,
                    -1,
                    0,
                    OnnxExporter.GenerationDefaults.DEFAULT,
                    new OnnxExporter.ExportOptions(prec, 0),
                    null);
            long bytes = Files.size(dir.resolve("model.onnx")) + Files.size(dir.resolve("model.onnx_data"));
            boolean half = prec == OnnxExporter.Precision.FLOAT16;
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(dir.resolve("model.onnx").toString(), o)) {
                float worstPrefill = 0, worstCached = 0, maxAbs = 0;
                Map<String, OnnxTensor> past = new HashMap<>();
                int pastLen = 0;
                int[][] chunks = {{0, 32}, {32, 33}, {33, 34}, {34, 40}};
                for (int[] c : chunks) {
                    int S = c[1] - c[0];
                    Map<String, OnnxTensor> in = new HashMap<>();
                    long[] ids = new long[S], pos = new long[S], mask = new long[c[1]];
                    for (int i = 0; i < S; i++) {
                        ids[i] = toks[c[0] + i];
                        pos[i] = c[0] + i;
                    }
                    Arrays.fill(mask, 1);
                    in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, S}));
                    in.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[] {1, S}));
                    in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, c[1]}));
                    for (int l = 0; l < cfg.nLayer(); l++)
                        for (String kv : new String[] {"key", "value"}) {
                            String n = "past_key_values." + l + "." + kv;
                            in.put(
                                    n,
                                    past.containsKey(n)
                                            ? past.get(n)
                                            : half
                                                    ? OnnxTensor.createTensor(
                                                            env,
                                                            ShortBuffer.allocate(0),
                                                            new long[] {1, cfg.nKvHead(), 0, cfg.headDim()},
                                                            OnnxJavaType.FLOAT16)
                                                    : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {
                                                        1, cfg.nKvHead(), 0, cfg.headDim()
                                                    }));
                        }
                    OrtSession.Result res = s.run(in);
                    OnnxTensor lg = (OnnxTensor) res.get("logits").get();
                    float[] flat = new float[S * cfg.vocab()];
                    if (half) {
                        ShortBuffer sb = lg.getShortBuffer();
                        for (int i = 0; i < flat.length; i++) flat[i] = Half.toFloat(sb.get(i));
                    } else lg.getFloatBuffer().get(flat);
                    for (int i = 0; i < S; i++)
                        for (int v = 0; v < cfg.vocab(); v++) {
                            float d = Math.abs(flat[i * cfg.vocab() + v] - ref[c[0] + i][v]);
                            maxAbs = Math.max(maxAbs, Math.abs(ref[c[0] + i][v]));
                            if (c[0] == 0) worstPrefill = Math.max(worstPrefill, d);
                            else worstCached = Math.max(worstCached, d);
                        }
                    past.clear();
                    for (int l = 0; l < cfg.nLayer(); l++)
                        for (String kv : new String[] {"key", "value"})
                            past.put("past_key_values." + l + "." + kv, (OnnxTensor)
                                    res.get("present." + l + "." + kv).get());
                }
                System.out.printf(
                        "%s: bundle %.2f MB, max |logit| %.2f, max |ORT - Java| prefill %.2e, with past %.2e%n",
                        prec, bytes / 1e6, maxAbs, worstPrefill, worstCached);
            }
        }
        pool.close();
    }
}
