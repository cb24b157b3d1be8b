package dev.kiln.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfTest {
    /** The value of a binary16 pattern from its definition, in double arithmetic. */
    private static double value(int h) {
        int sign = (h >>> 15) & 1, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
        double v = exp == 0 ? mant * Math.pow(2, -24) : (1024 + mant) * Math.pow(2, exp - 25);
        if (exp == 0x1f) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        return sign == 1 ? -v : v;
    }

    @Test
    void everyPatternDecodesToItsValueAndEncodesBack() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            double want = value(h);
            if (Double.isNaN(want)) {
                assertThat(f).as("0x%04x", h).isNaN();
                assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(f)))).isTrue();
                continue;
            }
            assertThat((double) f).as("0x%04x", h).isEqualTo(want);
            assertThat(Half.fromFloat(f) & 0xffff).as("0x%04x back", h).isEqualTo(h);
        }
    }

    @Test
    void roundsToNearestTiesToEvenAndOverflowsToInfinity() {
        // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even 1
        assertThat(Half.fromFloat(1f + 0x1p-11f)).isEqualTo(Half.fromFloat(1f));
        // 1 + 3·2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even)
        assertThat(Half.toFloat(Half.fromFloat(1f + 3 * 0x1p-11f))).isEqualTo(1f + 0x1p-9f);
        assertThat(Half.toFloat(Half.fromFloat(1f + 0x1p-11f + 0x1p-20f))).isEqualTo(1f + 0x1p-10f);
        assertThat(Half.toFloat(Half.fromFloat(65504f))).isEqualTo(65504f);
        assertThat(Half.toFloat(Half.fromFloat(65520f))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Half.toFloat(Half.fromFloat(-1e9f))).isEqualTo(Float.NEGATIVE_INFINITY);
        // subnormals: the smallest half is 2^-24; half of it ties to zero, a bit more rounds up
        assertThat(Half.toFloat(Half.fromFloat(0x1p-24f))).isEqualTo(0x1p-24f);
        assertThat(Half.toFloat(Half.fromFloat(0x1p-25f))).isZero();
        assertThat(Half.toFloat(Half.fromFloat(0x1.1p-25f))).isEqualTo(0x1p-24f);
    }
}
