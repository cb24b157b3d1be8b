package dev.kiln.trainer;

/**
 * The layers Llama adds to those it shares with GPT-2 ({@link Layers}): RMSNorm, rotary position
 * embeddings and the SwiGLU gate, forward beside backward. Same conventions as {@link Layers}:
 * flat arrays with offsets, N = B·T rows, backward adds into parameter gradients, and reductions
 * across rows go through fixed row chunks summed in order (results independent of the thread count).
 */
public final class LlamaLayers {
    private static final int ROW_CHUNK = 64;

    private LlamaLayers() {}

    // ---------------------------------------------------------------- RMSNorm

    /** out[N,C] = inp · rstd · w with rstd = 1/sqrt(mean(inp²) + eps); rstd[N] kept for backward. */
    public static void rmsnormForward(
            ThreadPool pool,
            float[] out,
            int outOff,
            float[] rstd,
            int statOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            float eps,
            int N,
            int C) {
        pool.parallelFor(N, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int x = inOff + n * C;
                float ss = 0f;
                for (int c = 0; c < C; c++) {
                    ss += inp[x + c] * inp[x + c];
                }
                float s = (float) (1.0 / Math.sqrt(ss / C + eps));
                int o = outOff + n * C;
                for (int c = 0; c < C; c++) {
                    out[o + c] = inp[x + c] * s * p[wOff + c];
                }
                rstd[statOff + n] = s;
            }
        });
    }

    /**
     * dinp += rstd · (w·dout − inp · rstd² · mean(w·dout·inp)); dw += Σ_rows dout · inp · rstd.
     */
    public static void rmsnormBackward(
            ThreadPool pool,
            float[] dinp,
            int dinpOff,
            float[] g,
            int dwOff,
            float[] dout,
            int doutOff,
            float[] inp,
            int inOff,
            float[] p,
            int wOff,
            float[] rstd,
            int statOff,
            int N,
            int C) {
        int chunks = (N + ROW_CHUNK - 1) / ROW_CHUNK;
        float[] partial = new float[chunks * C];
        pool.parallelFor(chunks, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int pw = k * C;
                for (int n = k * ROW_CHUNK; n < Math.min(N, (k + 1) * ROW_CHUNK); n++) {
                    int x = inOff + n * C, d = doutOff + n * C, di = dinpOff + n * C;
                    float s = rstd[statOff + n];
                    float dot = 0f;
                    for (int c = 0; c < C; c++) {
                        dot += p[wOff + c] * dout[d + c] * inp[x + c];
                    }
                    float k2 = s * s * dot / C;
                    for (int c = 0; c < C; c++) {
                        partial[pw + c] += dout[d + c] * inp[x + c] * s;
                        dinp[di + c] += s * (p[wOff + c] * dout[d + c] - inp[x + c] * k2);
                    }
                }
            }
        });
        for (int k = 0; k < chunks; k++) {
            for (int c = 0; c < C; c++) {
                g[dwOff + c] += partial[k * C + c];
            }
        }
    }

    // ---------------------------------------------------------------- rotary position embeddings

    /**
     * Rotation tables cos, sin [maxT, hs/2] for Hugging Face's rotate-half RoPE: pair (i, i + hs/2)
     * of a head at position t turns by t · theta^(−2i/hs). Computed in double, rounded once.
     */
    public static float[][] ropeTables(int maxT, int hs, double theta) {
        int half = hs / 2;
        float[] cos = new float[maxT * half], sin = new float[maxT * half];
        for (int t = 0; t < maxT; t++) {
            for (int i = 0; i < half; i++) {
                double angle = t * Math.pow(theta, -2.0 * i / hs);
                cos[t * half + i] = (float) Math.cos(angle);
                sin[t * half + i] = (float) Math.sin(angle);
            }
        }
        return new float[][] {cos, sin};
    }

    /**
     * Rotates the first {@code heads} heads of every row of x[B,T,stride] in place, row t at
     * position t: x[i] ← x[i]·cos − x[i+half]·sin, x[i+half] ← x[i+half]·cos + x[i]·sin. With
     * {@code inverse} the rotation runs backwards (sin negated), which is the backward pass:
     * a rotation's transpose is its inverse.
     */
    public static void rope(
            ThreadPool pool,
            float[] x,
            int xOff,
            int stride,
            int heads,
            int hs,
            float[] cos,
            float[] sin,
            int B,
            int T,
            boolean inverse) {
        int half = hs / 2;
        float sign = inverse ? -1f : 1f;
        pool.parallelFor(B * T, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int t = n % T;
                for (int h = 0; h < heads; h++) {
                    rotate(x, xOff + n * stride + h * hs, half, cos, sin, t * half, sign);
                }
            }
        });
    }

    /** One head at one position (decoding). */
    static void rotate(float[] x, int off, int half, float[] cos, float[] sin, int tableOff, float sign) {
        for (int i = 0; i < half; i++) {
            float c = cos[tableOff + i], s = sign * sin[tableOff + i];
            float a = x[off + i], b = x[off + i + half];
            x[off + i] = a * c - b * s;
            x[off + i + half] = b * c + a * s;
        }
    }

    // ---------------------------------------------------------------- SwiGLU

    /** out[N,I] = silu(gu[n, 0..I)) · gu[n, I..2I) where gu[N,2I] holds gate then up per row. */
    public static void swigluForward(ThreadPool pool, float[] out, int outOff, float[] gu, int guOff, int N, int I) {
        pool.parallelFor(N, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int gr = guOff + n * 2 * I, o = outOff + n * I;
                for (int i = 0; i < I; i++) {
                    float gate = gu[gr + i];
                    out[o + i] = gate / (1f + (float) Math.exp(-gate)) * gu[gr + I + i];
                }
            }
        });
    }

    /** dgu[N,2I] (overwritten) from dout[N,I]: d gate = dout·up·silu'(gate), d up = dout·silu(gate). */
    public static void swigluBackward(
            ThreadPool pool, float[] dgu, int dguOff, float[] gu, int guOff, float[] dout, int doutOff, int N, int I) {
        pool.parallelFor(N, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int gr = guOff + n * 2 * I, dr = dguOff + n * 2 * I, o = doutOff + n * I;
                for (int i = 0; i < I; i++) {
                    float gate = gu[gr + i], up = gu[gr + I + i];
                    float sig = 1f / (1f + (float) Math.exp(-gate));
                    float silu = gate * sig;
                    dgu[dr + i] = dout[o + i] * up * sig * (1f + gate * (1f - sig));
                    dgu[dr + I + i] = dout[o + i] * silu;
                }
            }
        });
    }
}
