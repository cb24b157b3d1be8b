// Over 400 lines on purpose: each layer's forward beside its backward, as in llm.c, so the two can be checked together.
package dev.kiln.trainer;

import jdk.incubator.vector.FloatVector;

/**
 * The layers of GPT-2 (and those Llama shares with it: matmul, attention, residual, softmax), forward and backward, on flat arrays with explicit offsets. Shapes are
 * in the comments: B batch, T time, C channels, NH heads, hs = C/NH head size, N = B·T rows.
 * Backward functions add (+=) into parameter gradients and into {@code dinp} unless the
 * comment says they overwrite. Parallel loops only split over independent outputs; reductions
 * across rows (LayerNorm weight gradients) go through fixed-size row chunks summed in order.
 */
public final class Layers {
    public static final float LN_EPS = 1e-5f;
    private static final float GELU_SCALE = (float) Math.sqrt(2.0 / Math.PI);
    private static final int ROW_CHUNK = 64;

    private Layers() {}

    // ---------------------------------------------------------------- embeddings

    /** out[N,C] = wte[tokens[n]] + wpe[positions n % T]. */
    public static void encoderForward(float[] out, int[] tokens, float[] p, int wte, int wpe, int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * C;
                int tok = tokens[b * T + t];
                int we = wte + tok * C, pe = wpe + t * C;
                for (int c = 0; c < C; c++) {
                    out[o + c] = p[we + c] + p[pe + c];
                }
            }
        }
    }

    /** dwte[tokens[n]] += dout[n], dwpe[t] += dout[n]; sequential, so repeated tokens add in order. */
    public static void encoderBackward(float[] g, int wte, int wpe, float[] dout, int[] tokens, int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * C;
                int we = wte + tokens[b * T + t] * C, pe = wpe + t * C;
                for (int c = 0; c < C; c++) {
                    g[we + c] += dout[o + c];
                    g[pe + c] += dout[o + c];
                }
            }
        }
    }

    // ---------------------------------------------------------------- layernorm

    /** out[N,C] = (inp - mean) * rstd * w + b; mean[N], rstd[N] kept for backward. */
    public static void layernormForward(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] mean,
            float[] rstd,
            int statOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            int bOff,
            int N,
            int C) {
        pool.parallelFor(N, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int x = inOff + n * C;
                float m = 0f;
                for (int c = 0; c < C; c++) {
                    m += inp[x + c];
                }
                m /= C;
                float v = 0f;
                for (int c = 0; c < C; c++) {
                    float d = inp[x + c] - m;
                    v += d * d;
                }
                v /= C;
                float s = (float) (1.0 / Math.sqrt(v + LN_EPS));
                int o = outOff + n * C;
                for (int c = 0; c < C; c++) {
                    out[o + c] = (inp[x + c] - m) * s * p[wOff + c] + p[bOff + c];
                }
                mean[statOff + n] = m;
                rstd[statOff + n] = s;
            }
        });
    }

    public static void layernormBackward(
            ThreadPool pool,
            float[] dinp,
            int dinpOff,
            float[] g,
            int dwOff,
            int dbOff,
            float[] dout,
            int doutOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            float[] mean,
            float[] rstd,
            int statOff,
            int N,
            int C) {
        int chunks = (N + ROW_CHUNK - 1) / ROW_CHUNK;
        float[] partial = new float[chunks * 2 * C]; // [chunks, {dw, db}, C]
        pool.parallelFor(chunks, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int pw = k * 2 * C, pb = pw + C;
                for (int n = k * ROW_CHUNK; n < Math.min(N, (k + 1) * ROW_CHUNK); n++) {
                    int x = inOff + n * C, d = doutOff + n * C, di = dinpOff + n * C;
                    float m = mean[statOff + n], s = rstd[statOff + n];
                    float dnormMean = 0f, dnormNormMean = 0f;
                    for (int c = 0; c < C; c++) {
                        float norm = (inp[x + c] - m) * s;
                        float dnorm = p[wOff + c] * dout[d + c];
                        dnormMean += dnorm;
                        dnormNormMean += dnorm * norm;
                    }
                    dnormMean /= C;
                    dnormNormMean /= C;
                    for (int c = 0; c < C; c++) {
                        float norm = (inp[x + c] - m) * s;
                        float dnorm = p[wOff + c] * dout[d + c];
                        partial[pw + c] += norm * dout[d + c];
                        partial[pb + c] += dout[d + c];
                        dinp[di + c] += s * (dnorm - dnormMean - norm * dnormNormMean);
                    }
                }
            }
        });
        for (int k = 0; k < chunks; k++) {
            for (int c = 0; c < C; c++) {
                g[dwOff + c] += partial[k * 2 * C + c];
                g[dbOff + c] += partial[k * 2 * C + C + c];
            }
        }
    }

    // ---------------------------------------------------------------- matmul (linear layer)

    /** out[N,OC] = inp[N,C] · w[OC,C]^T + b[OC]  (bOff < 0: no bias), through the packed GEMM. */
    public static void matmulForward(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            int bOff,
            int N,
            int C,
            int OC) {
        Matmul.abT(pool, out, outOff, inp, inOff, p, wOff, bOff < 0 ? null : p, bOff, N, OC, C, false);
    }

    /**
     * As {@link #matmulForward}, with dot products straight on w's rows: for one row or a few
     * (decoding), where packing the weights would cost more than the product.
     */
    public static void matmulForwardRows(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            int bOff,
            int N,
            int C,
            int OC) {
        Matmul.rowsAbT(pool, out, outOff, inp, inOff, p, wOff, bOff < 0 ? null : p, bOff, N, OC, C, false);
    }

    /**
     * dinp[N,C] = dout[N,OC] · w[OC,C] (overwritten; skipped when dinp is null);
     * dw[OC,C] += dout^T · inp; db[OC] += column sums of dout (dbOff < 0: no bias).
     */
    public static void matmulBackward(
            ThreadPool pool,
            float[] dinp,
            int dinpOff,
            float[] g,
            int dwOff,
            int dbOff,
            float[] dout,
            int doutOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            int N,
            int C,
            int OC) {
        if (dinp != null) {
            Matmul.ab(pool, dinp, dinpOff, dout, doutOff, p, wOff, null, 0, N, C, OC, false);
        }
        Matmul.atb(pool, g, dwOff, dout, doutOff, inp, inOff, OC, C, N, true); // dout^T · inp
        if (dbOff >= 0) {
            // column sums of dout, in blocks of 16 columns; each column sums rows 0..N-1 in order
            pool.parallelFor((OC + 15) / 16, (k0, k1) -> {
                for (int o0 = k0 * 16; o0 < Math.min(OC, k1 * 16); o0 += 16) {
                    int w = Math.min(16, OC - o0);
                    float[] acc = new float[w];
                    for (int n = 0; n < N; n++) {
                        int r = doutOff + n * OC + o0;
                        for (int j = 0; j < w; j++) {
                            acc[j] += dout[r + j];
                        }
                    }
                    for (int j = 0; j < w; j++) {
                        g[dbOff + o0 + j] += acc[j];
                    }
                }
            });
        }
    }

    // ---------------------------------------------------------------- attention

    /**
     * Causal self-attention. qkv[B,T,3C] holds q, k, v side by side; out[B,T,C];
     * att[B,NH,T,T] keeps the softmax probabilities (zeros above the diagonal) for backward.
     */
    public static void attentionForward(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] att,
            int attOff,
            float[] qkv,
            int qkvOff,
            int B,
            int T,
            int C,
            int NH) {
        attentionForward(pool, out, outOff, att, attOff, qkv, qkvOff, B, T, NH, NH, C / NH);
    }

    /**
     * Causal self-attention with grouped-query heads: qkv[B,T,(NH+2·NKV)·hs] holds NH query heads,
     * then NKV key heads, then NKV value heads; query head h reads key/value head h / (NH/NKV)
     * (Hugging Face's repeat_kv order). out[B,T,NH·hs]; att[B,NH,T,T] keeps the softmax
     * probabilities (zeros above the diagonal) for backward. Each (b, h) runs serially on one
     * thread: its q, k, v slices are gathered into contiguous [T,hs] blocks so the score and
     * weighting products use the matmul kernel (computing the full T×T square: twice the causal
     * work, but at kernel speed).
     */
    public static void attentionForward(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] att,
            int attOff,
            float[] qkv,
            int qkvOff,
            int B,
            int T,
            int NH,
            int NKV,
            int hs) {
        int C = NH * hs, stride = (NH + 2 * NKV) * hs, group = NH / NKV;
        float scale = (float) (1.0 / Math.sqrt(hs));
        ThreadPool serial = ThreadPool.SERIAL;
        pool.parallelFor(B * NH, (i0, i1) -> {
            float[] q = new float[T * hs], kT = new float[hs * T], v = new float[T * hs], y = new float[T * hs];
            for (int bh = i0; bh < i1; bh++) {
                int b = bh / NH, h = bh % NH, kvh = h / group;
                int row0 = qkvOff + b * T * stride;
                gather(q, qkv, row0 + h * hs, T, hs, stride);
                gather(y, qkv, row0 + C + kvh * hs, T, hs, stride); // k, then transposed
                Matmul.transpose(serial, kT, 0, y, 0, T, hs); // kT[hs,T]
                gather(v, qkv, row0 + C + (NKV + kvh) * hs, T, hs, stride);
                int a = attOff + bh * T * T;
                Matmul.ab(serial, att, a, q, 0, kT, 0, null, 0, T, T, hs, false); // scores[T,T] = q·kᵀ
                for (int t = 0; t < T; t++) {
                    int row = a + t * T;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int t2 = 0; t2 <= t; t2++) {
                        max = Math.max(max, att[row + t2]);
                    }
                    float inv = 1f / Vec.expShiftScaleSum(att, row, t + 1, max, scale);
                    for (int t2 = 0; t2 < T; t2++) {
                        att[row + t2] = t2 <= t ? att[row + t2] * inv : 0f;
                    }
                }
                Matmul.ab(serial, y, 0, att, a, v, 0, null, 0, T, hs, T, false); // y[T,hs] = att·v
                scatter(out, outOff + b * T * C + h * hs, y, T, hs, C);
            }
        });
    }

    /** dqkv[B,T,3C] is overwritten. */
    public static void attentionBackward(
            ThreadPool pool,
            float[] dqkv,
            int dqkvOff,
            float[] dout,
            int doutOff,
            float[] qkv,
            int qkvOff,
            float[] att,
            int attOff,
            int B,
            int T,
            int C,
            int NH) {
        attentionBackward(pool, dqkv, dqkvOff, dout, doutOff, qkv, qkvOff, att, attOff, B, T, NH, NH, C / NH);
    }

    /**
     * Backward of the grouped-query {@link #attentionForward}; dqkv[B,T,(NH+2·NKV)·hs] is
     * overwritten. Each (b, key/value head) runs on one thread and sums the key and value
     * gradients of its query heads in head order, so the split is race-free and the sums do not
     * depend on the thread count.
     */
    public static void attentionBackward(
            ThreadPool pool,
            float[] dqkv,
            int dqkvOff,
            float[] dout,
            int doutOff,
            float[] qkv,
            int qkvOff,
            float[] att,
            int attOff,
            int B,
            int T,
            int NH,
            int NKV,
            int hs) {
        int C = NH * hs, stride = (NH + 2 * NKV) * hs, group = NH / NKV;
        float scale = (float) (1.0 / Math.sqrt(hs));
        ThreadPool serial = ThreadPool.SERIAL;
        pool.parallelFor(B * NKV, (i0, i1) -> {
            float[] q = new float[T * hs], k = new float[T * hs], v = new float[T * hs], vT = new float[hs * T];
            float[] dy = new float[T * hs],
                    datt = new float[T * T],
                    dq = new float[T * hs],
                    dk = new float[T * hs],
                    dv = new float[T * hs];
            for (int bkv = i0; bkv < i1; bkv++) {
                int b = bkv / NKV, kvh = bkv % NKV;
                int row0 = qkvOff + b * T * stride;
                gather(k, qkv, row0 + C + kvh * hs, T, hs, stride);
                gather(v, qkv, row0 + C + (NKV + kvh) * hs, T, hs, stride);
                Matmul.transpose(serial, vT, 0, v, 0, T, hs);
                java.util.Arrays.fill(dk, 0f);
                java.util.Arrays.fill(dv, 0f);
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    gather(q, qkv, row0 + h * hs, T, hs, stride);
                    gather(dy, dout, doutOff + b * T * C + h * hs, T, hs, C);
                    int a = attOff + (b * NH + h) * T * T;
                    // y = att·v: datt = dy·vᵀ, dv += attᵀ·dy
                    Matmul.ab(serial, datt, 0, dy, 0, vT, 0, null, 0, T, T, hs, false);
                    Matmul.atb(serial, dv, 0, att, a, dy, 0, T, hs, T, true);
                    // softmax backward, masked to the causal triangle, with the score scale folded in
                    for (int t = 0; t < T; t++) {
                        int row = t * T;
                        float dot = 0f;
                        for (int t2 = 0; t2 <= t; t2++) {
                            dot += att[a + row + t2] * datt[row + t2];
                        }
                        for (int t2 = 0; t2 < T; t2++) {
                            datt[row + t2] = t2 <= t ? att[a + row + t2] * (datt[row + t2] - dot) * scale : 0f;
                        }
                    }
                    // scores = q·kᵀ: dq = dpre·k, dk += dpreᵀ·q
                    Matmul.ab(serial, dq, 0, datt, 0, k, 0, null, 0, T, hs, T, false);
                    Matmul.atb(serial, dk, 0, datt, 0, q, 0, T, hs, T, true);
                    scatter(dqkv, dqkvOff + b * T * stride + h * hs, dq, T, hs, stride);
                }
                int dbase = dqkvOff + b * T * stride + C;
                scatter(dqkv, dbase + kvh * hs, dk, T, hs, stride);
                scatter(dqkv, dbase + (NKV + kvh) * hs, dv, T, hs, stride);
            }
        });
    }

    /** dst[T,hs] = rows of src starting at off with the given row stride. */
    private static void gather(float[] dst, float[] src, int off, int T, int hs, int stride) {
        for (int t = 0; t < T; t++) {
            System.arraycopy(src, off + t * stride, dst, t * hs, hs);
        }
    }

    private static void scatter(float[] dst, int off, float[] src, int T, int hs, int stride) {
        for (int t = 0; t < T; t++) {
            System.arraycopy(src, t * hs, dst, off + t * stride, hs);
        }
    }

    // ---------------------------------------------------------------- GELU (tanh approximation)

    /** tanh through exp: Math.exp is an intrinsic, Math.tanh is not. */
    static float tanh(float u) {
        if (u > 15f) {
            return 1f;
        }
        if (u < -15f) {
            return -1f;
        }
        float e = (float) Math.exp(2.0 * u);
        return (e - 1f) / (e + 1f);
    }

    /**
     * out[n] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). Vector lanes use {@link Vec#tanh};
     * the scalar tail of the last 1024-element chunk uses {@link #tanh}. Chunks are fixed, so which
     * path an element takes does not depend on the thread count.
     */
    public static void geluForward(ThreadPool pool, float[] out, int outOff, float[] inp, int inOff, int n) {
        pool.parallelFor((n + 1023) / 1024, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int s = k * 1024, e = Math.min(n, s + 1024), i = s;
                for (; i + Vec.L <= e; i += Vec.L) {
                    FloatVector x = FloatVector.fromArray(Vec.S, inp, inOff + i);
                    FloatVector u = x.mul(x)
                            .mul(x)
                            .fma(FloatVector.broadcast(Vec.S, 0.044715f), x)
                            .mul(GELU_SCALE);
                    x.mul(0.5f).mul(Vec.tanh(u).add(1f)).intoArray(out, outOff + i);
                }
                for (; i < e; i++) {
                    float x = inp[inOff + i];
                    float u = GELU_SCALE * (x + 0.044715f * x * x * x);
                    out[outOff + i] = 0.5f * x * (1f + tanh(u));
                }
            }
        });
    }

    /** dinp[n] = gelu'(inp[n]) * dout[n] (overwritten; dinp may alias dout). */
    public static void geluBackward(
            ThreadPool pool, float[] dinp, int dinpOff, float[] inp, int inOff, float[] dout, int doutOff, int n) {
        pool.parallelFor((n + 1023) / 1024, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int s = k * 1024, e = Math.min(n, s + 1024), i = s;
                for (; i + Vec.L <= e; i += Vec.L) {
                    FloatVector x = FloatVector.fromArray(Vec.S, inp, inOff + i);
                    FloatVector x2 = x.mul(x);
                    FloatVector u = x2.mul(x)
                            .fma(FloatVector.broadcast(Vec.S, 0.044715f), x)
                            .mul(GELU_SCALE);
                    FloatVector th = Vec.tanh(u);
                    FloatVector sech2 = th.mul(th).neg().add(1f);
                    FloatVector du = x2.fma(
                                    FloatVector.broadcast(Vec.S, 3f * 0.044715f), FloatVector.broadcast(Vec.S, 1f))
                            .mul(GELU_SCALE);
                    FloatVector grad =
                            th.add(1f).mul(0.5f).add(x.mul(0.5f).mul(sech2).mul(du));
                    grad.mul(FloatVector.fromArray(Vec.S, dout, doutOff + i)).intoArray(dinp, dinpOff + i);
                }
                for (; i < e; i++) {
                    float x = inp[inOff + i];
                    float u = GELU_SCALE * (x + 0.044715f * x * x * x);
                    float th = tanh(u);
                    float sech2 = 1f - th * th;
                    float grad = 0.5f * (1f + th) + 0.5f * x * sech2 * GELU_SCALE * (1f + 3f * 0.044715f * x * x);
                    dinp[dinpOff + i] = grad * dout[doutOff + i];
                }
            }
        });
    }

    // ---------------------------------------------------------------- residual

    /** out[n] += inp[n]. */
    public static void residualAdd(ThreadPool pool, float[] out, int outOff, float[] inp, int inOff, int n) {
        pool.parallelFor((n + 4095) / 4096, (k0, k1) -> {
            int s = k0 * 4096, e = Math.min(n, k1 * 4096);
            Vec.axpy(1f, inp, inOff + s, out, outOff + s, e - s);
        });
    }

    // ---------------------------------------------------------------- softmax + cross-entropy

    /**
     * probs[N,Vp] = softmax over the first V logits (padding columns get 0); losses[N] = -log probs[target].
     * Returns the mean loss.
     */
    public static float crossEntropyForward(
            ThreadPool pool, float[] probs, float[] logits, int[] targets, float[] losses, int N, int V, int Vp) {
        pool.parallelFor(N, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int r = n * Vp;
                float max = Float.NEGATIVE_INFINITY;
                for (int v = 0; v < V; v++) {
                    max = Math.max(max, logits[r + v]);
                }
                System.arraycopy(logits, r, probs, r, V);
                float inv = 1f / Vec.expShiftScaleSum(probs, r, V, max, 1f);
                for (int v = 0; v < Vp; v++) {
                    probs[r + v] = v < V ? probs[r + v] * inv : 0f;
                }
                int tgt = targets[n];
                if (tgt < 0 || tgt >= V) {
                    throw new IllegalArgumentException("target " + tgt + " outside vocab " + V);
                }
                losses[n] = (float) -Math.log(Math.max(probs[r + tgt], 1e-30f));
            }
        });
        double mean = 0;
        for (int n = 0; n < N; n++) {
            mean += losses[n];
        }
        return (float) (mean / N);
    }

    /** dlogits[N,Vp] = (probs - onehot(target)) * dloss, written in place over probs. */
    public static void crossEntropyBackward(
            ThreadPool pool, float[] probsToDlogits, int[] targets, float dloss, int N, int V, int Vp) {
        pool.parallelFor(N, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int r = n * Vp;
                for (int v = 0; v < V; v++) {
                    probsToDlogits[r + v] *= dloss;
                }
                probsToDlogits[r + targets[n]] -= dloss;
            }
        });
    }
}
