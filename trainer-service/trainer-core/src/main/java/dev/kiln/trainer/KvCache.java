package dev.kiln.trainer;

import java.util.Arrays;

/**
 * The keys and values a {@link TokenDecoder} has seen, [L, KV heads, maxT, hs], and the attention
 * of one new query over them. Shared by the GPT-2 and Llama decoders: with as many KV heads as
 * query heads (GPT-2) each query head reads its own cache head; with fewer (grouped-query) query
 * head h reads cache head h / (NH/NKV).
 */
final class KvCache {
    private final int kvHeads, maxT, hs;
    private final float[] keys, values;

    KvCache(int layers, int kvHeads, int maxT, int hs) {
        this.kvHeads = kvHeads;
        this.maxT = maxT;
        this.hs = hs;
        keys = new float[layers * maxT * kvHeads * hs];
        values = new float[layers * maxT * kvHeads * hs];
    }

    /** Stores position t's keys and values of layer l, each kvHeads·hs long, from qkv[kOff..], qkv[vOff..]. */
    void append(int l, int t, float[] qkv, int kOff, int vOff) {
        int layerBase = l * maxT * kvHeads * hs;
        for (int kvh = 0; kvh < kvHeads; kvh++) {
            int cache = layerBase + (kvh * maxT + t) * hs;
            System.arraycopy(qkv, kOff + kvh * hs, keys, cache, hs);
            System.arraycopy(qkv, vOff + kvh * hs, values, cache, hs);
        }
    }

    /** y[NH·hs] = causal softmax(q·kᵀ/sqrt(hs))·v over positions 0..t of layer l; q is qkv[0..NH·hs]. */
    void attend(ThreadPool pool, int l, int t, float[] qkv, int nHead, float[] y) {
        int layerBase = l * maxT * kvHeads * hs;
        int group = nHead / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(hs));
        pool.parallelFor(nHead, (h0, h1) -> {
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
    }
}
