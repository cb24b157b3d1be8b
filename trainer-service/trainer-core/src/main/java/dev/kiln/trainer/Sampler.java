package dev.kiln.trainer;

import java.util.Arrays;

/** Next-token sampling for live samples: temperature (0 = greedy) and top-k, seeded. */
public final class Sampler {
    private Sampler() {}

    /** Picks a token from logits[V]. topK <= 0 means the whole vocabulary. */
    public static int sample(float[] logits, float temperature, int topK, Rng rng) {
        int V = logits.length;
        if (temperature <= 0f) {
            int best = 0;
            for (int i = 1; i < V; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
        float cutoff = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < V) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[V - topK];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] w = new double[V];
        double sum = 0;
        for (int i = 0; i < V; i++) {
            if (logits[i] >= cutoff) {
                w[i] = Math.exp((logits[i] - max) / temperature);
                sum += w[i];
            }
        }
        double u = rng.nextDouble() * sum;
        int last = 0;
        for (int i = 0; i < V; i++) {
            if (w[i] > 0) {
                last = i;
                u -= w[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    /**
     * Continues prompt by up to maxNew tokens with the KV cache (stopping at stopToken if >= 0
     * or at the end of the context). Returns only the new tokens.
     */
    public static int[] generate(
            LanguageModel model, int[] prompt, int maxNew, float temperature, int topK, long seed, int stopToken) {
        TokenDecoder dec = model.decoder();
        Rng rng = new Rng(seed);
        float[] logits = dec.prefill(prompt);
        int[] out = new int[maxNew];
        int n = 0;
        while (n < maxNew) {
            int next = sample(logits, temperature, topK, rng);
            out[n++] = next;
            if (next == stopToken || dec.position() >= model.config().context()) {
                break;
            }
            logits = dec.step(next);
        }
        return Arrays.copyOf(out, n);
    }
}
