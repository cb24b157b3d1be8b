package dev.kiln.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference gradient checks, one per layer type and one for the whole model. Each
 * layer is scored by loss = sum(out · R) for a fixed random R, so the analytic gradient is the
 * layer's backward with dout = R. Central differences (eps 1e-3) are taken on the float forward
 * and accumulated in double; we compare whole gradient vectors by relative L2 error.
 */
class GradCheckTest {
    static final ThreadPool POOL = new ThreadPool(2);
    static final double EPS = 1e-3;
    static final double TOL = 5e-3;

    @AfterAll
    static void close() {
        POOL.close();
    }

    static float[] rand(Rng r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }

    static double dotD(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Numerical gradient of f w.r.t. every element of x (f reads x). */
    static double[] numeric(float[] x, Supplier<Double> f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float old = x[i];
            x[i] = (float) (old + EPS);
            double fp = f.get();
            x[i] = (float) (old - EPS);
            double fm = f.get();
            x[i] = old;
            // divide by the perturbation actually applied in float
            g[i] = (fp - fm) / ((double) (float) (old + EPS) - (double) (float) (old - EPS));
        }
        return g;
    }

    static double relErr(float[] analytic, int off, double[] numeric) {
        double diff = 0, na = 0, nn = 0;
        for (int i = 0; i < numeric.length; i++) {
            double a = analytic[off + i];
            diff += (a - numeric[i]) * (a - numeric[i]);
            na += a * a;
            nn += numeric[i] * numeric[i];
        }
        assertThat(nn).as("numeric gradient is not trivially zero").isGreaterThan(1e-12);
        return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nn));
    }

    @Test
    void layernorm() {
        Rng r = new Rng(1);
        int N = 5, C = 12;
        float[] inp = rand(r, N * C, 1.0);
        float[] p = rand(r, 2 * C, 0.5);
        for (int c = 0; c < C; c++) {
            p[c] += 1f;
        }
        float[] R = rand(r, N * C, 1.0);
        float[] out = new float[N * C], mean = new float[N], rstd = new float[N];
        Supplier<Double> f = () -> {
            Layers.layernormForward(POOL, out, 0, mean, rstd, 0, inp, 0, p, 0, C, N, C);
            return dotD(out, R);
        };
        f.get();
        float[] dinp = new float[N * C], g = new float[2 * C];
        Layers.layernormBackward(POOL, dinp, 0, g, 0, C, R, 0, inp, 0, p, 0, mean, rstd, 0, N, C);
        assertThat(relErr(dinp, 0, numeric(inp, f))).isLessThan(TOL);
        assertThat(relErr(g, 0, numeric(p, f))).isLessThan(TOL);
    }

    @Test
    void matmul() {
        Rng r = new Rng(2);
        int N = 7, C = 19, OC = 21; // odd sizes exercise the tile edges and the K tail
        float[] inp = rand(r, N * C, 1.0);
        float[] p = rand(r, OC * C + OC, 0.3);
        float[] R = rand(r, N * OC, 1.0);
        float[] out = new float[N * OC];
        Supplier<Double> f = () -> {
            Layers.matmulForward(POOL, out, 0, inp, 0, p, 0, OC * C, N, C, OC);
            return dotD(out, R);
        };
        f.get();
        float[] dinp = new float[N * C], g = new float[p.length];
        Layers.matmulBackward(POOL, dinp, 0, g, 0, OC * C, R, 0, inp, 0, p, 0, N, C, OC);
        assertThat(relErr(dinp, 0, numeric(inp, f))).isLessThan(TOL);
        assertThat(relErr(g, 0, numeric(p, f))).isLessThan(TOL);
    }

    @Test
    void matmulMatchesNaiveOnLargeShapes() {
        Rng r = new Rng(3);
        int M = 37, N = 101, K = 131; // N spans full 3-vector tiles, a 1-vector edge and a scalar edge
        float[] a = rand(r, M * K, 1), b = rand(r, N * K, 1), bias = rand(r, N, 1);
        float[] c = new float[M * N], c2 = new float[M * N], bT = new float[K * N];
        Matmul.abT(POOL, c, 0, a, 0, b, 0, bias, 0, M, N, K, false);
        Matmul.transpose(POOL, bT, 0, b, 0, N, K);
        java.util.Arrays.fill(c2, 1f);
        Matmul.ab(POOL, c2, 0, a, 0, bT, 0, bias, 0, M, N, K, true); // accumulate onto ones
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double s = bias[j];
                for (int k = 0; k < K; k++) {
                    s += (double) a[i * K + k] * b[j * K + k];
                }
                assertThat((double) c[i * N + j]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-3));
                assertThat((double) c2[i * N + j]).isCloseTo(s + 1, org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    @Test
    void attention() {
        attention(5);
        attention(FlashAttention.BLOCK + 3); // two query blocks, the second one partial
    }

    private static void attention(int T) {
        Rng r = new Rng(4);
        int B = 2, C = 8, NH = 2;
        float[] qkv = rand(r, B * T * 3 * C, 1.0);
        float[] R = rand(r, B * T * C, 1.0);
        float[] out = new float[B * T * C], lse = new float[B * NH * T];
        FlashAttention attention = new FlashAttention(POOL, new AttentionShape(B, T, NH, NH, C / NH));
        Supplier<Double> f = () -> {
            attention.forward(out, 0, lse, 0, qkv, 0);
            return dotD(out, R);
        };
        f.get();
        float[] dqkv = new float[qkv.length];
        attention.backward(dqkv, 0, R, 0, qkv, 0, out, 0, lse, 0);
        assertThat(relErr(dqkv, 0, numeric(qkv, f))).as("T " + T).isLessThan(TOL);
        // causality: the output at t must not depend on later positions
        float[] before = out.clone();
        qkv[(B * T - 1) * 3 * C + 2 * C] += 5f; // value of the last position of batch 1
        f.get();
        for (int i = 0; i < (B * T - 1) * C; i++) {
            assertThat(out[i]).isEqualTo(before[i]);
        }
    }

    @Test
    void gelu() {
        Rng r = new Rng(5);
        int n = 1024 + 40; // a full chunk of vector lanes, then a chunk with a scalar tail
        float[] inp = rand(r, n, 2.0);
        inp[0] = 0f;
        inp[1] = 30f; // saturated tanh
        inp[2] = -30f;
        float[] R = rand(r, n, 1.0);
        float[] out = new float[n];
        Supplier<Double> f = () -> {
            Layers.geluForward(POOL, out, 0, inp, 0, n);
            return dotD(out, R);
        };
        f.get();
        for (int i = 0; i < n; i++) {
            double x = inp[i];
            double exact = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertThat((double) out[i])
                    .as("gelu(%s)", x)
                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 + 1e-6 * Math.abs(exact)));
        }
        float[] dinp = new float[n];
        Layers.geluBackward(POOL, dinp, 0, inp, 0, R, 0, n);
        assertThat(relErr(dinp, 0, numeric(inp, f))).isLessThan(TOL);
    }

    @Test
    void crossEntropy() {
        Rng r = new Rng(6);
        int N = 4, V = 10, Vp = 16;
        float[] logits = rand(r, N * Vp, 2.0);
        int[] targets = {1, 9, 0, 4};
        float[] probs = new float[N * Vp], losses = new float[N];
        Supplier<Double> f = () -> (double) Layers.crossEntropyForward(POOL, probs, logits, targets, losses, N, V, Vp);
        f.get();
        Layers.crossEntropyBackward(POOL, probs, targets, 1f / N, N, V, Vp);
        float[] dlogits = probs.clone(); // the numeric pass below overwrites probs
        double[] num = numeric(logits, f);
        assertThat(relErr(dlogits, 0, num)).isLessThan(TOL);
        for (int n = 0; n < N; n++) {
            for (int v = V; v < Vp; v++) {
                assertThat(dlogits[n * Vp + v])
                        .as("padding columns get no gradient")
                        .isZero();
            }
        }
    }

    @Test
    void encoder() {
        Rng r = new Rng(7);
        int B = 2, T = 3, C = 4, V = 5;
        int[] tokens = {1, 1, 4, 0, 1, 2};
        float[] p = rand(r, V * C + T * C, 1.0);
        float[] R = rand(r, B * T * C, 1.0);
        float[] out = new float[B * T * C];
        Supplier<Double> f = () -> {
            Layers.encoderForward(out, tokens, p, 0, V * C, B, T, C);
            return dotD(out, R);
        };
        float[] g = new float[p.length];
        Layers.encoderBackward(g, 0, V * C, R, tokens, B, T, C);
        assertThat(relErr(g, 0, numeric(p, f))).isLessThan(TOL);
    }

    @Test
    void wholeModel() {
        GptConfig cfg = new GptConfig(2, 2, 8, 6, 11, 16);
        GptModel m = GptModel.create(cfg, POOL, 42);
        Rng r = new Rng(8);
        // larger weights than the 0.02 init, so every path carries signal
        for (int i = 0; i < m.params.length; i++) {
            m.params[i] += (float) (r.nextGaussian() * 0.3);
        }
        int B = 2, T = 5;
        int[] in = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < B * T; i++) {
            in[i] = r.nextInt(cfg.vocab());
            tg[i] = r.nextInt(cfg.vocab());
        }
        m.zeroGrad();
        m.forward(in, tg, B, T);
        m.backward(1f);
        double[] num = numeric(m.params, () -> (double) m.forward(in, tg, B, T));
        // per tensor, so a broken layer cannot hide behind a large embedding gradient
        for (ParamTensor t : m.tensors()) {
            double[] part = java.util.Arrays.copyOfRange(num, t.offset(), t.offset() + t.size());
            if (t.name().equals("wte.weight")) {
                part = java.util.Arrays.copyOf(part, cfg.vocab() * cfg.nEmbd());
            }
            if (t.name().equals("wpe.weight")) {
                part = java.util.Arrays.copyOf(part, T * cfg.nEmbd());
            }
            assertThat(relErr(m.grads(), t.offset(), part)).as(t.name()).isLessThan(2e-2);
        }
    }
}
