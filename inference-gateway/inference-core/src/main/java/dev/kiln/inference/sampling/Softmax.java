package dev.kiln.inference.sampling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sampler's vocabulary-wide passes with the JDK Vector API: max and unnormalised softmax. At a
 * 128K vocabulary {@code Math.exp} per entry alone costs milliseconds a token; this exp is
 * hand-written because the Vector API's own {@code EXP} lanewise op is a scalar-loop fallback on
 * JDK 17 (no intrinsic), i.e. no faster than {@code Math.exp}.
 *
 * <p>{@link #exp} is Cody-Waite range reduction and a degree-6 Taylor polynomial from adds,
 * multiplies, FMAs and shifts only, so results are the same bit for bit in the interpreter and
 * every JIT tier. Maximum relative error against {@code Math.exp} over [-87, 0]: {@value
 * #MAX_RELATIVE_ERROR} (checked by {@code SoftmaxTest}). Below {@value #FLUSH} the result is 0
 * (Math.exp would give a float subnormal, under 1.2e-38 of the top token's probability).
 */
final class Softmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static final float MAX_RELATIVE_ERROR = 3e-7f;
    static final float FLUSH = -87f;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer

    private Softmax() {}

    /** Largest of {@code x[0..n)}. */
    static float max(float[] x, int n) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                acc = acc.max(FloatVector.fromArray(S, x, i));
            }
            max = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        return max;
    }

    /**
     * Replaces {@code x[i]} by e^((x[i] − max)·scale) for i in [0, n) and returns their sum. With
     * max the largest entry and scale > 0 every result is in [0, 1] and the largest is exactly 1.
     */
    static double expShifted(float[] x, int n, float max, float scale) {
        int i = 0;
        double sum = 0;
        if (n >= L) {
            FloatVector vmax = FloatVector.broadcast(S, max);
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int bound = S.loopBound(n);
            // two accumulators: half the rounding error of one, and independent adds
            for (; i + L < bound; i += 2 * L) {
                FloatVector e0 = exp(FloatVector.fromArray(S, x, i).sub(vmax).mul(scale));
                FloatVector e1 =
                        exp(FloatVector.fromArray(S, x, i + L).sub(vmax).mul(scale));
                e0.intoArray(x, i);
                e1.intoArray(x, i + L);
                a0 = a0.add(e0);
                a1 = a1.add(e1);
            }
            for (; i < bound; i += L) {
                FloatVector e0 = exp(FloatVector.fromArray(S, x, i).sub(vmax).mul(scale));
                e0.intoArray(x, i);
                a0 = a0.add(e0);
            }
            for (int lane = 0; lane < L; lane++) {
                sum += (double) a0.lane(lane) + a1.lane(lane);
            }
        }
        for (; i < n; i++) {
            float e = exp((x[i] - max) * scale);
            x[i] = e;
            sum += e;
        }
        return sum;
    }

    /** e^x lane-wise; see the class comment for accuracy and range. */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> flush = x.compare(VectorOperators.LT, FLUSH);
        x = x.max(FLUSH).min(88f);
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND_MAGIC));
        FloatVector k = t.sub(ROUND_MAGIC); // round(x·log2 e)
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r); // x − k·ln 2, |r| ≤ 0.35
        FloatVector p = FloatVector.broadcast(S, 1f / 720f);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        // 2^k: the integer k sits in t's low mantissa bits (t = 1.5·2^23 + k)
        IntVector bits = t.reinterpretAsInts()
                .sub(Float.floatToRawIntBits(ROUND_MAGIC))
                .add(127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats()).blend(0f, flush);
    }

    /** The same function for one value (the tail of a pass shorter than a vector), same operations. */
    static float exp(float x) {
        if (x < FLUSH) {
            return 0f;
        }
        x = Math.min(x, 88f);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float k = t - ROUND_MAGIC;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = 1f / 720f;
        p = Math.fma(p, r, 1f / 120f);
        p = Math.fma(p, r, 1f / 24f);
        p = Math.fma(p, r, 1f / 6f);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int bits = (Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND_MAGIC) + 127) << 23;
        return p * Float.intBitsToFloat(bits);
    }
}
