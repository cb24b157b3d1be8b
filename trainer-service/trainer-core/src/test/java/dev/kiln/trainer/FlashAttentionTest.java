package dev.kiln.trainer;

import static dev.kiln.trainer.GradCheckTest.rand;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The blockwise attention against the attention that stores the [B,NH,T,T] probabilities, at
 * sequence lengths that cross block boundaries (T not a multiple of the block, one past it, a
 * single position) and head sizes that are not a multiple of the vector width.
 */
class FlashAttentionTest {
    static final ThreadPool POOL = new ThreadPool(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void matchesTheStoredProbabilityAttention() {
        int blk = FlashAttention.BLOCK;
        int[][] shapes = { // B, T, NH, NKV, hs
            {2, blk + 5, 4, 2, 16},
            {1, 2 * blk + 1, 3, 3, 8},
            {2, 1, 2, 1, 20},
            {1, blk, 4, 1, 12},
            {1, 3 * blk - 7, 2, 2, 64}
        };
        for (int[] s : shapes) {
            compare(s[0], s[1], s[2], s[3], s[4]);
        }
    }

    private static void compare(int B, int T, int NH, int NKV, int hs) {
        Rng r = new Rng(T * 31L + hs);
        int stride = (NH + 2 * NKV) * hs, C = NH * hs;
        float[] qkv = rand(r, B * T * stride, 1.0), dout = rand(r, B * T * C, 1.0);
        float[] outOld = new float[B * T * C], att = new float[B * NH * T * T], dOld = new float[B * T * stride];
        Layers.attentionForward(POOL, outOld, 0, att, 0, qkv, 0, B, T, NH, NKV, hs);
        Layers.attentionBackward(POOL, dOld, 0, dout, 0, qkv, 0, att, 0, B, T, NH, NKV, hs);

        float[] out = new float[B * T * C], lse = new float[B * NH * T], d = new float[B * T * stride];
        FlashAttention.forward(POOL, out, 0, lse, 0, qkv, 0, B, T, NH, NKV, hs);
        FlashAttention.backward(POOL, d, 0, dout, 0, qkv, 0, out, 0, lse, 0, B, T, NH, NKV, hs);
        String shape = "B" + B + " T" + T + " NH" + NH + " NKV" + NKV + " hs" + hs;
        assertThat(maxAbsDiff(out, outOld)).as("out " + shape).isLessThan(1e-5f);
        assertThat(maxAbsDiff(d, dOld)).as("dqkv " + shape).isLessThan(1e-4f);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float m = 0f;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
