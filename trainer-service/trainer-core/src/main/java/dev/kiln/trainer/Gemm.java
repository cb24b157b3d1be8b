package dev.kiln.trainer;

import jdk.incubator.vector.FloatVector;

/**
 * The training matmul: {@code c[M,N] (+)= op(a)[M,K] · op(b)[K,N] (+ bias[N])}, where either operand
 * may be stored transposed. Built the way BLIS and oneDNN build a GEMM, in Java because the
 * product is the trainer itself and no Java BLAS reaches the Vector API's FMA rate: blocks of
 * {@link #KC} steps of K, panels of b packed once per block into {@link #NR}-column slivers
 * ({@link #KC}·{@link #NR} floats stay in L1), blocks of {@link #MC} rows of a packed into
 * {@link #MR}-row slivers (an {@link #MC}·{@link #KC} block stays in L2), and a micro-kernel that
 * keeps an {@link #MR}×{@link #NR} tile of c in twelve vector registers while it streams both
 * packed slivers. Packing reads either storage order, so forward (x·Wᵀ), backward dX (dY·W) and
 * dW (dYᵀ·X) need no transposed copies.
 *
 * <p>Reproducibility: every output is one fused multiply-add chain in k order, starting from c
 * (accumulate) plus the bias, or from zero plus the bias. Between K blocks the running value is stored in c as an exact
 * float and reloaded, so the chain does not depend on the blocking; edge tiles run the same vector
 * kernel on a copy; each output belongs to exactly one thread's rectangle. Results are therefore
 * bit-identical for every thread count, tile size and JIT state.
 */
final class Gemm {
    static final int MR =
            6; // 6 rows × 2 vectors = 12 accumulators + 2 b vectors + 1 broadcast: 15 of 16 AVX2 registers
    static final int NR = 2 * Vec.L;
    static final int KC = 256;
    static final int MC = 120; // multiple of MR; 120·256 floats = 120 KB of packed a in L2
    static final int NC = 2048; // multiple of NR on every species; 256·2048 floats = 2 MB of packed b in L3

