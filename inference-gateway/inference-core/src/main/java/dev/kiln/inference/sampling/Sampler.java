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
        float norm = (float) (1.0 / sum);
        boolean topK = params.topK() > 0 && params.topK() < vocab;
        if (!topK && params.topP() >= 1f && params.minP() <= 0f) {
            return drawInIdOrder(x, norm);
        }
        // Min-p's threshold is relative to the top token, which every filter keeps: without top-p
        // (whose mass counts the whole candidate set) tokens under it can be dropped right away.
        float floor = 0f;
        if (params.minP() > 0f && params.topP() >= 1f) {
            float top = 0f;
            for (int i = 0; i < vocab; i++) {
                top = Math.max(top, x[i] * norm);
            }
            floor = params.minP() * top;
        }
        int n = pack(x, norm, floor);
        if (topK && params.topK() < n) {
            selectSmallest(params.topK(), n);
            n = params.topK();
        }
        int keep = n;
        if (params.topP() < 1f && !topK) {
            keep = nucleus(n);
        } else {
            Arrays.sort(packed, 0, n); // at most top_k survivors (or min-p's)
            if (params.topP() < 1f) {
                double total = 0;
                for (int i = 0; i < n; i++) {
                    total += prob(packed[i]);
                }
                int k = prefixReaching(params.topP() * total, n);
                keep = k < 0 ? n : k;
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
     * bits order like the floats; ~ reverses them). Returns how many.
     */
    private int pack(float[] p, float norm, float floor) {
        if (packed == null) {
            packed = new long[vocab];
        }
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            float q = p[i] * norm;
            if (q >= floor) {
                packed[n++] = ((long) ~Float.floatToRawIntBits(q) << 32) | (i & 0xFFFFFFFFL);
            }
        }
        return n;
    }

    /**
     * Top-p over {@code packed[0..n)}: finds the smallest most-likely prefix reaching topP of the
     * mass by partitioning on the mass (expected linear time), sorts only that prefix and returns
     * its length. The prefix is the same as a full sort would give: the elements in front of a
     * partition are all more likely than those behind it.
     */
    private int nucleus(int n) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += prob(packed[i]);
        }
        double target = params.topP() * total;
        int lo = 0, hi = n;
        double need = target;
        while (hi - lo > SMALL) {
            int m = partition(lo, hi);
            double mass = 0;
            for (int i = lo; i <= m; i++) {
                mass += prob(packed[i]);
            }
            if (mass >= need) {
                hi = m + 1;
            } else {
                need -= mass;
                lo = m + 1;
            }
        }
        Arrays.sort(packed, 0, hi);
        int keep = prefixReaching(target, hi);
        if (keep < 0) { // the mass was summed in another order and fell short by rounding: sort all
            Arrays.sort(packed, 0, n);
            keep = prefixReaching(target, n);
        }
        return keep < 0 ? n : keep;
    }

    /** Length of the shortest sorted prefix of {@code packed[0..n)} whose mass reaches target; -1 if none. */
    private int prefixReaching(double target, int n) {
        double mass = 0;
        for (int i = 0; i < n; i++) {
            mass += prob(packed[i]);
            if (mass >= target) {
                return i + 1;
            }
        }
        return -1;
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
     * last keys; returns the pivot's final index: smaller keys before it, larger after. Keys are
     * distinct (they hold the id), and the median of three is never the range's largest key, so
     * callers always shrink their range.
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
        for (int i = lo; i < last; i++) {
            long v = a[i];
            if (v < pivot) {
                a[i] = a[store];
                a[store++] = v;
            }
        }
        a[last] = a[store];
        a[store] = pivot;
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
