package dev.kiln.numerics;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x lane-wise for the trainer's softmax and GELU and the gateway's vocabulary-wide softmax.
 * Hand-written because the Vector API's own {@code EXP} is a scalar-loop fallback on JDK 17 (no
 * faster than {@code Math.exp}, which at a 128K vocabulary costs milliseconds a token), and because
 * its intrinsic and its Java fallback may round differently.
 *
 * <p>Cody-Waite range reduction and a degree-6 Taylor polynomial from adds, multiplies, FMAs and
 * shifts only: exact IEEE steps, so results are the same bit for bit in the interpreter and every
 * JIT tier, and {@link #exp(float)} gives the same bits as a lane. Inputs are clamped to [-87, 88];
 * maximum relative error against {@code Math.exp} over that range: {@value #MAX_RELATIVE_ERROR}
 * (checked by {@code VectorExpTest}).
 */
public final class VectorExp {
    public static final float MAX_RELATIVE_ERROR = 3e-7f;
    public static final float MIN_INPUT = -87f;
    public static final float MAX_INPUT = 88f;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer

    private VectorExp() {}

    public static FloatVector exp(FloatVector x) {
        x = x.max(MIN_INPUT).min(MAX_INPUT);
        FloatVector t = x.fma(x.broadcast(LOG2E), x.broadcast(ROUND_MAGIC));
        FloatVector k = t.sub(ROUND_MAGIC); // round(x·log2 e)
        FloatVector r = k.fma(x.broadcast(-LN2_HI), x);
        r = k.fma(x.broadcast(-LN2_LO), r); // x − k·ln 2, |r| ≤ 0.35
        FloatVector p = x.broadcast(1f / 720f);
        p = p.fma(r, x.broadcast(1f / 120f));
        p = p.fma(r, x.broadcast(1f / 24f));
        p = p.fma(r, x.broadcast(1f / 6f));
        p = p.fma(r, x.broadcast(0.5f));
        p = p.fma(r, x.broadcast(1f));
        p = p.fma(r, x.broadcast(1f));
        // 2^k: the integer k sits in t's low mantissa bits (t = 1.5·2^23 + k)
        IntVector bits = t.reinterpretAsInts()
                .sub(Float.floatToRawIntBits(ROUND_MAGIC))
                .add(127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** The same function for one value (the tail of a pass shorter than a vector), same operations. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN_INPUT), MAX_INPUT);
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
