package dev.kiln.inference.sampling;

import java.util.Arrays;

/**
 * The sampler as it was before partial selection (a full sort of the vocabulary per token), kept
 * as the oracle {@link Sampler} must agree with and as the baseline of SamplerBench.
 *
 * <p>Chooses one request's next token from its logits. One instance per request (it holds the
 * request's random generator, the set of tokens seen so far and scratch space), used by one
 * thread at a time.
 *
 * <p>Order of operations, as in Hugging Face's generate: repetition penalty on every token of
 * prompt and output; then greedy argmax if temperature is 0; else temperature, softmax, top-k,
 * top-p, min-p, renormalise and draw with one uniform number by inverse CDF. Candidates are
 * visited in a fixed order (probability descending, ties by token id), so a seed always gives
 * the same token for the same logits.
 */
public final class ExactSortSampler {
    private final SamplingParams params;
    private final int vocab;
    private final SplitMix64 rng;
    private final boolean[] seen;
    private final int[] seenList;
    private int seenCount;
    private final float[] scratch;
    private long[] packed;

    public ExactSortSampler(SamplingParams params, int vocab) {
        this.params = params;
        this.vocab = vocab;
        this.rng = new SplitMix64(params.seed());
        boolean penalise = params.repetitionPenalty() != 1f;
        this.seen = penalise ? new boolean[vocab] : null;
        this.seenList = penalise ? new int[vocab] : null;
        this.scratch = new float[vocab];
    }

    /** Records a token of the prompt or the output for the repetition penalty. */
    public void observe(int token) {
        if (seen != null && token >= 0 && token < vocab && !seen[token]) {
            seen[token] = true;
            seenList[seenCount++] = token;
        }
    }

    public void observeAll(int[] tokens) {
        for (int t : tokens) {
            observe(t);
        }
    }

    /**
     * Picks the next token from {@code logits[offset .. offset + vocab)}; the array is not modified.
     */
    public int next(float[] logits, int offset) {
        float[] x = scratch;
        System.arraycopy(logits, offset, x, 0, vocab);
        if (seen != null) {
            float rp = params.repetitionPenalty();
            for (int i = 0; i < seenCount; i++) {
                int t = seenList[i];
                x[t] = x[t] > 0 ? x[t] / rp : x[t] * rp;
            }
        }
        if (params.isGreedy()) {
            return argmax(x, vocab);
        }
        float invT = 1f / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            float p = (float) Math.exp((x[i] - max) * invT);
            x[i] = p;
            sum += p;
        }
        // Candidates as (probability, id) packed so that a plain long sort orders them by
        // probability descending then id ascending: positive float bits sort like the floats.
        int n = candidates(x, (float) (1.0 / sum));
        double mass = 0;
        int keep = n;
        if (params.topP() < 1f) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += prob(packed[i]);
            }
            double target = params.topP() * total;
            for (int i = 0; i < n; i++) {
                mass += prob(packed[i]);
                if (mass >= target) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0f && keep > 0) {
            float threshold = params.minP() * prob(packed[0]);
            int k = 0;
            while (k < keep && prob(packed[k]) >= threshold) {
                k++;
            }
            keep = Math.max(1, k);
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += prob(packed[i]);
        }
        double u = rng.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += prob(packed[i]);
            if (u < acc) {
                return id(packed[i]);
            }
        }
        return id(packed[keep - 1]);
    }

    /** Fills {@link #packed} with the top-k (or all) tokens, sorted; returns how many. */
    private int candidates(float[] p, float norm) {
        if (packed == null) {
            packed = new long[vocab];
        }
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            float q = p[i] * norm;
            // ~bits makes larger probabilities sort first; the id breaks ties, smallest first.
            packed[n++] = ((long) ~Float.floatToRawIntBits(q) << 32) | (i & 0xFFFFFFFFL);
        }
        if (params.topK() > 0 && params.topK() < n) {
            // Partial selection would be faster; a sort of ≤ vocab longs is a few ms at most.
            Arrays.sort(packed, 0, n);
            return params.topK();
        }
        if (params.topP() < 1f || params.minP() > 0f) {
            Arrays.sort(packed, 0, n);
        }
        return n;
    }

    private static float prob(long packed) {
        return Float.intBitsToFloat(~(int) (packed >>> 32));
    }

    private static int id(long packed) {
        return (int) packed;
    }

    /** Index of the largest value; the smallest index among equals. */
    public static int argmax(float[] x, int n) {
        int best = 0;
        float bv = x[0];
        for (int i = 1; i < n; i++) {
            if (x[i] > bv) {
                bv = x[i];
                best = i;
            }
        }
        return best;
    }
}
