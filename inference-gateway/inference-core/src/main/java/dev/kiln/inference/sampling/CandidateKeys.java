package dev.kiln.inference.sampling;

import java.util.Arrays;

/**
 * Candidate tokens as (probability, id) keys, longs that a plain long comparison orders by
 * probability descending then id ascending (positive float bits order like the floats; ~ reverses
 * them), and the partial selections the sampler makes on a range of them without sorting it:
 * the k most likely, the shortest most likely run reaching a mass. Large ranges are narrowed by
 * radix steps (a histogram on the highest 8 bits in which the range's keys differ: the range
 * shrinks about 256-fold a step, even when all probabilities tie and only ids differ), smaller
 * ones by partitions (expected linear time), and only the last few keys are sorted. Every key in
 * front of a step's boundary is more likely than every key behind it, so each answer is the one a
 * full sort and a scan would give, with masses summed in another order.
 */
final class CandidateKeys {
    /** Ranges this small are sorted outright rather than partitioned further. */
    private static final int SMALL = 32;
    /** Ranges larger than this are narrowed by radix steps, which pay for their histogram there. */
    static final int RADIX = 16_384;

    private static final int DIGITS = 256;
    /** Histogram copies, key i adding to copy i % 4: runs of keys with one digit would wait on one cell. */
    private static final int COPIES = 4;

    final long[] a;
    private double runMass;
    /** Set by {@link #partition}: the mass of the keys it moved in front of the pivot. */
    private double partitionedMass;

    private final int[] digitCount = new int[DIGITS * COPIES];
    private final double[] digitMass = new double[DIGITS * COPIES];
    /** Set by {@link #radixStep}: the boundary digit's keys are {@code a[stepLo..stepHi)}. */
    private int stepLo, stepHi;
    /** Set by {@link #radixStep}: the mass of the keys in front of stepLo. */
    private double stepMass;

    /**
     * @param capacity the most keys held at once (the vocabulary). One slot more is kept: the scans that
     *     fill the array write every token's key and step past members only, so the write after the last
     *     member lands one past them; when a bucket's members end the array after the cut bucket's (two
     *     buckets holding the whole vocabulary, as tied logits make), that slot is past the vocabulary.
     */
    CandidateKeys(int capacity) {
        this.a = new long[capacity + 1];
    }

    static long key(float probability, int id) {
        return ((long) ~Float.floatToRawIntBits(probability) << 32) | (id & 0xFFFFFFFFL);
    }

    static float prob(long key) {
        return Float.intBitsToFloat(~(int) (key >>> 32));
    }

