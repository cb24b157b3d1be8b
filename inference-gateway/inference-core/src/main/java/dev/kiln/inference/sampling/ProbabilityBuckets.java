package dev.kiln.inference.sampling;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One token's probabilities grouped by the high bits of their float bit pattern: the exponent and
 * the top mantissa bits, which order like the values, each bucket with its token count and mass.
 * The number of mantissa bits is chosen per token so that at most {@value #BUDGET} buckets cover
 * the range from the least likely bucketed token to the top one (a bucket spans a factor of
 * 1 + 2^-5 over a wide range, and down to a single float value over a narrow one: the flatter the
 * distribution, the finer the buckets). The sampler walks the buckets from the most likely down, summing masses and counts,
 * and looks at single tokens only in the bucket where a filter's boundary (or the drawn point)
 * falls: on a flat distribution the top-p nucleus holds most of the vocabulary, and ordering it,
 * even by partitions, cost more than the softmax. Bucket 0 also holds every token more than
 * {@value #SPAN_BINADES} binades below the top token: together they hold under vocab · 2^-40 of
 * the mass, and only a filter reaching that far down (a huge top-k, a top-p within 1e-7 of 1)
 * looks into them.
 *
 * <p>Only tokens with probability at least the floor given to {@link #build} are bucketed; the
 * rest count in {@link #total} alone.
 */
final class ProbabilityBuckets {
    private static final int LOG2_BUDGET = 11;
    static final int BUDGET = 1 << LOG2_BUDGET;
    static final int SPAN_BINADES = 40;
    /**
     * Each bucket's count and mass are kept in this many copies, token i adding to copy i % 4, and
     * summed when read: on a flat distribution most tokens fall in few buckets, and updates of one
     * memory cell wait on each other.
     */
    private static final int COPIES = 4;
    /** Slots after the buckets' that take the tokens under the floor, by id. */
    private static final int SINKS = 64;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /** Each token's slot: COPIES × its bucket + its copy, or a sink. */
    private final int[] slot;

    private int[] count = new int[0];
    private double[] mass = new double[0];
    private float[] p;
    private int vocab;
    private int shift;
    private int base;
    private int top;
    private double total;

    ProbabilityBuckets(int vocab) {
        this.slot = new int[vocab];
    }

    /**
     * Buckets the tokens i with probability {@code p[i] * norm} (rounded to float, as the sampler
     * compares them) at least {@code floor}; the most likely token's probability is {@code norm}.
     * Leaves the probabilities in p. Counts the buckets' tokens only if asked to (top-k needs the
     * counts, the other filters only masses).
     */
    void build(float[] p, int vocab, float norm, float floor, boolean counted) {
        this.p = p;
        this.vocab = vocab;
        // The least likely token with a bucket of its own (probabilities are products with norm,
        // so the smallest is the smallest e^x times norm), and as many low bits dropped from the
        // float bits as leave at most BUDGET buckets from it to the top token's.
        float low = Math.max(Math.max(floor, smallest(p, vocab) * norm), Math.scalb(norm, -SPAN_BINADES));
        int range = Float.floatToRawIntBits(norm) - Float.floatToRawIntBits(low);
        this.shift = Math.max(0, 32 - Integer.numberOfLeadingZeros(range) - LOG2_BUDGET);
        this.base = digit(low);
        this.top = digit(norm) - base;
        int size = COPIES * (top + 1) + SINKS;
        if (mass.length < size) {
            count = new int[size];
            mass = new double[size];
        }
        if (counted) {
            Arrays.fill(count, 0, size, 0);
        }
        Arrays.fill(mass, 0, size, 0);
        total = slots(p, vocab, norm, floor);
        // The scatter, the one part without vectors. Tokens under the floor go to the sinks, and
        // their updates are cheaper than a branch per token: which side of the floor a token
        // falls on is often a coin flip.
        int[] c = count, at = slot;
        double[] m = mass;
        if (counted) {
            for (int i = 0; i < vocab; i++) {
                int s = at[i];
                c[s]++;
                m[s] += p[i];
            }
        } else {
            for (int i = 0; i < vocab; i++) {
                m[at[i]] += p[i];
            }
        }
    }

    /**
     * Turns {@code p[0..vocab)} into probabilities (times norm, in place), writes each token's
     * slot, and returns the total mass.
     */
    private double slots(float[] p, int vocab, float norm, float floor) {
        int[] at = slot;
        int sinks = COPIES * (top + 1);
        DoubleVector sum0 = DoubleVector.zero(D), sum1 = sum0;
        FloatVector vnorm = FloatVector.broadcast(F, norm), vfloor = FloatVector.broadcast(F, floor);
        IntVector lane = IntVector.zero(I).addIndex(1);
        IntVector copy = lane.and(COPIES - 1);
        int i = 0;
        for (int bound = F.loopBound(vocab); i < bound; i += F.length()) {
            FloatVector q = FloatVector.fromArray(F, p, i).mul(vnorm);
            q.intoArray(p, i);
            sum0 = sum0.add(q.convertShape(VectorOperators.F2D, D, 0));
            sum1 = sum1.add(q.convertShape(VectorOperators.F2D, D, 1));
            IntVector b = q.reinterpretAsInts()
                    .lanewise(VectorOperators.LSHR, shift)
                    .sub(base)
                    .max(0)
                    .lanewise(VectorOperators.LSHL, 2)
                    .add(copy);
            // "not at least the floor" rather than "under": a NaN goes to a sink too
            VectorMask<Integer> under =
                    q.compare(VectorOperators.GE, vfloor).not().cast(I);
            b.blend(lane.add(sinks + (i & (SINKS - 1))), under).intoArray(at, i);
        }
        double total = sum0.add(sum1).reduceLanes(VectorOperators.ADD);
        for (; i < vocab; i++) {
            float q = p[i] * norm;
            p[i] = q;
            total += q;
            at[i] = q >= floor ? COPIES * bucketAtLeast(q) + (i & (COPIES - 1)) : sinks + (i & (SINKS - 1));
        }
        return total;
    }

    private static float smallest(float[] x, int n) {
        FloatVector acc = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = acc.min(FloatVector.fromArray(F, x, i));
        }
        float min = acc.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) {
            min = Math.min(min, x[i]);
        }
        return min;
    }

    private int digit(float q) {
        return Float.floatToRawIntBits(q) >>> shift;
    }

    private int bucketAtLeast(float q) {
        return Math.max(0, digit(q) - base);
    }

    /** The mass of the whole vocabulary, bucketed or not. */
    double total() {
        return total;
    }

    /** The bucket of the most likely token; buckets run from it down to 0. */
    int top() {
        return top;
    }

    /** The bucket of probability q at least the floor, else -1. */
    int bucketOf(float q, float floor) {
        return q >= floor ? Math.min(bucketAtLeast(q), top) : -1;
    }

    int count(int bucket) {
        int s = COPIES * bucket;
        return count[s] + count[s + 1] + count[s + 2] + count[s + 3];
    }

    double mass(int bucket) {
        int s = COPIES * bucket;
        return (mass[s] + mass[s + 1]) + (mass[s + 2] + mass[s + 3]);
    }

    /**
     * Writes the members of a bucket to {@code a[from ..)} as the sampler's (probability, id) keys
     * (see {@link CandidateKeys}), in id order; returns how many.
     */
    int writeMembers(int bucket, long[] a, int from) {
        int[] at = slot;
        int first = COPIES * bucket;
        int n = from, i = 0;
        IntVector vfirst = IntVector.broadcast(I, first);
        for (int bound = I.loopBound(vocab); i < bound; i += I.length()) {
            IntVector s = IntVector.fromArray(I, at, i).and(-COPIES);
            if (s.compare(VectorOperators.EQ, vfirst).anyTrue()) {
                for (int j = i; j < i + I.length(); j++) {
                    a[n] = CandidateKeys.key(p[j], j);
                    n += (at[j] & -COPIES) == first ? 1 : 0;
                }
            }
        }
        for (; i < vocab; i++) {
            a[n] = CandidateKeys.key(p[i], i);
            n += (at[i] & -COPIES) == first ? 1 : 0;
        }
        return n - from;
    }
}
