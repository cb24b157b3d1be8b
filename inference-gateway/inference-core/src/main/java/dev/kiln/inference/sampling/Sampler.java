package dev.kiln.inference.sampling;

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
 * <p>Filters never sort the vocabulary, nor the tokens they keep (at 128K tokens a sort costs
 * milliseconds per token, and on a flat distribution top-p keeps most of them). The pass after
 * the softmax buckets the probabilities by their float bits ({@link ProbabilityBuckets}); each
 * filter's boundary, the tokens kept (every filter keeps a run of most likely tokens) and the
 * drawn point are found by walking the buckets' counts and masses from the top. Single tokens
 * are looked at only in the bucket where the kept run ends and in the one holding the drawn
 * point: there top-k is a selection, top-p and the draw a search on cumulative mass, both by
 * radix steps and partitions ({@link CandidateKeys}), min-p a threshold, and only the last few
 * candidates are sorted. Min-p alone packs the tokens over its threshold in one pass instead, and
 * takes the buckets only when more than {@link CandidateKeys#RADIX} pass (a flat distribution). The
 * survivors and their order are exactly those of a full sort, so the distribution (and the token
 * a seed draws) is unchanged; masses are summed in doubles in another order.
 */
public final class Sampler {
    private final SamplingParams params;
    private final int vocab;
    private final SplitMix64 rng;
    private final boolean[] seen;
    private final int[] seenList;
    private int seenCount;
    private final float[] scratch;
    private ProbabilityBuckets buckets;
    /** The keys of the tokens of the bucket {@link #cut}, then of the drawn bucket. */
    private CandidateKeys keys;
    /**
     * The kept tokens: every bucketed token above bucket {@code cut}, and {@code keys[0..keep)}
     * of the cut bucket's members {@code keys[0..cutSize)}; cut -1 keeps every bucketed token.
     */
    private int cut, cutSize, keep;
    /**
     * The mass of {@code keys[0..keep)} as top-p summed it, NaN if another filter set keep: on a
     * flat distribution that run holds most of the vocabulary, not worth summing twice.
     */
    private double keepMass;
    /** Whether {@code keys[0..cutSize)} is in key order (e.g. when all its tokens tie). */
    private boolean cutSorted;

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
        boolean minP = params.minP() > 0f;
        if (!topK && !topP && !minP) {
            return drawInIdOrder(x, norm);
        }
        if (keys == null) {
            keys = new CandidateKeys(vocab);
        }
        // The top token has e^0 = 1 exactly, so its probability is norm.
        float threshold = params.minP() * norm;
        if (!topK && !topP) {
            int n = packAtLeast(x, norm, threshold);
            if (n <= CandidateKeys.RADIX) {
                return drawPacked(n);
            }
            // a flat distribution: most tokens pass, and the buckets find the draw without
            // ordering them (searching the packed run would partition all of it)
        }
        float floor = 0f;
        if (topP && !topK) {
            // The tokens under c = (1 − top_p) / vocab hold less than 1 − top_p of the mass
            // together, so the nucleus (the most likely tokens reaching top_p) lies above c. The
            // 1e-3 margin covers the rounding of norm, so the total stays within it of 1.
            floor = (1f - params.topP()) * (1f - 1e-3f) / vocab;
        }
        if (minP && !(topK && topP)) {
            // Min-p keeps only tokens at or over its threshold; with top-k and top-p together the
            // nucleus's mass counts every one of the k, so those need them all.
            floor = Math.max(floor, threshold);
        }
        if (buckets == null) {
            buckets = new ProbabilityBuckets(vocab);
        }
        buckets.build(x, vocab, norm, floor, topK);
        cut = -1;
        cutSize = 0;
        keep = 0;
        keepMass = Double.NaN;
        if (topK) {
            keepMostLikely(params.topK());
        }
        if (topP) {
            keepNucleus(params.topP() * (topK ? keptMass() : buckets.total()));
        }
        if (minP) {
            keepAtLeast(threshold, floor);
        }
        return draw();
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
     * Min-p alone: packs every token at or over the threshold in one pass, without buckets (a
     * distribution has few of them unless it is flat); returns how many.
     */
    private int packAtLeast(float[] p, float norm, float threshold) {
        long[] a = keys.a;
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            float q = p[i] * norm;
            a[n] = CandidateKeys.key(q, i);
            n += q >= threshold ? 1 : 0; // no branch: whether a token passes is a coin flip
        }
        return n;
    }

    /** Draws among the {@code n} packed tokens by inverse CDF. */
    private int drawPacked(int n) {
        long[] a = keys.a;
        double u = rng.nextDouble() * keys.mass(0, n);
        int k = keys.mostLikelyReaching(0, n, u, true, keys.isSorted(0, n));
        return id(k < 0 ? keys.largest(0, n) : a[k - 1]);
    }

    /** Top-k: the k most likely tokens (of the bucketed ones) stay. */
    private void keepMostLikely(int k) {
        long counted = 0;
        for (int b = buckets.top(); b >= 0; b--) {
            int c = buckets.count(b);
            if (counted + c >= k) {
                cutAt(b);
                keep = (int) (k - counted);
                keepMass = Double.NaN;
                if (!cutSorted && keep < cutSize) {
                    keys.selectMostLikely(keep, cutSize);
                }
                return;
            }
            counted += c;
        }
    }

    /** Top-p: the shortest run of most likely kept tokens whose mass reaches the target stays. */
    private void keepNucleus(double target) {
        double above = 0;
        for (int b = buckets.top(); b > cut; b--) {
            double m = buckets.mass(b);
            if (above + m >= target) {
                cutAt(b);
                int k = keys.mostLikelyReaching(0, cutSize, target - above, false, cutSorted);
                keep = k < 0 ? cutSize : k;
                keepMass = k < 0 ? Double.NaN : keys.runMass();
                return;
            }
            above += m;
        }
        if (cut >= 0) {
            int k = keys.mostLikelyReaching(0, keep, target - above, false, cutSorted);
            keep = k < 0 ? keep : k;
            keepMass = k < 0 ? Double.NaN : keys.runMass();
        }
    }

    /** Min-p: only kept tokens with probability at least the threshold stay. */
    private void keepAtLeast(float threshold, float floor) {
        int b = buckets.bucketOf(threshold, floor);
        if (b > cut) {
            cutAt(b);
            keep = keys.moveToFront(cutSize, threshold);
            keepMass = Double.NaN;
        } else if (b == cut) {
            int before = keep;
            keep = keys.moveToFront(keep, threshold);
            keepMass = keep == before ? keepMass : Double.NaN;
        }
    }

    /** The mass of the kept tokens, summed as {@link #draw} walks them. */
    private double keptMass() {
        double m = 0;
        for (int b = buckets.top(); b > cut; b--) {
            m += buckets.mass(b);
        }
        return cut < 0 ? m : m + (Double.isNaN(keepMass) ? keys.mass(0, keep) : keepMass);
    }

    /** Draws among the kept tokens by inverse CDF, looking at single tokens in one bucket only. */
    private int draw() {
        double u = rng.nextDouble() * keptMass();
        double above = 0;
        int last = -1;
        for (int b = buckets.top(); b > cut; b--) {
            double m = buckets.mass(b);
            if (above + m > u) {
                return drawIn(b, u - above);
            }
            above += m;
            last = m > 0 ? b : last;
        }
        if (cut >= 0 && keep > 0) {
            int k = keys.mostLikelyReaching(0, keep, u - above, true, cutSorted);
            return id(k < 0 ? keys.largest(0, keep) : keys.a[k - 1]);
        }
        // u rounded up to the kept mass: the least likely kept token, as a scan would end
        return drawIn(last, Double.POSITIVE_INFINITY);
    }

    private int drawIn(int bucket, double need) {
        int from = cut >= 0 ? cutSize : 0;
        int to = from + buckets.writeMembers(bucket, keys.a, from);
        int k = keys.mostLikelyReaching(from, to, need, true, keys.isSorted(from, to));
        return id(k < 0 ? keys.largest(from, to) : keys.a[k - 1]);
    }

    private void cutAt(int bucket) {
        cut = bucket;
        cutSize = buckets.writeMembers(bucket, keys.a, 0);
        cutSorted = keys.isSorted(0, cutSize);
    }

    private static int id(long key) {
        return (int) key;
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
