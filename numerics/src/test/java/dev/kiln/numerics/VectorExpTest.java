package dev.kiln.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorExpTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void isWithinItsStatedRelativeErrorOfMathExpOverTheWholeRange() {
        int n = S.length() * 250_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = VectorExp.MIN_INPUT + (VectorExp.MAX_INPUT - VectorExp.MIN_INPUT) * i / (n - 1);
        }
        float[] e = new float[n];
        for (int i = 0; i < n; i += S.length()) {
            VectorExp.exp(FloatVector.fromArray(S, x, i)).intoArray(e, i);
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(e[i] - want) / want);
        }
        assertThat(worst).isLessThan(VectorExp.MAX_RELATIVE_ERROR).isGreaterThan(0);
        assertThat(VectorExp.exp(0f)).isEqualTo(1f);
    }

    @Test
    void lanesAndTheScalarFormAgreeBitForBit() {
        Random r = new Random(7);
        float[] x = new float[S.length() * 4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 40);
        }
        x[0] = Float.NEGATIVE_INFINITY;
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = -1000f;
        float[] e = new float[x.length];
        for (int i = 0; i < x.length; i += S.length()) {
            VectorExp.exp(FloatVector.fromArray(S, x, i)).intoArray(e, i);
        }
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(e[i]))
                    .as("exp(%s)", x[i])
                    .isEqualTo(Float.floatToRawIntBits(VectorExp.exp(x[i])));
        }
    }

    @Test
    void inputsOutsideTheRangeAreClampedNotOverflowed() {
        assertThat(VectorExp.exp(Float.NEGATIVE_INFINITY))
                .isEqualTo(VectorExp.exp(VectorExp.MIN_INPUT))
                .isPositive();
        assertThat(VectorExp.exp(1000f))
                .isEqualTo(VectorExp.exp(VectorExp.MAX_INPUT))
                .isFinite();
    }
}
