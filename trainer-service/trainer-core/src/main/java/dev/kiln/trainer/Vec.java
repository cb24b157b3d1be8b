package dev.kiln.trainer;

import dev.kiln.numerics.VectorExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API helpers on flat arrays. Reductions run in one fixed order (lanes, then tail). */
final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Vec() {}

    /** sum_i a[aOff+i] * b[bOff+i] for i in [0, n). */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** y[yOff+i] += alpha * x[xOff+i] for i in [0, n). */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (n >= L) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, xOff + i)
                        .fma(va, FloatVector.fromArray(S, y, yOff + i))
                        .intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** tanh(u) = 1 - 2 / (e^{2u} + 1), lane-wise through {@link VectorExp#exp}. */
    static FloatVector tanh(FloatVector u) {
        FloatVector e = VectorExp.exp(u.mul(2f));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    /**
     * x[off+i] = e^(scale·(x[off+i] - max)) for i in [0, n); returns their sum. Lanes use
     * {@link VectorExp#exp}, the tail Math.exp; the sum runs lanes-then-tail, a fixed order.
     */
    static float expShiftScaleSum(float[] x, int off, int n, float max, float scale) {
        int i = 0;
        float sum = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            FloatVector vmax = FloatVector.broadcast(S, max);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector e = VectorExp.exp(
                        FloatVector.fromArray(S, x, off + i).sub(vmax).mul(scale));
                e.intoArray(x, off + i);
                acc = acc.add(e);
            }
            sum = sumLanesInOrder(acc);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp((x[off + i] - max) * scale);
            x[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * Lane 0 + lane 1 + … in that order. {@code reduceLanes(ADD)} leaves the float summation
     * order to the implementation (newer JDKs' C2 may reduce as a tree while the interpreter's
     * fallback sums in order), which would make a training step depend on JIT state; the
     * training path uses this instead. (Vec.dot and the decoding kernel keep reduceLanes: their
     * results only need to be close.) Lane by lane rather than through an array: C2 did not
     * scalar-replace the array, and the attention forward calls this per row and key block
     * (8 MB of garbage a step on the 12M shape).
     */
    static float sumLanesInOrder(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }
}
