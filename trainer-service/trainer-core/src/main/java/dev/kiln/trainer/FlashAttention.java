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
 *
 * <p>An instance is attention of one {@link AttentionShape} with its gathering scratch, one set per
 * thread of the pool: a model builds one when its batch shape is set and runs every layer's
 * forward and backward through it, so a training step allocates nothing here. Like the model
 * holding it, an instance serves one caller at a time.
 */
public final class FlashAttention {
    /** Query rows and key columns per block; equal, so a block's keys never start past its rows. */
    public static final int BLOCK = Math.max(32, 2 * Vec.L);

    private final ThreadPool pool;
    private final AttentionShape g;
    // Scratch is owned here, one Workspace per pool part, and a model keeps this object with its
    // activations, so the arrays are allocated once per batch shape and die with the model. A
    // ThreadLocal on the pool's threads would outlive its model and keep the largest shape any
    // model ever used; and reuse needs arrays of exactly this shape, since only their padding is
    // never written and must stay 0.
    private final Workspace[] workspaces;

    /** Attention of this shape on the pool's threads; allocates the per-thread scratch once. */
    public FlashAttention(ThreadPool pool, AttentionShape shape) {
        this.pool = pool;
        this.g = shape;
        this.workspaces = new Workspace[Math.min(pool.threads(), shape.B * shape.NH)];
        for (int i = 0; i < workspaces.length; i++) {
            workspaces[i] = new Workspace(shape);
        }
    }

    /**
     * One thread's gathered operands ([Tp, hsp] row-major, or transposed [hs, Tp]) and block
     * buffers. The forward pass gathers q, kT and v into q, kT and k: the same layouts, so every
     * array keeps one padding pattern and its padding stays 0.
     */
    private static final class Workspace {
        final float[] q, dy, k, kT, vT, dk, dv;
        final float[] s, ds; // [BLOCK, BLOCK] scores or probabilities, and their gradient
        final float[] o; // [BLOCK, hsp] the output (forward) or dq (backward) of one query block
        final float[] m, l; // [BLOCK] running max and sum of the online softmax
        final float[] rowDot; // [Tp] rowsum(dout · out)

        Workspace(AttentionShape g) {
            q = new float[g.Tp * g.hsp];
            dy = new float[g.Tp * g.hsp];
            k = new float[g.Tp * g.hsp];
            kT = new float[g.hs * g.Tp];
            vT = new float[g.hs * g.Tp];
            dk = new float[g.Tp * g.hsp];
            dv = new float[g.Tp * g.hsp];
            s = new float[BLOCK * BLOCK];
            ds = new float[BLOCK * BLOCK];
            o = new float[BLOCK * g.hsp];
            m = new float[BLOCK];
            l = new float[BLOCK];
            rowDot = new float[g.Tp];
        }
    }

