package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The packed GEMM against a scalar reference that states its contract: every output equals, bit
 * for bit, one Math.fma chain in k order starting from (accumulate ? c : 0) + bias. Shapes span
 * several K blocks, M blocks and N blocks plus ragged edges, on 1, 2 and 3 threads.
 */
class GemmTest {

    private static final int[][] SHAPES = {
        {1, 1, 1}, {5, 3, 2}, {37, 101, 131}, {2 * Gemm.MC + 7, 3 * Gemm.NR + 5, 2 * Gemm.KC + 9}, {7, Gemm.NC + 40, 5}
    };

    @Test
    void everyFormIsOneFmaChainPerOutputOnAnyThreadCount() {
        Rng r = new Rng(11);
        for (int[] s : SHAPES) {
            int M = s[0], N = s[1], K = s[2];
            float[] a = rand(r, M * K), b = rand(r, K * N), bias = rand(r, N), c0 = rand(r, M * N);
            for (int threads = 1; threads <= 3; threads++) {
                try (ThreadPool pool = new ThreadPool(threads)) {
                    for (boolean acc : new boolean[] {false, true}) {
                        // ab: a[M,K]·b[K,N] + bias
                        float[] c = c0.clone();
                        Matmul.ab(pool, c, 0, a, 0, b, 0, bias, 0, M, N, K, acc);
                        assertThat(c).containsExactly(reference(a, K, 1, b, N, 1, bias, c0, acc, M, N, K));
                        // abT: a[M,K]·bT[N,K]^T + bias (the same numbers read as [N,K])
                        c = c0.clone();
                        Matmul.abT(pool, c, 0, a, 0, b, 0, bias, 0, M, N, K, acc);
                        assertThat(c).containsExactly(reference(a, K, 1, b, 1, K, bias, c0, acc, M, N, K));
                        // atb: aT[K,M]^T·b[K,N]
                        c = c0.clone();
                        Matmul.atb(pool, c, 0, a, 0, b, 0, M, N, K, acc);
                        assertThat(c).containsExactly(reference(a, 1, M, b, N, 1, null, c0, acc, M, N, K));
                    }
                }
            }
        }
    }

    @Test
    void offsetsAddressSubArrays() {
        Rng r = new Rng(12);
        int M = 9, N = 20, K = 17, pad = 3;
        float[] a = rand(r, pad + M * K), b = rand(r, pad + K * N), bias = rand(r, pad + N);
        float[] c = new float[pad + M * N];
        try (ThreadPool pool = new ThreadPool(2)) {
            Matmul.ab(pool, c, pad, a, pad, b, pad, bias, pad, M, N, K, false);
        }
        float[] expected = reference(
                java.util.Arrays.copyOfRange(a, pad, a.length),
                K,
                1,
                java.util.Arrays.copyOfRange(b, pad, b.length),
                N,
                1,
                java.util.Arrays.copyOfRange(bias, pad, bias.length),
                new float[M * N],
                false,
                M,
                N,
                K);
        assertThat(java.util.Arrays.copyOfRange(c, pad, c.length)).containsExactly(expected);
        assertThat(c[0]).isZero();
    }

    @Test
    void rowsAbTMatchesTheDoubleProduct() {
        Rng r = new Rng(13);
        int M = 3, N = 45, K = 70;
        float[] a = rand(r, M * K), b = rand(r, N * K), c = new float[M * N];
        try (ThreadPool pool = new ThreadPool(2)) {
            Matmul.rowsAbT(pool, c, 0, a, 0, b, 0, null, 0, M, N, K, false);
        }
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < K; k++) {
                    s += (double) a[i * K + k] * b[j * K + k];
                }
                assertThat((double) c[i * N + j]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    /** a(m,k) = a[m·ars + k·acs], b(k,n) = b[k·brs + n·bcs]. */
    private static float[] reference(
            float[] a,
            int ars,
            int acs,
            float[] b,
            int brs,
            int bcs,
            float[] bias,
            float[] c0,
            boolean acc,
            int M,
            int N,
            int K) {
        float[] c = new float[M * N];
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                float s = acc ? c0[m * N + n] : 0f;
                if (bias != null) {
                    s += bias[n];
                }
                for (int k = 0; k < K; k++) {
                    s = Math.fma(a[m * ars + k * acs], b[k * brs + n * bcs], s);
                }
                c[m * N + n] = s;
            }
        }
        return c;
    }

    private static float[] rand(Rng r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
