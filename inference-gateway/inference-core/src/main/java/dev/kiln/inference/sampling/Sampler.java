package dev.kiln.inference.sampling;

import java.util.Arrays;

/**
 * Chooses one request's next token from its logits. One instance per request (it holds the
 * request's random generator, the set of tokens seen so far and scratch space), used by one
 * thread at a time.
 *
 * <p>Order of operations, as in Hugging Face's generate: repetition penalty on every token of
 * prompt and output; then greedy argmax if temperature is 0; else temperature, softmax, top-k,
 * top-p, min-p, renormalise and draw with one uniform number by inverse CDF. Candidates are
 * visited in a fixed order (probability descending, ties by token id), so a seed always gives
 * the same token for the same logits.
 *
 * <p>Filters never sort the whole vocabulary (at 128K tokens that sort cost milliseconds per
 * token): top-k is a quickselect, top-p a partition on cumulative mass, min-p a threshold
 * test, and only the survivors are sorted. The survivors and their order are exactly those of a
 * full sort, so the distribution (and the token a seed draws) is unchanged.
 */
public final class Sampler {
    private final SamplingParams params;
    private final int vocab;
    private final SplitMix64 rng;
    private final boolean[] seen;
    private final int[] seenList;
    private int seenCount;
    private final float[] scratch;
    private long[] packed;
    /** Set by {@link #pack}: the mass of the whole vocabulary. */
    private double packedMass;
    /** Set by {@link #partition}: the mass of the keys it moved in front of the pivot. */
    private double partitionedMass;
    /** Ranges this small are sorted outright rather than partitioned further. */
    private static final int SMALL = 32;

    public Sampler(SamplingParams params, int vocab) {
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
        float max = Softmax.max(x, vocab);
        float norm = (float) (1.0 / Softmax.expShifted(x, vocab, max, 1f / params.temperature()));
        boolean topK = params.topK() > 0 && params.topK() < vocab;
        boolean topP = params.topP() < 1f;
        if (!topK && !topP && params.minP() <= 0f) {
            return drawInIdOrder(x, norm);
        }
        // The top token has e^0 = 1 exactly, so its probability is norm.
        float floor = 0f;
        if (params.minP() > 0f && !topP) {
            // Min-p's threshold is relative to the top token, which every filter keeps: without
            // top-p (whose mass counts the whole candidate set) tokens under it go right away.
            floor = params.minP() * norm;
        } else if (topP && !topK) {
            // The tokens under c = (1 − top_p) / vocab hold less than 1 − top_p of the mass
            // together, so the nucleus (the most likely tokens reaching top_p) lies above c. The
            // 1e-3 margin covers the rounding of norm, so the total stays within it of 1.
            floor = (1f - params.topP()) * (1f - 1e-3f) / vocab;
        }
        int n = pack(x, norm, floor);
        if (topK && params.topK() < n) {
            selectSmallest(params.topK(), n);
            n = params.topK();
        }
        int keep = n;
        if (topP) {
            double candidates = topK ? mass(0, n) : packedMass;
            int k = mostLikelyReaching(n, params.topP() * candidates, false);
            keep = k < 0 ? n : k;
            if (params.minP() > 0f) {
                float threshold = params.minP() * prob(smallestKey(keep));
                keep = Math.max(1, moveToFront(keep, threshold));
            }
        }
        double total = mass(0, keep);
        int k = mostLikelyReaching(keep, rng.nextDouble() * total, true);
        return id(k < 0 ? largestKey(keep) : packed[k - 1]);
    }