    /** out[B,T,NH·hs] = softmax(q·kᵀ/√hs, causal)·v; lse[B,NH,T] = the rows' log-sum-exp (scaled scores). */
    public void forward(float[] out, int outOff, float[] lse, int lseOff, float[] qkv, int qkvOff) {
        int T = g.T, hs = g.hs, hsp = g.hsp;
        pool.parallelParts(g.B * g.NH, (part, i0, i1) -> {
            Workspace w = workspaces[part];
            float[] q = w.q, kT = w.kT, v = w.k, s = w.s, o = w.o, m = w.m, l = w.l;
            for (int bh = i0; bh < i1; bh++) {
                int b = bh / g.NH, h = bh % g.NH, kvh = h / g.group;
                int row0 = qkvOff + b * T * g.qkvStride;
                gatherRows(q, qkv, row0 + h * hs, g.qkvStride, g);
                gatherTransposed(kT, qkv, row0 + g.C + kvh * hs, g);
                gatherRows(v, qkv, row0 + g.C + (g.NKV + kvh) * hs, g.qkvStride, g);
                int lseRow = lseOff + bh * T;
                for (int r0 = 0; r0 < T; r0 += BLOCK) {
                    Arrays.fill(o, 0f);
                    Arrays.fill(m, Float.NEGATIVE_INFINITY);
                    Arrays.fill(l, 0f);
                    for (int c0 = 0; c0 <= r0; c0 += BLOCK) {
                        scores(s, q, r0, kT, c0, g.scale, g);
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
                        addProduct(o, 0, s, BLOCK, 1, v, c0, hsp); // o += p·v
                    }
                    for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                        float inv = 1f / l[r];
                        int dst = outOff + (b * T + r0 + r) * g.C + h * hs;
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
    public void backward(
            float[] dqkv,
            int dqkvOff,
            float[] dout,
            int doutOff,
            float[] qkv,
            int qkvOff,
            float[] out,
            int outOff,
            float[] lse,
            int lseOff) {
        int T = g.T, hs = g.hs, hsp = g.hsp, stride = g.qkvStride;
        pool.parallelParts(g.B * g.NKV, (part, i0, i1) -> {
            Workspace w = workspaces[part];
            float[] q = w.q, dy = w.dy, k = w.k, kT = w.kT, vT = w.vT, dk = w.dk, dv = w.dv;
            float[] p = w.s, ds = w.ds, dq = w.o, rowDot = w.rowDot;
            for (int bkv = i0; bkv < i1; bkv++) {
                int b = bkv / g.NKV, kvh = bkv % g.NKV;
                int row0 = qkvOff + b * T * stride;
                gatherRows(k, qkv, row0 + g.C + kvh * hs, stride, g);
                gatherTransposed(kT, qkv, row0 + g.C + kvh * hs, g);
                gatherTransposed(vT, qkv, row0 + g.C + (g.NKV + kvh) * hs, g);
                Arrays.fill(dk, 0f);
                Arrays.fill(dv, 0f);
                for (int h = kvh * g.group; h < (kvh + 1) * g.group; h++) {
                    gatherRows(q, qkv, row0 + h * hs, stride, g);
                    gatherRows(dy, dout, doutOff + b * T * g.C + h * hs, g.C, g);
                    for (int t = 0; t < T; t++) {
                        int y = outOff + (b * T + t) * g.C + h * hs;
                        float dot = 0f;
                        for (int d = 0; d < hs; d++) {
                            dot += dy[t * hsp + d] * out[y + d];
                        }
                        rowDot[t] = dot;
                    }
                    int lseRow = lseOff + (b * g.NH + h) * T;
                    for (int r0 = 0; r0 < T; r0 += BLOCK) {
                        Arrays.fill(dq, 0f);
                        for (int c0 = 0; c0 <= r0; c0 += BLOCK) {
                            scores(p, q, r0, kT, c0, g.scale, g);
                            for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                                int nv = Math.min(BLOCK, r0 + r - c0 + 1);
                                expShift(p, r * BLOCK, nv, lse[lseRow + r0 + r]);
                                Arrays.fill(p, r * BLOCK + nv, (r + 1) * BLOCK, 0f);
                            }
                            zeroRowsFrom(p, T - r0);
                            addProduct(dv, c0, p, 1, BLOCK, dy, r0, hsp); // dv += pᵀ·dout
                            scores(ds, dy, r0, vT, c0, 1f, g); // dp = dout·vᵀ
                            softmaxBackward(ds, p, rowDot, r0, T, g.scale);
                            addProduct(dq, 0, ds, BLOCK, 1, k, c0, hsp); // dq += ds·k
                            addProduct(dk, c0, ds, 1, BLOCK, q, r0, hsp); // dk += dsᵀ·q
                        }
                        for (int r = 0; r < BLOCK && r0 + r < T; r++) {
                            System.arraycopy(dq, r * hsp, dqkv, dqkvOff + (b * T + r0 + r) * stride + h * hs, hs);
                        }
                    }
                }
                int dbase = dqkvOff + b * T * stride + g.C;
                for (int t = 0; t < T; t++) {
                    System.arraycopy(dk, t * hsp, dqkv, dbase + t * stride + kvh * hs, hs);
                    System.arraycopy(dv, t * hsp, dqkv, dbase + t * stride + (g.NKV + kvh) * hs, hs);
                }
            }
        });
    }

    /**
     * s[BLOCK,BLOCK] = scale · a[r0.., :hs] · bT[:hs, c0..]: a is row-major with row length hsp,
     * bT is transposed with row length Tp. Tiles of 4 rows × 2 vectors; each element sums d in order.
     */
    private static void scores(float[] s, float[] a, int r0, float[] bT, int c0, float scale, AttentionShape g) {
        int L = Vec.L, hsp = g.hsp, Tp = g.Tp, hs = g.hs;
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

    /**
     * acc[accRow0 + i, :hsp] += Σ_j p[i·pRow + j·pCol] · x[xRow0 + j, :hsp] for i, j in [0, BLOCK):
     * the block (pRow = BLOCK, pCol = 1) or its transpose (pRow = 1, pCol = BLOCK) times rows of x;
     * acc and x row-major with row length hsp. Each element sums j in order.
     */
    private static void addProduct(
            float[] acc, int accRow0, float[] p, int pRow, int pCol, float[] x, int xRow0, int hsp) {
        for (int i = 0; i < BLOCK; i += 4) {
            int p0 = i * pRow, p1 = p0 + pRow, p2 = p1 + pRow, p3 = p2 + pRow;
            for (int v = 0; v < hsp; v += Vec.L) {
                int o = (accRow0 + i) * hsp + v;
                FloatVector y0 = FloatVector.fromArray(Vec.S, acc, o);
                FloatVector y1 = FloatVector.fromArray(Vec.S, acc, o + hsp);
                FloatVector y2 = FloatVector.fromArray(Vec.S, acc, o + 2 * hsp);
                FloatVector y3 = FloatVector.fromArray(Vec.S, acc, o + 3 * hsp);
                for (int j = 0, xi = xRow0 * hsp + v, pj = 0; j < BLOCK; j++, xi += hsp, pj += pCol) {
                    FloatVector xv = FloatVector.fromArray(Vec.S, x, xi);
                    y0 = FloatVector.broadcast(Vec.S, p[p0 + pj]).fma(xv, y0);
                    y1 = FloatVector.broadcast(Vec.S, p[p1 + pj]).fma(xv, y1);
                    y2 = FloatVector.broadcast(Vec.S, p[p2 + pj]).fma(xv, y2);
                    y3 = FloatVector.broadcast(Vec.S, p[p3 + pj]).fma(xv, y3);
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
    private static void gatherRows(float[] dst, float[] src, int off, int stride, AttentionShape g) {
        for (int t = 0; t < g.T; t++) {
            System.arraycopy(src, off + t * stride, dst, t * g.hsp, g.hs);
        }
    }

    /** dst[d, t] (row length Tp) = qkv[off + t·qkvStride + d], for t in [0, T) and d in [0, hs). */
    private static void gatherTransposed(float[] dst, float[] qkv, int off, AttentionShape g) {
        for (int t = 0; t < g.T; t++) {
            int s = off + t * g.qkvStride;
            for (int d = 0; d < g.hs; d++) {
                dst[d * g.Tp + t] = qkv[s + d];
            }
        }
    }
}