    double mass(int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m += prob(a[i]);
        }
        return m;
    }

    boolean isSorted(int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (a[i - 1] > a[i]) {
                return false;
            }
        }
        return true;
    }

    long largest(int from, int to) {
        long best = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            best = Math.max(best, a[i]);
        }
        return best;
    }

    /**
     * The end k of the shortest run of most likely tokens of {@code a[from..to)} whose mass
     * reaches {@code target} (exceeds it, if strict); -1 if none does. Afterwards those tokens are
     * {@code a[from..k)}, in no order except that {@code a[k - 1]} is the least likely of them. A
     * range already in key order (sorted) is scanned as it is.
     */
    int mostLikelyReaching(int from, int to, double target, boolean strict, boolean sorted) {
        int lo = from, hi = to;
        double need = target;
        double front = 0; // the mass of the keys moved in front of lo
        if (!sorted) {
            while (hi - lo > SMALL) {
                if (hi - lo > RADIX) {
                    radixStep(lo, hi, -1, need, strict);
                    need -= stepMass;
                    front += stepMass;
                    lo = stepLo;
                    hi = stepHi;
                    continue;
                }
                int m = partition(lo, hi);
                double mass = partitionedMass + prob(a[m]);
                if (strict ? mass > need : mass >= need) {
                    hi = m + 1;
                } else {
                    need -= mass;
                    front += mass;
                    lo = m + 1;
                }
            }
            Arrays.sort(a, lo, hi);
        }
        double acc = 0;
        for (int i = lo; i < hi; i++) {
            acc += prob(a[i]);
            if (strict ? acc > need : acc >= need) {
                runMass = front + acc;
                return i + 1;
            }
        }
        return -1;
    }

    /** The mass of the run the last {@link #mostLikelyReaching} found. */
    double runMass() {
        return runMass;
    }

    /** Moves the k smallest keys (most likely tokens) of {@code a[0..n)} to the front, unordered. */
    void selectMostLikely(int k, int n) {
        int lo = 0, hi = n;
        while (hi - lo > SMALL) {
            if (hi - lo > RADIX) {
                radixStep(lo, hi, k - lo, 0, false);
                lo = stepLo;
                hi = stepHi;
                continue;
            }
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
        Arrays.sort(a, lo, hi);
    }

    /**
     * Moves the keys of {@code a[0..n)} with probability ≥ threshold to the front, in the order
     * they were; returns how many.
     */
    int moveToFront(int n, float threshold) {
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

    /**
     * One radix step on {@code a[lo..hi)} (distinct keys, hi - lo ≥ 2): the digit is the 8 bits
     * under the highest bit in which the range's smallest and largest keys differ, which orders
     * like the keys. Finds the first digit at which the count of keys reaches {@code count} or,
     * if count is negative, their mass reaches {@code need}, moves the keys of smaller digits to
     * the front and that digit's keys after them, into {@code a[stepLo..stepHi)}. If no digit
     * reaches, stepLo = stepHi = hi.
     */
    private void radixStep(int lo, int hi, long count, double need, boolean strict) {
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = lo; i < hi; i++) {
            min = Math.min(min, a[i]);
            max = Math.max(max, a[i]);
        }
        // keys of probabilities in [0, 1] are negative, so max - min does not overflow
        int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(max - min) - 8);
        int[] c = digitCount;
        double[] m = digitMass;
        Arrays.fill(c, 0);
        Arrays.fill(m, 0);
        for (int i = lo; i < hi; i++) {
            long v = a[i];
            int d = (int) ((v - min) >>> shift) * COPIES + (i & (COPIES - 1));
            c[d]++;
            m[d] += prob(v);
        }
        long countBelow = 0;
        double massBelow = 0;
        int digit = 0;
        for (; digit < DIGITS; digit++) {
            int s = digit * COPIES;
            int dc = c[s] + c[s + 1] + c[s + 2] + c[s + 3];
            double dm = (m[s] + m[s + 1]) + (m[s + 2] + m[s + 3]);
            boolean reaches =
                    count >= 0 ? countBelow + dc >= count : strict ? massBelow + dm > need : massBelow + dm >= need;
            if (reaches) {
                break;
            }
            countBelow += dc;
            massBelow += dm;
        }
        stepMass = massBelow;
        if (digit == DIGITS) {
            stepLo = stepHi = hi;
            return;
        }
        int below = frontOfDigit(lo, hi, min, shift, digit);
        stepLo = lo + below;
        stepHi = stepLo + frontOfDigit(stepLo, hi, min, shift, digit + 1);
    }

    /** Moves the keys of {@code a[lo..hi)} whose digit is under {@code digit} to the front; returns how many. */
    private int frontOfDigit(int lo, int hi, long min, int shift, int digit) {
        int store = lo;
        for (int i = lo; i < hi; i++) {
            long v = a[i];
            a[i] = a[store];
            a[store] = v;
            store += ((v - min) >>> shift) < digit ? 1 : 0;
        }
        return store - lo;
    }

    /**
     * Partitions {@code a[lo..hi)} (hi - lo >= 3) around the median of its first, middle and last
     * keys; returns the pivot's final index: smaller keys before it, larger after, and leaves the
     * mass of the smaller ones in {@link #partitionedMass}. Keys are distinct (they hold the id),
     * and the median of three is never the range's largest key, so callers always shrink their
     * range.
     */
    private int partition(int lo, int hi) {
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
}
