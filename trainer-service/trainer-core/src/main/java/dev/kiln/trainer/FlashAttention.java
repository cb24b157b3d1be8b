package dev.kiln.trainer;

import dev.kiln.numerics.VectorExp;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal grouped-query self-attention computed blockwise, the way FlashAttention does: the forward
 * pass walks key blocks with an online softmax and keeps only the output and each row's
 * log-sum-exp; the backward pass recomputes the scores block by block from q, k and that
 * log-sum-exp. Nothing of size T×T is ever stored, so a layer keeps {@code [B,NH,T]} floats for
 * backward instead of {@code [B,NH,T,T]}, and blocks wholly above the causal diagonal are skipped
 * in both passes.
 *
 * <p>Layout: qkv[B,T,(NH+2·NKV)·hs] holds NH query heads, then NKV key heads, then NKV value
 * heads; query head h reads key/value head h / (NH/NKV) (Hugging Face's repeat_kv order);
 * out[B,T,NH·hs]; lse[B,NH,T]. GPT-2 is the case NKV = NH.
 *
 * <p>Kernels: every block product is in broadcast form (a scalar of one operand times a vector
 * row of the other, FMA into register tiles of 4 rows), so no product needs a lane reduction and
 * each output element is one FMA chain in a fixed order. The work is split over (batch, head) in
 * the forward and (batch, key/value head) in the backward, each serial on one thread, and the
 * key/value gradients of a group sum its query heads in head order: results do not depend on the
 * thread count. Gathered operands are zero-padded to whole blocks (rows) and whole vectors
 * (head size), so the kernels have no tail cases; padded rows and masked columns get probability
 * exactly 0.
 */
public final class FlashAttention {
    /** Query rows and key columns per block; equal, so a block's keys never start past its rows. */
    public static final int BLOCK = Math.max(32, 2 * Vec.L);

    private FlashAttention() {}

    /** out[B,T,NH·hs] = softmax(q·kᵀ/√hs, causal)·v; lse[B,NH,T] = the rows' log-sum-exp (scaled scores). */
    public static void forward(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] lse,
            int lseOff,
            float[] qkv,
            int qkvOff,
            int B,
            int T,
            int NH,
            int NKV,
            int hs) {
        int C = NH * hs, stride = (NH + 2 * NKV) * hs, group = NH / NKV;
        int Tp = roundUp(T, BLOCK), hsp = roundUp(hs, Vec.L);
        float scale = (float) (1.0 / Math.sqrt(hs));
        pool.parallelFor(B * NH, (i0, i1) -> {
            float[] q = new float[Tp * hsp], kT = new float[hs * Tp], v = new float[Tp * hsp];
            float[] s = new float[BLOCK * BLOCK],
                    o = new float[BLOCK * hsp],
                    m = new float[BLOCK],
                    l = new float[BLOCK];
            for (int bh = i0; bh < i1; bh++) {
                int b = bh / NH, h = bh % NH, kvh = h / group;
                int row0 = qkvOff + b * T * stride;
                gatherRows(q, hsp, qkv, row0 + h * hs, stride, T, hs);
                gatherTransposed(kT, Tp, qkv, row0 + C + kvh * hs, stride, T, hs);
                gatherRows(v, hsp, qkv, row0 + C + (NKV + kvh) * hs, stride, T, hs);
                int lseRow = lseOff + bh * T;
                for (int r0 = 0; r0 < T; r0 += BLOCK) {
                    Arrays.fill(o, 0f);
                    Arrays.fill(m, Float.NEGATIVE_INFINITY);
                    Arrays.fill(l, 0f);
                    for (int c0 = 0; c0 <= r0; c0 += BLOCK) {
                        scores(s, q, r0, hsp, kT, Tp, c0, hs, scale);
                        for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                            int row = r * BLOCK, nv = Math.min(BLOCK, r0 + r - c0 + 1);
                            float max = Math.max(m[r], rowMax(s, row, nv));
                            float sum = Vec.expShiftScaleSum(s, row, nv, max, 1f);
                            Arrays.fill(s, row + nv, row + BLOCK, 0f);
                            float rescale = (float) Math.exp(m[r] - max); // 0 on the first block
                            l[r] = l[r] * rescale + sum;
                            m[r] = max;
                            if (rescale != 1f) {
                                for (int d = r * hsp; d < (r + 1) * hsp; d += Vec.L) {
                                    FloatVector.fromArray(Vec.S, o, d)
                                            .mul(rescale)
                                            .intoArray(o, d);
                                }
                            }
                        }
                        zeroRowsFrom(s, T - r0);
                        rowsTimes(o, s, v, c0, hsp); // o += p·v
                    }
                    for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                        float inv = 1f / l[r];
                        int dst = outOff + (b * T + r0 + r) * C + h * hs;
                        for (int d = 0; d < hs; d++) {
                            out[dst + d] = o[r * hsp + d] * inv;
                        }
                        lse[lseRow + r0 + r] = m[r] + (float) Math.log(l[r]);
                    }
                }
            }
        });
    }

    /**
     * Backward of {@link #forward}: dqkv[B,T,(NH+2·NKV)·hs] is overwritten; dout is d(out); out and
     * lse are what the forward wrote. Per query block and key block: p = exp(s - lse),
     * dv += pᵀ·dout, dp = dout·vᵀ, ds = p·(dp - rowsum(dout·out))/√hs, dq += ds·k, dk += dsᵀ·q.
     */
    public static void backward(
            ThreadPool pool,
            float[] dqkv,
            int dqkvOff,
            float[] dout,
            int doutOff,
            float[] qkv,
            int qkvOff,
            float[] out,
            int outOff,
            float[] lse,
            int lseOff,
            int B,
            int T,
            int NH,
            int NKV,
            int hs) {
        int C = NH * hs, stride = (NH + 2 * NKV) * hs, group = NH / NKV;
        int Tp = roundUp(T, BLOCK), hsp = roundUp(hs, Vec.L);
        float scale = (float) (1.0 / Math.sqrt(hs));
        pool.parallelFor(B * NKV, (i0, i1) -> {
            float[] q = new float[Tp * hsp], dy = new float[Tp * hsp], k = new float[Tp * hsp];
            float[] kT = new float[hs * Tp],
                    vT = new float[hs * Tp],
                    dk = new float[Tp * hsp],
                    dv = new float[Tp * hsp];
            float[] p = new float[BLOCK * BLOCK], ds = new float[BLOCK * BLOCK], dq = new float[BLOCK * hsp];
            float[] rowDot = new float[Tp];
            for (int bkv = i0; bkv < i1; bkv++) {
                int b = bkv / NKV, kvh = bkv % NKV;
                int row0 = qkvOff + b * T * stride;
                gatherRows(k, hsp, qkv, row0 + C + kvh * hs, stride, T, hs);
                gatherTransposed(kT, Tp, qkv, row0 + C + kvh * hs, stride, T, hs);
                gatherTransposed(vT, Tp, qkv, row0 + C + (NKV + kvh) * hs, stride, T, hs);
                Arrays.fill(dk, 0f);
                Arrays.fill(dv, 0f);
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    gatherRows(q, hsp, qkv, row0 + h * hs, stride, T, hs);
                    gatherRows(dy, hsp, dout, doutOff + b * T * C + h * hs, C, T, hs);
                    for (int t = 0; t < T; t++) {
                        int y = outOff + (b * T + t) * C + h * hs;
                        float dot = 0f;
                        for (int d = 0; d < hs; d++) {
                            dot += dy[t * hsp + d] * out[y + d];
                        }
                        rowDot[t] = dot;
                    }
                    int lseRow = lseOff + (b * NH + h) * T;
                    for (int r0 = 0; r0 < T; r0 += BLOCK) {
                        Arrays.fill(dq, 0f);
                        for (int c0 = 0; c0 <= r0; c0 += BLOCK) {
                            scores(p, q, r0, hsp, kT, Tp, c0, hs, scale);
                            for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                                int nv = Math.min(BLOCK, r0 + r - c0 + 1);
                                expShift(p, r * BLOCK, nv, lse[lseRow + r0 + r]);
                                Arrays.fill(p, r * BLOCK + nv, (r + 1) * BLOCK, 0f);
                            }
                            zeroRowsFrom(p, T - r0);
                            transposeTimes(dv, c0, p, dy, r0, hsp); // dv += pᵀ·dout
                            scores(ds, dy, r0, hsp, vT, Tp, c0, hs, 1f); // dp = dout·vᵀ
                            softmaxBackward(ds, p, rowDot, r0, T, scale);
                            rowsTimes(dq, ds, k, c0, hsp); // dq += ds·k
                            transposeTimes(dk, c0, ds, q, r0, hsp); // dk += dsᵀ·q
                        }
                        for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                            System.arraycopy(dq, r * hsp, dqkv, dqkvOff + (b * T + r0 + r) * stride + h * hs, hs);
                        }
                    }
                }
                int dbase = dqkvOff + b * T * stride + C;
                for (int t = 0; t < T; t++) {
                    System.arraycopy(dk, t * hsp, dqkv, dbase + t * stride + kvh * hs, hs);
                    System.arraycopy(dv, t * hsp, dqkv, dbase + t * stride + (NKV + kvh) * hs, hs);
                }
            }
        });
    }

    /**
     * s[BLOCK,BLOCK] = scale · a[r0.., :hs] · bT[:hs, c0..]: a is row-major with row length hsp,
     * bT is transposed with row length Tp. Tiles of 4 rows × 2 vectors; each element sums d in order.
     */
    private static void scores(float[] s, float[] a, int r0, int hsp, float[] bT, int Tp, int c0, int hs, float scale) {
        int L = Vec.L;
        for (int r = 0; r < BLOCK; r += 4) {
            int a0 = (r0 + r) * hsp, a1 = a0 + hsp, a2 = a1 + hsp, a3 = a2 + hsp;
            for (int c = 0; c < BLOCK; c += 2 * L) {
                FloatVector s00 = FloatVector.zero(Vec.S), s01 = s00, s10 = s00, s11 = s00;
                FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
                for (int d = 0, bi = c0 + c; d < hs; d++, bi += Tp) {
                    FloatVector b0 = FloatVector.fromArray(Vec.S, bT, bi);
                    FloatVector b1 = FloatVector.fromArray(Vec.S, bT, bi + L);
                    FloatVector x = FloatVector.broadcast(Vec.S, a[a0 + d]);
                    s00 = x.fma(b0, s00);
                    s01 = x.fma(b1, s01);
                    x = FloatVector.broadcast(Vec.S, a[a1 + d]);
                    s10 = x.fma(b0, s10);
                    s11 = x.fma(b1, s11);
                    x = FloatVector.broadcast(Vec.S, a[a2 + d]);
                    s20 = x.fma(b0, s20);
                    s21 = x.fma(b1, s21);
                    x = FloatVector.broadcast(Vec.S, a[a3 + d]);
                    s30 = x.fma(b0, s30);
                    s31 = x.fma(b1, s31);
                }
                int o = r * BLOCK + c;
                s00.mul(scale).intoArray(s, o);
                s01.mul(scale).intoArray(s, o + L);
                s10.mul(scale).intoArray(s, o + BLOCK);
                s11.mul(scale).intoArray(s, o + BLOCK + L);
                s20.mul(scale).intoArray(s, o + 2 * BLOCK);
                s21.mul(scale).intoArray(s, o + 2 * BLOCK + L);
                s30.mul(scale).intoArray(s, o + 3 * BLOCK);
                s31.mul(scale).intoArray(s, o + 3 * BLOCK + L);
            }
        }
    }

    /** acc[BLOCK, hsp] += p[BLOCK,BLOCK] · x[c0.., hsp] (x row-major, row length hsp). */
    private static void rowsTimes(float[] acc, float[] p, float[] x, int c0, int hsp) {
        for (int r = 0; r < BLOCK; r += 4) {
            int p0 = r * BLOCK, p1 = p0 + BLOCK, p2 = p1 + BLOCK, p3 = p2 + BLOCK;
            for (int v = 0; v < hsp; v += Vec.L) {
                int o = r * hsp + v;
                FloatVector y0 = FloatVector.fromArray(Vec.S, acc, o);
                FloatVector y1 = FloatVector.fromArray(Vec.S, acc, o + hsp);
                FloatVector y2 = FloatVector.fromArray(Vec.S, acc, o + 2 * hsp);
                FloatVector y3 = FloatVector.fromArray(Vec.S, acc, o + 3 * hsp);
                for (int c = 0, xi = c0 * hsp + v; c < BLOCK; c++, xi += hsp) {
                    FloatVector xv = FloatVector.fromArray(Vec.S, x, xi);
                    y0 = FloatVector.broadcast(Vec.S, p[p0 + c]).fma(xv, y0);
                    y1 = FloatVector.broadcast(Vec.S, p[p1 + c]).fma(xv, y1);
                    y2 = FloatVector.broadcast(Vec.S, p[p2 + c]).fma(xv, y2);
                    y3 = FloatVector.broadcast(Vec.S, p[p3 + c]).fma(xv, y3);
                }
                y0.intoArray(acc, o);
                y1.intoArray(acc, o + hsp);
                y2.intoArray(acc, o + 2 * hsp);
                y3.intoArray(acc, o + 3 * hsp);
            }
        }
    }

    /** acc[c0.., hsp] += p[BLOCK,BLOCK]ᵀ · x[r0.., hsp] (acc and x row-major, row length hsp). */
    private static void transposeTimes(float[] acc, int c0, float[] p, float[] x, int r0, int hsp) {
        for (int c = 0; c < BLOCK; c += 4) {
            for (int v = 0; v < hsp; v += Vec.L) {
                int o = (c0 + c) * hsp + v;
                FloatVector y0 = FloatVector.fromArray(Vec.S, acc, o);
                FloatVector y1 = FloatVector.fromArray(Vec.S, acc, o + hsp);
                FloatVector y2 = FloatVector.fromArray(Vec.S, acc, o + 2 * hsp);
                FloatVector y3 = FloatVector.fromArray(Vec.S, acc, o + 3 * hsp);
                for (int r = 0, xi = r0 * hsp + v, pi = c; r < BLOCK; r++, xi += hsp, pi += BLOCK) {
                    FloatVector xv = FloatVector.fromArray(Vec.S, x, xi);
                    y0 = FloatVector.broadcast(Vec.S, p[pi]).fma(xv, y0);
                    y1 = FloatVector.broadcast(Vec.S, p[pi + 1]).fma(xv, y1);
                    y2 = FloatVector.broadcast(Vec.S, p[pi + 2]).fma(xv, y2);
                    y3 = FloatVector.broadcast(Vec.S, p[pi + 3]).fma(xv, y3);
                }
                y0.intoArray(acc, o);
                y1.intoArray(acc, o + hsp);
                y2.intoArray(acc, o + 2 * hsp);
                y3.intoArray(acc, o + 3 * hsp);
            }
        }
    }

    /** ds = p · (dp - rowDot[row]) · scale over the block, in place of dp; rows past T have p = 0. */
    private static void softmaxBackward(float[] dpToDs, float[] p, float[] rowDot, int r0, int T, float scale) {
        for (int r = 0; r < BLOCK; r++) {
            FloatVector rd = FloatVector.broadcast(Vec.S, r0 + r < T ? rowDot[r0 + r] : 0f);
            for (int i = r * BLOCK; i < (r + 1) * BLOCK; i += Vec.L) {
                FloatVector.fromArray(Vec.S, dpToDs, i)
                        .sub(rd)
                        .mul(FloatVector.fromArray(Vec.S, p, i))
                        .mul(scale)
                        .intoArray(dpToDs, i);
            }
        }
    }

    /** max of x[off, off+n), n >= 1; max is exact, so the lane order does not matter. */
    private static float rowMax(float[] x, int off, int n) {
        int i = 0, bound = Vec.S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(Vec.S, x, off);
            for (i = Vec.L; i < bound; i += Vec.L) {
                acc = acc.max(FloatVector.fromArray(Vec.S, x, off + i));
            }
            max = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    /** x[off+i] = e^(x[off+i] - shift) for i in [0, n): vector lanes through Vec.exp, the tail through Math.exp. */
    private static void expShift(float[] x, int off, int n, float shift) {
        int i = 0;
        int bound = Vec.S.loopBound(n);
        for (; i < bound; i += Vec.L) {
            VectorExp.exp(FloatVector.fromArray(Vec.S, x, off + i).sub(shift)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = (float) Math.exp(x[off + i] - shift);
        }
    }

    /** Zeroes the block's rows from {@code fromRow} on (rows past T in the last block). */
    private static void zeroRowsFrom(float[] block, int fromRow) {
        if (fromRow < BLOCK) {
            Arrays.fill(block, Math.max(0, fromRow) * BLOCK, BLOCK * BLOCK, 0f);
        }
    }

    /** dst[t, :hs] (row length hsp) = src rows at off + t·stride, for t in [0, T); padding stays as it is (0). */
    private static void gatherRows(float[] dst, int hsp, float[] src, int off, int stride, int T, int hs) {
        for (int t = 0; t < T; t++) {
            System.arraycopy(src, off + t * stride, dst, t * hsp, hs);
        }
    }

    /** dst[d, t] (row length Tp) = src[off + t·stride + d]. */
    private static void gatherTransposed(float[] dst, int Tp, float[] src, int off, int stride, int T, int hs) {
        for (int t = 0; t < T; t++) {
            int s = off + t * stride;
            for (int d = 0; d < hs; d++) {
                dst[d * Tp + t] = src[s + d];
            }
        }
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
