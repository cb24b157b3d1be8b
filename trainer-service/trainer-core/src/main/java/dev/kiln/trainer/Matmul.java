// Over 400 lines on purpose: the matmul forms share one tiling and reduction order, which must stay identical for
// bit-exact training.
package dev.kiln.trainer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The one matmul kernel of the module: {@code c[M,N] (+)= a[M,K] · b[N,K]^T (+ bias[N])}, all
 * row-major. Both operands are read along K, so every output is a dot product of two contiguous
 * rows; a 4×4 register tile reuses each loaded vector four times. The backward passes reach the
 * same kernel through transposes ({@link #transpose}), which cost O(n²) against the O(n³) products.
 *
 * <p>Each output is accumulated as: lane-wise FMAs over full vectors of K, one lane reduction,
 * then the scalar tail, whatever tile it falls in; so results do not depend on the tiling or the
 * thread split.
 */
public final class Matmul {
    private static final int NB = 128; // rows of b kept hot in L2 while all rows of a pass by

    private Matmul() {}

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
     * {@code c[M,N] (+)= a[M,K] · b[K,N] (+ bias[N])}, all row-major: the broadcast form. A 4-row ×
     * 2-vector register tile multiplies a broadcast element of a with vectors of a row of b, so no
     * lane reduction is needed and short K (= C in the forward pass) runs at full speed. Every
     * output is one fused multiply-add chain over k = 0..K-1 (vector lanes and the scalar edge path
     * alike), so results do not depend on tiling or the thread split. The training passes use this
     * kernel; {@link #abT} serves single-row products (decoding) where it needs no transpose.
     */
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
        abStrided(pool, c, cOff, a, aOff, K, 1, b, bOff, bias, biasOff, M, N, K, accumulate);
    }

    /**
     * {@code c[M,N] (+)= aT[K,M]^T · b[K,N]}: as {@link #ab} with a stored transposed. The tile
     * reads a[k, m..m+3], four neighbours in one cache line, so this costs no more than {@link #ab}
     * and saves the transpose of dout in the weight-gradient product.
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
        abStrided(pool, c, cOff, aT, aOff, 1, M, b, bOff, null, 0, M, N, K, accumulate);
    }

    /** a's element (m, k) is at aOff + m·sm + k·sk. */
    private static void abStrided(
            ThreadPool pool,
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            int sm,
            int sk,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int M,
            int N,
            int K,
            boolean accumulate) {
        final int tw = 2 * Vec.L; // 32 columns on AVX-512: divides C, 3C, 4C and the padded vocab
        int mTiles = (M + 3) / 4;
        // columns of b per panel: about 256 KB of b stays in L2 while the rows of a pass by
        int panel = Math.max(tw, Math.min((N + tw - 1) / tw * tw, (65536 / Math.max(1, K)) / tw * tw));
        if (mTiles >= 2 * pool.threads()) {
            pool.parallelFor(mTiles, (t0, t1) -> {
                for (int n0 = 0; n0 < N; n0 += panel) {
                    int n1 = Math.min(N, n0 + panel);
                    for (int m = t0 * 4; m < Math.min(M, t1 * 4); m += 4) {
                        for (int n = n0; n < n1; n += tw) {
                            abTile(
                                    c,
                                    cOff,
                                    a,
                                    aOff,
                                    sm,
                                    sk,
                                    b,
                                    bOff,
                                    bias,
                                    biasOff,
                                    N,
                                    K,
                                    accumulate,
                                    m,
                                    Math.min(4, M - m),
                                    n,
                                    Math.min(n1, n + tw));
                        }
                    }
                }
            });
        } else {
            int nTiles = (N + tw - 1) / tw;
            pool.parallelFor(nTiles, (t0, t1) -> {
                for (int m = 0; m < M; m += 4) {
                    for (int t = t0; t < t1; t++) {
                        abTile(
                                c,
                                cOff,
                                a,
                                aOff,
                                sm,
                                sk,
                                b,
                                bOff,
                                bias,
                                biasOff,
                                N,
                                K,
                                accumulate,
                                m,
                                Math.min(4, M - m),
                                t * tw,
                                Math.min(N, (t + 1) * tw));
                    }
                }
            });
        }
    }

    private static void abTile(
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            int sm,
            int sk,
            float[] b,
            int bOff,
            float[] bias,
            int biasOff,
            int N,
            int K,
            boolean acc,
            int m,
            int mr,
            int n,
            int nEnd) {
        final int L = Vec.L;
        if (mr == 4 && nEnd - n == 2 * L) {
            int a0 = aOff + m * sm, a1 = a0 + sm, a2 = a1 + sm, a3 = a2 + sm;
            FloatVector c00 = FloatVector.zero(Vec.S), c01 = c00;
            FloatVector c10 = c00, c11 = c00;
            FloatVector c20 = c00, c21 = c00;
            FloatVector c30 = c00, c31 = c00;
            for (int k = 0; k < K; k++) {
                int br = bOff + k * N + n;
                FloatVector b0 = FloatVector.fromArray(Vec.S, b, br);
                FloatVector b1 = FloatVector.fromArray(Vec.S, b, br + L);
                int ak = k * sk;
                FloatVector x = FloatVector.broadcast(Vec.S, a[a0 + ak]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                x = FloatVector.broadcast(Vec.S, a[a1 + ak]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                x = FloatVector.broadcast(Vec.S, a[a2 + ak]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                x = FloatVector.broadcast(Vec.S, a[a3 + ak]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
            }
            int r = cOff + m * N + n;
            storeV(c, r, c00, bias, biasOff, n, acc);
            storeV(c, r + L, c01, bias, biasOff, n + L, acc);
            r += N;
            storeV(c, r, c10, bias, biasOff, n, acc);
            storeV(c, r + L, c11, bias, biasOff, n + L, acc);
            r += N;
            storeV(c, r, c20, bias, biasOff, n, acc);
            storeV(c, r + L, c21, bias, biasOff, n + L, acc);
            r += N;
            storeV(c, r, c30, bias, biasOff, n, acc);
            storeV(c, r + L, c31, bias, biasOff, n + L, acc);
            return;
        }
        for (int i = 0; i < mr; i++) {
            int ar = aOff + (m + i) * sm;
            int j = n;
            for (; j + L <= nEnd; j += L) {
                FloatVector s = FloatVector.zero(Vec.S);
                for (int k = 0; k < K; k++) {
                    s = FloatVector.fromArray(Vec.S, b, bOff + k * N + j)
                            .fma(FloatVector.broadcast(Vec.S, a[ar + k * sk]), s);
                }
                storeV(c, cOff + (m + i) * N + j, s, bias, biasOff, j, acc);
            }
            for (; j < nEnd; j++) {
                float s = 0f;
                for (int k = 0; k < K; k++) {
                    s = Math.fma(a[ar + k * sk], b[bOff + k * N + j], s);
                }
                store(c, cOff + (m + i) * N + j, s, bias, biasOff, j, acc);
            }
        }
    }

    private static void storeV(float[] c, int idx, FloatVector v, float[] bias, int biasOff, int n, boolean acc) {
        if (bias != null) {
            v = v.add(FloatVector.fromArray(Vec.S, bias, biasOff + n));
        }
        if (acc) {
            v = FloatVector.fromArray(Vec.S, c, idx).add(v);
        }
        v.intoArray(c, idx);
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