    /** No filter: one draw by inverse CDF over the tokens in id order. */
    private int drawInIdOrder(float[] p, float norm) {
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            total += p[i] * norm;
        }
        double u = rng.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < vocab; i++) {
            acc += p[i] * norm;
            if (u < acc) {
                return i;
            }
        }
        return vocab - 1;
    }

    /**
     * Packs the tokens with probability at least {@code floor} as (probability, id) longs that a
     * plain long comparison orders by probability descending then id ascending (positive float
     * bits order like the floats; ~ reverses them). Returns how many; {@link #packedMass} is the
     * mass of the whole vocabulary, packed or not.
     */
    private int pack(float[] p, float norm, float floor) {
        if (packed == null) {
            packed = new long[vocab];
        }
        long[] a = packed;
        int n = 0;
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            float q = p[i] * norm;
            total += q;
            a[n] = ((long) ~Float.floatToRawIntBits(q) << 32) | (i & 0xFFFFFFFFL);
            n += q >= floor ? 1 : 0; // no branch: whether a token passes is a coin flip
        }
        packedMass = total;
        return n;
    }

    private double mass(int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m += prob(packed[i]);
        }
        return m;
    }

    /**
     * The length k of the shortest run of most likely tokens of {@code packed[0..n)} whose mass
     * reaches {@code target} (exceeds it, if strict); -1 if none does. Afterwards those k tokens
     * are {@code packed[0..k)}, in no order except that {@code packed[k - 1]} is the k-th most
     * likely. Partitions on the mass (expected linear time) and sorts only the last small range:
     * every token in front of a partition is more likely than every token behind it, so the
     * answer is the one a full sort and a scan would give, with the masses summed in another order.
     */
    private int mostLikelyReaching(int n, double target, boolean strict) {
        int lo = 0, hi = n;
        double need = target;
        while (hi - lo > SMALL) {
            int m = partition(lo, hi);
            double mass = partitionedMass + prob(packed[m]);
            if (strict ? mass > need : mass >= need) {
                hi = m + 1;
            } else {
                need -= mass;
                lo = m + 1;
            }
        }
        Arrays.sort(packed, lo, hi);
        double acc = 0;
        for (int i = lo; i < hi; i++) {
            acc += prob(packed[i]);
            if (strict ? acc > need : acc >= need) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Moves the tokens of {@code packed[0..n)} with probability ≥ threshold to the front; returns how many. */
    private int moveToFront(int n, float threshold) {
        long[] a = packed;
        int store = 0;
        for (int i = 0; i < n; i++) {
            long v = a[i];
            if (prob(v) >= threshold) {
                a[i] = a[store];
                a[store++] = v;
            }
        }
        return store;
    }

    private long smallestKey(int n) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            best = Math.min(best, packed[i]);
        }
        return best;
    }

    private long largestKey(int n) {
        long best = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, packed[i]);
        }
        return best;
    }

    /** Moves the k smallest keys (most likely tokens) of {@code packed[0..n)} to the front, unordered (quickselect). */
    private void selectSmallest(int k, int n) {
        int lo = 0, hi = n;
        while (hi - lo > SMALL) {
            int m = partition(lo, hi);
            if (m == k) {
                return;
            }
            if (m < k) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        Arrays.sort(packed, lo, hi);
    }

    /**
     * Partitions {@code packed[lo..hi)} (hi - lo >= 3) around the median of its first, middle and
     * last keys; returns the pivot's final index: smaller keys before it, larger after, and leaves
     * the mass of the smaller ones in {@link #partitionedMass}. Keys are distinct (they hold the
     * id), and the median of three is never the range's largest key, so callers always shrink
     * their range.
     */
    private int partition(int lo, int hi) {
        long[] a = packed;
        int mid = (lo + hi) >>> 1, last = hi - 1;
        long x = a[lo], y = a[mid], z = a[last];
        int pi = (x < y) ? (y < z ? mid : (x < z ? last : lo)) : (x < z ? lo : (y < z ? last : mid));
        long pivot = a[pi];
        a[pi] = a[last];
        a[last] = pivot;
        int store = lo;
        double mass = 0;
        // Branch-free (always swap, advance by the comparison): which side a key falls on is a
        // coin flip, and a mispredicted branch per key cost more than the extra store.
        for (int i = lo; i < last; i++) {
            long v = a[i];
            a[i] = a[store];
            a[store] = v;
            int less = v < pivot ? 1 : 0;
            store += less;
            mass += less * prob(v);
        }
        a[last] = a[store];
        a[store] = pivot;
        partitionedMass = mass;
        return store;
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
