package dev.kiln.inference.sampling;

import dev.kiln.numerics.VectorExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sampler's vocabulary-wide passes with the JDK Vector API: max and unnormalised softmax. At a
 * 128K vocabulary {@code Math.exp} per entry alone costs milliseconds a token; the exp is the
 * shared {@link VectorExp} (bit-reproducible, relative error under {@value
 * VectorExp#MAX_RELATIVE_ERROR}). Below {@value #FLUSH} the result is 0 (Math.exp would give a float
 * subnormal, under 1.2e-38 of the top token's probability).
 */
final class Softmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static final float FLUSH = -87f;

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

    /** e^x lane-wise ({@link VectorExp}), 0 below {@link #FLUSH}. */
    static FloatVector exp(FloatVector x) {
        return VectorExp.exp(x).blend(0f, x.compare(VectorOperators.LT, FLUSH));
    }

    /** The same function for one value (the tail of a pass shorter than a vector). */
    static float exp(float x) {
        return x < FLUSH ? 0f : VectorExp.exp(x);
    }
}
