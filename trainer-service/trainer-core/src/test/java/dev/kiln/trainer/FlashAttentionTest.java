package dev.kiln.trainer;

import static dev.kiln.trainer.GradCheckTest.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The blockwise attention against attention written out in full (every T×T score, softmax and
 * its backward, in double), at sequence lengths that cross block boundaries (T not a multiple of
 * the block, one past it, a single position) and head sizes that are not a multiple of the
 * vector width; and bit-identical results for any thread count. (Until the switch it was also
 * checked against the attention that stored the [B,NH,T,T] probabilities: out within 1e-5,
 * dqkv within 1e-4 on the same shapes.)
 */
class FlashAttentionTest {
    static final ThreadPool POOL = new ThreadPool(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    private static final int BLK = FlashAttention.BLOCK;
    private static final int[][] SHAPES = { // B, T, NH, NKV, hs
        {2, BLK + 5, 4, 2, 16},
        {1, 2 * BLK + 1, 3, 3, 8},
        {2, 1, 2, 1, 20},
        {1, BLK, 4, 1, 12},
        {1, 3 * BLK - 7, 2, 2, 64}
    };

    @Test
    void matchesAttentionWrittenOutInFull() {
        for (int[] s : SHAPES) {
            int B = s[0], T = s[1], NH = s[2], NKV = s[3], hs = s[4];
            Rng r = new Rng(T * 31L + hs);
            int stride = (NH + 2 * NKV) * hs, C = NH * hs;
            float[] qkv = rand(r, B * T * stride, 1.0), dout = rand(r, B * T * C, 1.0);
            double[] outRef = new double[B * T * C], lseRef = new double[B * NH * T], dRef = new double[B * T * stride];
            reference(qkv, dout, outRef, lseRef, dRef, B, T, NH, NKV, hs);

            float[] out = new float[B * T * C], lse = new float[B * NH * T], d = new float[B * T * stride];
            FlashAttention attention = new FlashAttention(POOL, new AttentionShape(B, T, NH, NKV, hs));
            attention.forward(out, 0, lse, 0, qkv, 0);
            attention.backward(d, 0, dout, 0, qkv, 0, out, 0, lse, 0);
            String shape = "B" + B + " T" + T + " NH" + NH + " NKV" + NKV + " hs" + hs;
            assertThat(maxAbsDiff(out, outRef)).as("out " + shape).isLessThan(1e-5);
            assertThat(maxAbsDiff(lse, lseRef)).as("lse " + shape).isLessThan(1e-5);
            assertThat(maxAbsDiff(d, dRef)).as("dqkv " + shape).isLessThan(1e-4);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int B = 3, T = 2 * BLK + 9, NH = 4, NKV = 2, hs = 16, stride = (NH + 2 * NKV) * hs, C = NH * hs;
        Rng r = new Rng(5);
        float[] qkv = rand(r, B * T * stride, 1.0), dout = rand(r, B * T * C, 1.0);
        float[][] outs = new float[3][], lses = new float[3][], ds = new float[3][];
        for (int threads = 1; threads <= 3; threads++) {
            try (ThreadPool pool = new ThreadPool(threads)) {
                float[] out = new float[B * T * C], lse = new float[B * NH * T], d = new float[B * T * stride];
                FlashAttention attention = new FlashAttention(pool, new AttentionShape(B, T, NH, NKV, hs));
                attention.forward(out, 0, lse, 0, qkv, 0);
                attention.backward(d, 0, dout, 0, qkv, 0, out, 0, lse, 0);
                outs[threads - 1] = out;
                lses[threads - 1] = lse;
                ds[threads - 1] = d;
            }
        }
        for (int i = 1; i < 3; i++) {
            assertThat(outs[i]).containsExactly(outs[0]);
            assertThat(lses[i]).containsExactly(lses[0]);
            assertThat(ds[i]).containsExactly(ds[0]);
        }
    }

    @Test
    void reusedScratchGivesWhatAFreshOneGives() {
        // one FlashAttention serves every layer of a model, call after call, on the same scratch
        AttentionShape shape = new AttentionShape(2, BLK + 5, 4, 2, 20); // padding in both T and hs
        int stride = shape.qkvStride, C = shape.C, N = shape.B * shape.T;
        Rng r = new Rng(9);
        float[] first = rand(r, N * stride, 3.0), qkv = rand(r, N * stride, 1.0), dout = rand(r, N * C, 1.0);
        FlashAttention reused = new FlashAttention(POOL, shape);
        float[] out = new float[N * C], lse = new float[shape.B * shape.NH * shape.T], d = new float[N * stride];
        reused.forward(out, 0, lse, 0, first, 0);
        reused.backward(d, 0, rand(r, N * C, 3.0), 0, first, 0, out, 0, lse, 0);
        reused.forward(out, 0, lse, 0, qkv, 0);
        reused.backward(d, 0, dout, 0, qkv, 0, out, 0, lse, 0);

        FlashAttention fresh = new FlashAttention(POOL, shape);
        float[] out2 = new float[N * C], lse2 = new float[lse.length], d2 = new float[N * stride];
        fresh.forward(out2, 0, lse2, 0, qkv, 0);
        fresh.backward(d2, 0, dout, 0, qkv, 0, out2, 0, lse2, 0);
        assertThat(out).containsExactly(out2);
        assertThat(lse).containsExactly(lse2);
        assertThat(d).containsExactly(d2);
    }

    @Test
    void shapeRejectsKeyValueHeadsNotDividingTheQueryHeads() {
        assertThatThrownBy(() -> new AttentionShape(1, 8, 6, 4, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NKV must divide NH");
    }

    /** Causal grouped-query attention and its backward, every score kept, in double. */
    private static void reference(
            float[] qkv,
            float[] dout,
            double[] out,
            double[] lse,
            double[] dqkv,
            int B,
            int T,
            int NH,
            int NKV,
            int hs) {
        int C = NH * hs, stride = (NH + 2 * NKV) * hs, group = NH / NKV;
        double scale = 1.0 / Math.sqrt(hs);
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < NH; h++) {
                int q = h * hs, k = C + (h / group) * hs, v = C + (NKV + h / group) * hs;
                for (int t = 0; t < T; t++) {
                    int qt = (b * T + t) * stride;
                    double[] p = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= t; j++) {
                        int kj = (b * T + j) * stride;
                        for (int d = 0; d < hs; d++) {
                            p[j] += (double) qkv[qt + q + d] * qkv[kj + k + d];
                        }
                        p[j] *= scale;
                        max = Math.max(max, p[j]);
                    }
                    for (int j = 0; j <= t; j++) {
                        p[j] = Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    lse[(b * NH + h) * T + t] = max + Math.log(sum);
                    int o = (b * T + t) * C + h * hs;
                    double[] dp = new double[t + 1];
                    double pdp = 0;
                    for (int j = 0; j <= t; j++) {
                        p[j] /= sum;
                        int vj = (b * T + j) * stride + v;
                        for (int d = 0; d < hs; d++) {
                            out[o + d] += p[j] * qkv[vj + d];
                            dp[j] += (double) dout[o + d] * qkv[vj + d];
                            dqkv[vj + d] += p[j] * dout[o + d];
                        }
                        pdp += p[j] * dp[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        double ds = p[j] * (dp[j] - pdp) * scale;
                        int kj = (b * T + j) * stride;
                        for (int d = 0; d < hs; d++) {
                            dqkv[qt + q + d] += ds * qkv[kj + k + d];
                            dqkv[kj + k + d] += ds * qkv[qt + q + d];
                        }
                    }
                }
            }
        }
    }

    private static double maxAbsDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
