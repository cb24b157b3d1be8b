package dev.kiln.trainer;

import java.util.Arrays;

/**
 * The Llama {@link TokenDecoder}: keys are cached after RoPE (as Hugging Face and the ONNX
 * export's present.N.key hold them), NKV heads per layer; query head h reads cache head
 * h / (NH/NKV).
 */
public final class LlamaKvCacheDecoder implements TokenDecoder {
    private final LlamaModel m;
    private final LlamaConfig c;
    private final float[] keys, values; // [L, NKV, maxT, hs]
    private final float[] x, h, qkv, y, gateUp, swiglu, logits, stat;
    private int pos;

    LlamaKvCacheDecoder(LlamaModel model) {
        this.m = model;
        this.c = model.config;
        int L = c.nLayer(), C = c.nEmbd(), maxT = c.context(), kv = c.nKvHead() * c.headDim();
        keys = new float[L * maxT * kv];
        values = new float[L * maxT * kv];
        x = new float[C];
        h = new float[C];
        qkv = new float[c.qkvSize()];
        y = new float[C];
        gateUp = new float[2 * c.intermediateSize()];
        swiglu = new float[c.intermediateSize()];
        logits = new float[c.paddedVocab()];
        stat = new float[1];
    }

    @Override
    public int position() {
        return pos;
    }

    @Override
    public void reset() {
        pos = 0;
    }

    @Override
    public float[] step(int token) {
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), NKV = c.nKvHead(), hs = c.headDim(), maxT = c.context();
        int I = c.intermediateSize(), QKV = c.qkvSize(), half = hs / 2, group = NH / NKV;
        if (pos >= maxT) {
            throw new IllegalStateException("context of " + maxT + " tokens is full");
        }
        if (token < 0 || token >= c.vocab()) {
            throw new IllegalArgumentException("token " + token + " outside vocab " + c.vocab());
        }
        ThreadPool pool = m.pool;
        float[] p = m.params;
        float eps = c.normEps();
        System.arraycopy(p, m.embed + token * C, x, 0, C);
        float scale = (float) (1.0 / Math.sqrt(hs));
        final int t = pos;
        for (int l = 0; l < L; l++) {
            LlamaLayers.rmsnormForward(pool, h, 0, stat, 0, x, 0, p, m.attnNorm[l], eps, 1, C);
            Layers.matmulForward(pool, qkv, 0, h, 0, p, m.qkvw[l], -1, 1, C, QKV);
            for (int hd = 0; hd < NH + NKV; hd++) {
                LlamaLayers.rotate(qkv, hd * hs, half, m.ropeCos, m.ropeSin, t * half, 1f);
            }
            int layerBase = l * maxT * NKV * hs;
            for (int kvh = 0; kvh < NKV; kvh++) {
                int cache = layerBase + (kvh * maxT + t) * hs;
                System.arraycopy(qkv, C + kvh * hs, keys, cache, hs);
                System.arraycopy(qkv, C + (NKV + kvh) * hs, values, cache, hs);
            }
            pool.parallelFor(NH, (h0, h1) -> {
                float[] att = new float[t + 1];
                for (int hd = h0; hd < h1; hd++) {
                    int headBase = layerBase + (hd / group) * maxT * hs;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int t2 = 0; t2 <= t; t2++) {
                        att[t2] = Vec.dot(qkv, hd * hs, keys, headBase + t2 * hs, hs) * scale;
                        max = Math.max(max, att[t2]);
                    }
                    float sum = 0f;
                    for (int t2 = 0; t2 <= t; t2++) {
                        att[t2] = (float) Math.exp(att[t2] - max);
                        sum += att[t2];
                    }
                    float inv = 1f / sum;
                    Arrays.fill(y, hd * hs, hd * hs + hs, 0f);
                    for (int t2 = 0; t2 <= t; t2++) {
                        Vec.axpy(att[t2] * inv, values, headBase + t2 * hs, y, hd * hs, hs);
                    }
                }
            });
            Layers.matmulForward(pool, h, 0, y, 0, p, m.ow[l], -1, 1, C, C);
            for (int i = 0; i < C; i++) {
                x[i] += h[i];
            }
            LlamaLayers.rmsnormForward(pool, h, 0, stat, 0, x, 0, p, m.mlpNorm[l], eps, 1, C);
            Layers.matmulForward(pool, gateUp, 0, h, 0, p, m.gateUpW[l], -1, 1, C, 2 * I);
            LlamaLayers.swigluForward(pool, swiglu, 0, gateUp, 0, 1, I);
            Layers.matmulForward(pool, h, 0, swiglu, 0, p, m.downW[l], -1, 1, I, C);
            for (int i = 0; i < C; i++) {
                x[i] += h[i];
            }
        }
        LlamaLayers.rmsnormForward(pool, h, 0, stat, 0, x, 0, p, m.normf, eps, 1, C);
        Layers.matmulForward(pool, logits, 0, h, 0, p, m.lmHead, -1, 1, C, c.paddedVocab());
        pos++;
        return Arrays.copyOf(logits, c.vocab());
    }
}
