// Over 400 lines on purpose: each layer's forward beside its backward, as in llm.c, so the two can be checked together.
package dev.kiln.trainer;

import jdk.incubator.vector.FloatVector;

/**
 * The layers of GPT-2 (and those Llama shares with it: matmul, residual, softmax; attention is {@link FlashAttention}), forward and backward, on flat arrays with explicit offsets. Shapes are
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
