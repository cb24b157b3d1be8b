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
    private final KvCache cache;
    private final float[] x, h, qkv, y, gateUp, swiglu, logits, stat;
    private int pos;

    LlamaKvCacheDecoder(LlamaModel model) {
        this.m = model;
        this.c = model.config;
        int L = c.nLayer(), C = c.nEmbd(), maxT = c.context();
        cache = new KvCache(L, c.nKvHead(), maxT, c.headDim());
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
        int I = c.intermediateSize(), QKV = c.qkvSize(), half = hs / 2;
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
        final int t = pos;
        for (int l = 0; l < L; l++) {
            LlamaLayers.rmsnormForward(pool, h, 0, stat, 0, x, 0, p, m.attnNorm[l], eps, 1, C);
            Layers.matmulForwardRows(pool, qkv, 0, h, 0, p, m.qkvw[l], -1, 1, C, QKV);
            for (int hd = 0; hd < NH + NKV; hd++) {
                LlamaLayers.rotate(qkv, hd * hs, half, m.ropeCos, m.ropeSin, t * half, 1f);
            }
            cache.append(l, t, qkv, C, C + NKV * hs);
            cache.attend(pool, l, t, qkv, NH, y);
            Layers.matmulForwardRows(pool, h, 0, y, 0, p, m.ow[l], -1, 1, C, C);
            for (int i = 0; i < C; i++) {
                x[i] += h[i];
            }
            LlamaLayers.rmsnormForward(pool, h, 0, stat, 0, x, 0, p, m.mlpNorm[l], eps, 1, C);
            Layers.matmulForwardRows(pool, gateUp, 0, h, 0, p, m.gateUpW[l], -1, 1, C, 2 * I);
            LlamaLayers.swigluForward(pool, swiglu, 0, gateUp, 0, 1, I);
            Layers.matmulForwardRows(pool, h, 0, swiglu, 0, p, m.downW[l], -1, 1, I, C);
            for (int i = 0; i < C; i++) {
                x[i] += h[i];
            }
        }
        LlamaLayers.rmsnormForward(pool, h, 0, stat, 0, x, 0, p, m.normf, eps, 1, C);
        Layers.matmulForwardRows(pool, logits, 0, h, 0, p, m.lmHead, -1, 1, C, c.paddedVocab());
        pos++;
        return Arrays.copyOf(logits, c.vocab());
    }
}
