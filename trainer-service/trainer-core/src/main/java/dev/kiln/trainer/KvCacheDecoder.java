package dev.kiln.trainer;

import java.util.Arrays;

/**
 * The GPT-2 {@link TokenDecoder}. This is the reference the ONNX export is tested against, step
 * by step.
 */
public final class KvCacheDecoder implements TokenDecoder {
    private final GptModel m;
    private final GptConfig c;
    private final KvCache cache;
    private final float[] x, h, qkv, y, fch, fchGelu, logits, stat1, stat2;
    private int pos;

    KvCacheDecoder(GptModel model) {
        this.m = model;
        this.c = model.config;
        int L = c.nLayer(), C = c.nEmbd(), maxT = c.context();
        cache = new KvCache(L, c.nHead(), maxT, c.headDim());
        x = new float[C];
        h = new float[C];
        qkv = new float[3 * C];
        y = new float[C];
        fch = new float[4 * C];
        fchGelu = new float[4 * C];
        logits = new float[c.paddedVocab()];
        stat1 = new float[1];
        stat2 = new float[1];
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
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), maxT = c.context();
        if (pos >= maxT) {
            throw new IllegalStateException("context of " + maxT + " tokens is full");
        }
        if (token < 0 || token >= c.vocab()) {
            throw new IllegalArgumentException("token " + token + " outside vocab " + c.vocab());
        }
        ThreadPool pool = m.pool;
        float[] p = m.params;
        for (int i = 0; i < C; i++) {
            x[i] = p[m.wte + token * C + i] + p[m.wpe + pos * C + i];
        }
        final int t = pos;
        for (int l = 0; l < L; l++) {
            Layers.layernormForward(pool, h, 0, stat1, stat2, 0, x, 0, p, m.ln1w[l], m.ln1b[l], 1, C);
            Layers.matmulForwardRows(pool, qkv, 0, h, 0, p, m.qkvw[l], m.qkvb[l], 1, C, 3 * C);
            cache.append(l, t, qkv, C, 2 * C);
            cache.attend(pool, l, t, qkv, NH, y);
            Layers.matmulForwardRows(pool, h, 0, y, 0, p, m.attprojw[l], m.attprojb[l], 1, C, C);
            for (int i = 0; i < C; i++) {
                x[i] += h[i];
            }
            Layers.layernormForward(pool, h, 0, stat1, stat2, 0, x, 0, p, m.ln2w[l], m.ln2b[l], 1, C);
            Layers.matmulForwardRows(pool, fch, 0, h, 0, p, m.fcw[l], m.fcb[l], 1, C, 4 * C);
            Layers.geluForward(pool, fchGelu, 0, fch, 0, 4 * C);
            Layers.matmulForwardRows(pool, h, 0, fchGelu, 0, p, m.fcprojw[l], m.fcprojb[l], 1, 4 * C, C);
            for (int i = 0; i < C; i++) {
                x[i] += h[i];
            }
        }
        Layers.layernormForward(pool, h, 0, stat1, stat2, 0, x, 0, p, m.lnfw, m.lnfb, 1, C);
        Layers.matmulForwardRows(pool, logits, 0, h, 0, p, m.wte, -1, 1, C, c.paddedVocab());
        pos++;
        return Arrays.copyOf(logits, c.vocab());
    }
}
