package dev.kiln.inference.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.numerics.VectorExp;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    @Test
    void expIsWithinItsStatedRelativeErrorOfMathExpOverTheWholeRange() {
        int n = 2_000_003; // odd: the last entries go through the scalar tail
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = Softmax.FLUSH * i / (n - 1); // [-87, 0], from 0 down
        }
        float[] e = x.clone();
        Softmax.expShifted(e, n, 0f, 1f);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(e[i] - want) / want);
        }
        assertThat(worst).isLessThan(VectorExp.MAX_RELATIVE_ERROR).isGreaterThan(0);
        assertThat(e[0]).isEqualTo(1f); // the top token's e^0 is exactly 1
    }

    @Test
    void vectorLanesAndScalarTailAgreeBitForBit() {
        Random r = new Random(3);
        float[] x = new float[1001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 20);
        }
        float max = Softmax.max(x, x.length);
        float scale = 1 / 0.7f;
        float[] e = x.clone();
        double sum = Softmax.expShifted(e, e.length, max, scale);
        double want = 0;
        for (int i = 0; i < x.length; i++) {
            float one = Softmax.exp((x[i] - max) * scale);
            assertThat(e[i]).as("entry %d", i).isEqualTo(one);
            want += one;
        }
        assertThat(sum).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * want));
    }

    @Test
    void underTheFlushPointIsZeroAndMaxIsTheLargest() {
        float[] x = {0f, -87.5f, Float.NEGATIVE_INFINITY, -200f, 3f, 2f, 1f, 0f, 0.5f};
        assertThat(Softmax.max(x, x.length)).isEqualTo(3f);
        float[] e = x.clone();
        Softmax.expShifted(e, e.length, 0f, 1f);
        assertThat(e[1]).isZero();
        assertThat(e[2]).isZero();
        assertThat(e[3]).isZero();
    }
}
