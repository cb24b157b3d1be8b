package dev.kiln.trainer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The matmul entry points of the module. Training goes through the packed, cache-blocked {@link
 * Gemm} in all three forms a linear layer needs: {@link #abT} (forward, x·Wᵀ), {@link #ab}
 * (backward dX = dY·W) and {@link #atb} (backward dW = dYᵀ·X); each output is one FMA chain in k
 * order, so training is bit-reproducible across thread counts and JIT states.
 *
 * <p>{@link #rowsAbT} is the dot-product form for a single row or a few (KV-cache decoding),
 * where packing would cost more than the product: both operands are read along K and a 4×4
 * register tile reuses each loaded vector four times; each output is lane-wise FMAs over full
 * vectors of K, one lane reduction, then the scalar tail, whatever tile it falls in.
 */
public final class Matmul {
    private static final int NB = 128; // rows of b kept hot in L2 while all rows of a pass by

    private Matmul() {}

    /** {@code c[M,N] (+)= a[M,K] · b[N,K]^T (+ bias[N])}, all row-major: the dot-product form for few rows. */
    public static void rowsAbT(
            ThreadPool pool,
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int M,
            int N,
            int K,
            boolean accumulate) {
        int mTiles = (M + 3) / 4;
        if (mTiles >= 4 * pool.threads() || N < 16) {
            pool.parallelFor(
                    mTiles,
                    (t0, t1) -> block(
                            c,
                            cOff,
                            a,
                            aOff,
                            b,
                            bOff,
                            bias,
                            biasOff,
                            N,
                            K,
                            accumulate,
                            t0 * 4,
                            Math.min(M, t1 * 4),
                            0,
                            N));
        } else {
            int nTiles = (N + 3) / 4;
            pool.parallelFor(
                    nTiles,
                    (t0, t1) -> block(
                            c,
                            cOff,
                            a,
                            aOff,
                            b,
                            bOff,
                            bias,
                            biasOff,
                            N,
                            K,
                            accumulate,
                            0,
                            M,
                            t0 * 4,
                            Math.min(N, t1 * 4)));
        }
    }

    private static void block(
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int N,
            int K,
            boolean acc,
            int m0,
            int m1,
            int n0,
            int n1) {
        for (int nc = n0; nc < n1; nc += NB) {
            int ncEnd = Math.min(n1, nc + NB);
            for (int m = m0; m < m1; m += 4) {
                int mr = Math.min(4, m1 - m);
                for (int n = nc; n < ncEnd; n += 4) {
                    int nr = Math.min(4, ncEnd - n);
                    if (mr == 4 && nr == 4) {
                        tile4x4(c, cOff, a, aOff, b, bOff, bias, biasOff, N, K, acc, m, n);
                    } else {
                        for (int i = 0; i < mr; i++) {
                            for (int j = 0; j < nr; j++) {
                                float v = Vec.dot(a, aOff + (m + i) * K, b, bOff + (n + j) * K, K);
                                store(c, cOff + (m + i) * N + n + j, v, bias, biasOff, n + j, acc);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void store(float[] c, int idx, float v, float[] bias, int biasOff, int n, boolean acc) {
        if (bias != null) {
            v += bias[biasOff + n];
        }
        c[idx] = acc ? c[idx] + v : v;
    }

    private static void tile4x4(
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int N,
            int K,
            boolean acc,
            int m,
            int n) {
        int a0 = aOff + m * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
        int b0 = bOff + n * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
        FloatVector c00 = FloatVector.zero(Vec.S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bound = Vec.S.loopBound(K);
        for (int k = 0; k < bound; k += Vec.L) {
            FloatVector w0 = FloatVector.fromArray(Vec.S, b, b0 + k);
            FloatVector w1 = FloatVector.fromArray(Vec.S, b, b1 + k);
            FloatVector w2 = FloatVector.fromArray(Vec.S, b, b2 + k);
            FloatVector w3 = FloatVector.fromArray(Vec.S, b, b3 + k);
            FloatVector x = FloatVector.fromArray(Vec.S, a, a0 + k);
            c00 = x.fma(w0, c00);
            c01 = x.fma(w1, c01);
            c02 = x.fma(w2, c02);
            c03 = x.fma(w3, c03);
            x = FloatVector.fromArray(Vec.S, a, a1 + k);
            c10 = x.fma(w0, c10);
            c11 = x.fma(w1, c11);
            c12 = x.fma(w2, c12);
            c13 = x.fma(w3, c13);
            x = FloatVector.fromArray(Vec.S, a, a2 + k);
            c20 = x.fma(w0, c20);
            c21 = x.fma(w1, c21);
            c22 = x.fma(w2, c22);
            c23 = x.fma(w3, c23);
            x = FloatVector.fromArray(Vec.S, a, a3 + k);
            c30 = x.fma(w0, c30);
            c31 = x.fma(w1, c31);
            c32 = x.fma(w2, c32);
            c33 = x.fma(w3, c33);
        }
        int c0 = cOff + m * N + n;
        finish(c, c0, c00, a, a0, b, b0, bound, K, bias, biasOff, n, acc);
        finish(c, c0 + 1, c01, a, a0, b, b1, bound, K, bias, biasOff, n + 1, acc);
        finish(c, c0 + 2, c02, a, a0, b, b2, bound, K, bias, biasOff, n + 2, acc);
        finish(c, c0 + 3, c03, a, a0, b, b3, bound, K, bias, biasOff, n + 3, acc);
        c0 += N;
        finish(c, c0, c10, a, a1, b, b0, bound, K, bias, biasOff, n, acc);
        finish(c, c0 + 1, c11, a, a1, b, b1, bound, K, bias, biasOff, n + 1, acc);
        finish(c, c0 + 2, c12, a, a1, b, b2, bound, K, bias, biasOff, n + 2, acc);
        finish(c, c0 + 3, c13, a, a1, b, b3, bound, K, bias, biasOff, n + 3, acc);
        c0 += N;
        finish(c, c0, c20, a, a2, b, b0, bound, K, bias, biasOff, n, acc);
        finish(c, c0 + 1, c21, a, a2, b, b1, bound, K, bias, biasOff, n + 1, acc);
        finish(c, c0 + 2, c22, a, a2, b, b2, bound, K, bias, biasOff, n + 2, acc);
        finish(c, c0 + 3, c23, a, a2, b, b3, bound, K, bias, biasOff, n + 3, acc);
        c0 += N;
        finish(c, c0, c30, a, a3, b, b0, bound, K, bias, biasOff, n, acc);
        finish(c, c0 + 1, c31, a, a3, b, b1, bound, K, bias, biasOff, n + 1, acc);
        finish(c, c0 + 2, c32, a, a3, b, b2, bound, K, bias, biasOff, n + 2, acc);
        finish(c, c0 + 3, c33, a, a3, b, b3, bound, K, bias, biasOff, n + 3, acc);
    }

    /** Same order as Vec.dot: lane reduction (only if a full vector was accumulated), then the scalar tail. */
    private static void finish(
            float[] c,
            int idx,
            FloatVector v,
            float[] a,
            int ai,
            float[] b,
            int bj,
            int bound,
            int K,
            float[] bias,
            int biasOff,
            int n,
            boolean acc) {
        float s = K >= Vec.L ? v.reduceLanes(VectorOperators.ADD) : 0f;
        for (int k = bound; k < K; k++) {
            s += a[ai + k] * b[bj + k];
        }
        store(c, idx, s, bias, biasOff, n, acc);
    }

    /**
     * {@code c[M,N] (+)= a[M,K] · b[N,K]^T (+ bias[N])}, all row-major, through the packed {@link
     * Gemm}: the forward pass of a linear layer (x·Wᵀ) without a transposed copy of W.
     */
    public static void abT(
            ThreadPool pool,
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int M,
            int N,
            int K,
            boolean accumulate) {
        Gemm.multiply(pool, c, cOff, a, aOff, K, 1, b, bOff, 1, K, bias, biasOff, M, N, K, accumulate);
    }

    /** {@code c[M,N] (+)= a[M,K] · b[K,N] (+ bias[N])}, all row-major, through the packed {@link Gemm}. */
    public static void ab(
            ThreadPool pool,
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int M,
            int N,
            int K,
            boolean accumulate) {
        Gemm.multiply(pool, c, cOff, a, aOff, K, 1, b, bOff, N, 1, bias, biasOff, M, N, K, accumulate);
    }

    /**
     * {@code c[M,N] (+)= aT[K,M]^T · b[K,N]}, through the packed {@link Gemm}: the weight gradient
     * dYᵀ·X without a transposed copy of dY.
     */
    public static void atb(
            ThreadPool pool,
            float[] c,
            int cOff,
            float[] aT,
            int aOff,
            float[] b,
            int bOff,
            int M,
            int N,
            int K,
            boolean accumulate) {
        Gemm.multiply(pool, c, cOff, aT, aOff, 1, M, b, bOff, N, 1, null, 0, M, N, K, accumulate);
    }

    /** dst[cols, rows] = src[rows, cols]^T. */
    public static void transpose(
            ThreadPool pool, float[] dst, int dstOff, float[] src, int srcOff, int rows, int cols) {
        final int BS = 32;
        int rBlocks = (rows + BS - 1) / BS;
        pool.parallelFor(rBlocks, (r0, r1) -> {
            for (int rb = r0 * BS; rb < Math.min(rows, r1 * BS); rb += BS) {
                int rEnd = Math.min(rows, rb + BS);
                for (int cb = 0; cb < cols; cb += BS) {
                    int cEnd = Math.min(cols, cb + BS);
                    for (int r = rb; r < rEnd; r++) {
                        for (int cc = cb; cc < cEnd; cc++) {
                            dst[dstOff + cc * rows + r] = src[srcOff + r * cols + cc];
                        }
                    }
                }
            }
        });
    }
}