    // how a chain starts: bit flags, none = zero
    private static final int LOAD = 1, BIAS = 2;

    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], new float[KC * NC], new float[MR * NR]});

    private Gemm() {}

    /**
     * a's element (m, k) is at {@code aOff + m·ars + k·acs}, b's element (k, n) at
     * {@code bOff + k·brs + n·bcs}; c is row-major with row stride N.
     */
    static void multiply(
            ThreadPool pool,
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            int ars,
            int acs,
            float[] b,
            int bOff,
            int brs,
            int bcs,
            float[] bias,
            int biasOff,
            int M,
            int N,
            int K,
            boolean accumulate) {
        if (M <= 0 || N <= 0) {
            return;
        }
        Operands op = new Operands(c, cOff, a, aOff, ars, acs, b, bOff, brs, bcs, bias, biasOff, N, K, accumulate);
        int mUnits = (M + MR - 1) / MR, nUnits = (N + NR - 1) / NR;
        if ((long) M * N * K < 1 << 16 || pool.threads() == 1) {
            op.rectangle(0, M, 0, N);
        } else if (mUnits >= nUnits) {
            pool.parallelFor(mUnits, (u0, u1) -> op.rectangle(u0 * MR, Math.min(M, u1 * MR), 0, N));
        } else {
            pool.parallelFor(nUnits, (u0, u1) -> op.rectangle(0, M, u0 * NR, Math.min(N, u1 * NR)));
        }
    }

    private record Operands(
            float[] c,
            int cOff,
            float[] a,
            int aOff,
            int ars,
            int acs,
            float[] b,
            int bOff,
            int brs,
            int bcs,
            float[] bias,
            int biasOff,
            int N,
            int K,
            boolean accumulate) {

        /** Computes c[m0..m1, n0..n1) on the calling thread. */
        void rectangle(int m0, int m1, int n0, int n1) {
            float[][] buf = BUFFERS.get();
            float[] packA = buf[0], packB = buf[1], edge = buf[2];
            for (int jc = n0; jc < n1; jc += NC) {
                int nc = Math.min(NC, n1 - jc);
                int pc = 0;
                do {
                    int kc = Math.min(KC, K - pc);
                    int mode = pc > 0 ? LOAD : (accumulate ? LOAD : 0) | (bias != null ? BIAS : 0);
                    packB(packB, pc, kc, jc, nc);
                    for (int ic = m0; ic < m1; ic += MC) {
                        int mc = Math.min(MC, m1 - ic);
                        packA(packA, ic, mc, pc, kc);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            for (int ir = 0; ir < mc; ir += MR) {
                                int mr = Math.min(MR, mc - ir);
                                tile(packA, ir * kc, packB, jr * kc, kc, ic + ir, mr, jc + jr, nr, mode, edge);
                            }
                        }
                    }
                    pc += kc;
                } while (pc < K);
            }
        }

        /** Slivers of NR columns, each kc rows of NR floats; columns past n0+nc are zero. */
        private void packB(float[] dst, int pc, int kc, int n0, int nc) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr), base = jr * kc;
                int src = bOff + pc * brs + (n0 + jr) * bcs;
                if (bcs == 1 && nr == NR) {
                    for (int k = 0; k < kc; k++) {
                        int s = src + k * brs, d = base + k * NR;
                        FloatVector.fromArray(Vec.S, b, s).intoArray(dst, d);
                        FloatVector.fromArray(Vec.S, b, s + Vec.L).intoArray(dst, d + Vec.L);
                    }
                } else {
                    for (int j = 0; j < NR; j++) {
                        if (j < nr) {
                            int s = src + j * bcs;
                            for (int k = 0; k < kc; k++) {
                                dst[base + k * NR + j] = b[s + k * brs];
                            }
                        } else {
                            for (int k = 0; k < kc; k++) {
                                dst[base + k * NR + j] = 0f;
                            }
                        }
                    }
                }
            }
        }

        /** Slivers of MR rows, each kc columns of MR floats; rows past m0+mc are zero. */
        private void packA(float[] dst, int m0, int mc, int pc, int kc) {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir), base = ir * kc;
                int src = aOff + (m0 + ir) * ars + pc * acs;
                if (acs == 1) { // rows contiguous along k: read each row once
                    for (int i = 0; i < MR; i++) {
                        int s = src + i * ars;
                        for (int k = 0; k < kc; k++) {
                            dst[base + k * MR + i] = i < mr ? a[s + k] : 0f;
                        }
                    }
                } else { // stored transposed: the MR values of one k are neighbours
                    for (int k = 0; k < kc; k++) {
                        int s = src + k * acs, d = base + k * MR;
                        for (int i = 0; i < MR; i++) {
                            dst[d + i] = i < mr ? a[s + i * ars] : 0f;
                        }
                    }
                }
            }
        }

        private void tile(
                float[] pa, int ai, float[] pb, int bi, int kc, int m, int mr, int n, int nr, int mode, float[] edge) {
            int ci = cOff + m * N + n;
            if (mr == MR && nr == NR) {
                kernel(pa, ai, pb, bi, kc, c, ci, N, mode, bias, biasOff + n);
                return;
            }
            // edge tile: the same kernel on a full-size copy, so edge outputs get the same FMA chain
            for (int i = 0; i < MR; i++) {
                for (int j = 0; j < NR; j++) {
                    float v = 0f;
                    if (i < mr && j < nr) {
                        v = (mode & LOAD) != 0 ? c[ci + i * N + j] : 0f;
                        v = (mode & BIAS) != 0 ? v + bias[biasOff + n + j] : v;
                    }
                    edge[i * NR + j] = v;
                }
            }
            kernel(pa, ai, pb, bi, kc, edge, 0, NR, LOAD, null, 0);
            for (int i = 0; i < mr; i++) {
                System.arraycopy(edge, i * NR, c, ci + i * N, nr);
            }
        }
    }

    /** c[MR, NR] tile at ci (row stride ldc) = init + Σ_k pa[k]·pb[k], one FMA per k in order. */
    private static void kernel(
            float[] pa,
            int ai,
            float[] pb,
            int bi,
            int kc,
            float[] c,
            int ci,
            int ldc,
            int mode,
            float[] bias,
            int bo) {
        final int L = Vec.L;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if ((mode & LOAD) != 0) {
            int r = ci;
            c00 = FloatVector.fromArray(Vec.S, c, r);
            c01 = FloatVector.fromArray(Vec.S, c, r + L);
            r += ldc;
            c10 = FloatVector.fromArray(Vec.S, c, r);
            c11 = FloatVector.fromArray(Vec.S, c, r + L);
            r += ldc;
            c20 = FloatVector.fromArray(Vec.S, c, r);
            c21 = FloatVector.fromArray(Vec.S, c, r + L);
            r += ldc;
            c30 = FloatVector.fromArray(Vec.S, c, r);
            c31 = FloatVector.fromArray(Vec.S, c, r + L);
            r += ldc;
            c40 = FloatVector.fromArray(Vec.S, c, r);
            c41 = FloatVector.fromArray(Vec.S, c, r + L);
            r += ldc;
            c50 = FloatVector.fromArray(Vec.S, c, r);
            c51 = FloatVector.fromArray(Vec.S, c, r + L);
        } else {
            c00 = c10 = c20 = c30 = c40 = c50 = FloatVector.zero(Vec.S);
            c01 = c11 = c21 = c31 = c41 = c51 = c00;
        }
        if ((mode & BIAS) != 0) {
            FloatVector v0 = FloatVector.fromArray(Vec.S, bias, bo), v1 = FloatVector.fromArray(Vec.S, bias, bo + L);
            c00 = c00.add(v0);
            c10 = c10.add(v0);
            c20 = c20.add(v0);
            c30 = c30.add(v0);
            c40 = c40.add(v0);
            c50 = c50.add(v0);
            c01 = c01.add(v1);
            c11 = c11.add(v1);
            c21 = c21.add(v1);
            c31 = c31.add(v1);
            c41 = c41.add(v1);
            c51 = c51.add(v1);
        }
        int end = ai + kc * MR;
        for (int a = ai, b = bi; a < end; a += MR, b += NR) {
            FloatVector b0 = FloatVector.fromArray(Vec.S, pb, b);
            FloatVector b1 = FloatVector.fromArray(Vec.S, pb, b + L);
            FloatVector x = FloatVector.broadcast(Vec.S, pa[a]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(Vec.S, pa[a + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(Vec.S, pa[a + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(Vec.S, pa[a + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(Vec.S, pa[a + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(Vec.S, pa[a + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
        }
        int r = ci;
        c00.intoArray(c, r);
        c01.intoArray(c, r + L);
        r += ldc;
        c10.intoArray(c, r);
        c11.intoArray(c, r + L);
        r += ldc;
        c20.intoArray(c, r);
        c21.intoArray(c, r + L);
        r += ldc;
        c30.intoArray(c, r);
        c31.intoArray(c, r + L);
        r += ldc;
        c40.intoArray(c, r);
        c41.intoArray(c, r + L);
        r += ldc;
        c50.intoArray(c, r);
        c51.intoArray(c, r + L);
    }
}
