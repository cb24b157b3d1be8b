package dev.kiln.trainer;

import static dev.kiln.trainer.GradCheckTest.TOL;
import static dev.kiln.trainer.GradCheckTest.dotD;
import static dev.kiln.trainer.GradCheckTest.numeric;
import static dev.kiln.trainer.GradCheckTest.rand;
import static dev.kiln.trainer.GradCheckTest.relErr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the layers Llama adds (RMSNorm, RoPE, SwiGLU, grouped-query
 * attention) and of the whole Llama model, tied and untied, in {@link GradCheckTest}'s manner.
 */
class LlamaGradCheckTest {
    static final ThreadPool POOL = new ThreadPool(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void rmsnorm() {
        Rng r = new Rng(11);
        int N = 5, C = 12;
        float[] inp = rand(r, N * C, 1.0);
        float[] p = rand(r, C, 0.5);
        for (int c = 0; c < C; c++) {
            p[c] += 1f;
        }
        float[] R = rand(r, N * C, 1.0);
        float[] out = new float[N * C], rstd = new float[N];
        Supplier<Double> f = () -> {
            LlamaLayers.rmsnormForward(POOL, out, 0, rstd, 0, inp, 0, p, 0, 1e-5f, N, C);
            return dotD(out, R);
        };
        f.get();
        double ms = 0;
        for (int c = 0; c < C; c++) {
            ms += inp[c] * inp[c];
        }
        assertThat((double) out[3]).isCloseTo(inp[3] / Math.sqrt(ms / C + 1e-5) * p[3], Offset.offset(1e-5));
        float[] dinp = new float[N * C], g = new float[C];
        LlamaLayers.rmsnormBackward(POOL, dinp, 0, g, 0, R, 0, inp, 0, p, 0, rstd, 0, N, C);
        assertThat(relErr(dinp, 0, numeric(inp, f))).isLessThan(TOL);
        assertThat(relErr(g, 0, numeric(p, f))).isLessThan(TOL);
    }

    @Test
    void ropeIsHuggingFacesRotateHalfAndItsInverseIsTheBackward() {
        Rng r = new Rng(12);
        int B = 2, T = 4, heads = 3, hs = 6, stride = 4 * hs; // the fourth head (a value head) is left alone
        float[][] tables = LlamaLayers.ropeTables(T, hs, 10_000.0);
        float[] x = rand(r, B * T * stride, 1.0);
        float[] orig = x.clone();
        LlamaLayers.rope(POOL, x, 0, stride, heads, hs, tables[0], tables[1], B, T, false);
        // HF: q·cos + rotate_half(q)·sin, with cos/sin of (t · inv_freq) repeated over both halves
        int b = 1, t = 3, h = 2, base = (b * T + t) * stride + h * hs;
        for (int i = 0; i < hs; i++) {
            int j = i % (hs / 2);
            double angle = t * Math.pow(10_000.0, -2.0 * j / hs);
            double rotated = i < hs / 2 ? -orig[base + i + hs / 2] : orig[base + i - hs / 2];
            assertThat((double) x[base + i])
                    .isCloseTo(orig[base + i] * Math.cos(angle) + rotated * Math.sin(angle), Offset.offset(1e-5));
        }
        for (int i = 3 * hs; i < 4 * hs; i++) {
            assertThat(x[(b * T + t) * stride + i]).isEqualTo(orig[(b * T + t) * stride + i]);
        }
        // loss = sum(rope(x)·R): the gradient is rope⁻¹(R)
        float[] R = rand(r, x.length, 1.0);
        float[] work = new float[x.length];
        Supplier<Double> f = () -> {
            System.arraycopy(orig, 0, work, 0, orig.length);
            LlamaLayers.rope(POOL, work, 0, stride, heads, hs, tables[0], tables[1], B, T, false);
            return dotD(work, R);
        };
        float[] dx = R.clone();
        LlamaLayers.rope(POOL, dx, 0, stride, heads, hs, tables[0], tables[1], B, T, true);
        assertThat(relErr(dx, 0, numeric(orig, f))).isLessThan(TOL);
    }

    @Test
    void swiglu() {
        Rng r = new Rng(13);
        int N = 4, I = 9;
        float[] gu = rand(r, N * 2 * I, 2.0);
        float[] R = rand(r, N * I, 1.0);
        float[] out = new float[N * I];
        Supplier<Double> f = () -> {
            LlamaLayers.swigluForward(POOL, out, 0, gu, 0, N, I);
            return dotD(out, R);
        };
        f.get();
        double gate = gu[2 * I + 1], up = gu[2 * I + I + 1];
        assertThat((double) out[I + 1]).isCloseTo(gate / (1 + Math.exp(-gate)) * up, Offset.offset(1e-5));
        float[] dgu = new float[gu.length];
        LlamaLayers.swigluBackward(POOL, dgu, 0, gu, 0, R, 0, N, I);
        assertThat(relErr(dgu, 0, numeric(gu, f))).isLessThan(TOL);
    }

    @Test
    void groupedQueryAttention() {
        groupedQueryAttention(5);
        groupedQueryAttention(2 * FlashAttention.BLOCK + 1); // three query blocks, the last of one row
    }

    private static void groupedQueryAttention(int T) {
        Rng r = new Rng(14);
        int B = T > FlashAttention.BLOCK ? 1 : 2, NH = 4, NKV = 2, hs = 4, C = NH * hs, stride = (NH + 2 * NKV) * hs;
        float[] qkv = rand(r, B * T * stride, 1.0);
        float[] R = rand(r, B * T * C, 1.0);
        float[] out = new float[B * T * C], lse = new float[B * NH * T];
        FlashAttention attention = new FlashAttention(POOL, new AttentionShape(B, T, NH, NKV, hs));
        Supplier<Double> f = () -> {
            attention.forward(out, 0, lse, 0, qkv, 0);
            return dotD(out, R);
        };
        f.get();
        float[] dqkv = new float[qkv.length];
        attention.backward(dqkv, 0, R, 0, qkv, 0, out, 0, lse, 0);
        assertThat(relErr(dqkv, 0, numeric(qkv, f))).as("T " + T).isLessThan(TOL);
        // query heads 2 and 3 share key/value head 1: equal queries give equal outputs
        float[] same = qkv.clone();
        for (int n = 0; n < B * T; n++) {
            System.arraycopy(same, n * stride + 2 * hs, same, n * stride + 3 * hs, hs);
        }
        attention.forward(out, 0, lse, 0, same, 0);
        for (int n = 0; n < B * T; n++) {
            assertThat(Arrays.copyOfRange(out, n * C + 3 * hs, n * C + 4 * hs))
                    .containsExactly(Arrays.copyOfRange(out, n * C + 2 * hs, n * C + 3 * hs));
        }
    }

    @Test
    void wholeModelTied() {
        wholeModel(new LlamaConfig(2, 4, 2, 8, 12, 6, 11, 16, 10_000f, 1e-5f, true));
    }

    @Test
    void wholeModelUntiedMultiQuery() {
        wholeModel(new LlamaConfig(2, 2, 1, 8, 10, 6, 11, 16, 500_000f, 1e-5f, false));
    }

    private static void wholeModel(LlamaConfig cfg) {
        LlamaModel m = LlamaModel.create(cfg, POOL, 42);
        Rng r = new Rng(15);
        for (ParamTensor t : m.tensors()) { // larger weights than the init, so every path carries signal
            int real = t.vocabRows() ? cfg.vocab() * cfg.nEmbd() : t.size();
            for (int i = 0; i < real; i++) {
                m.params[t.offset() + i] += (float) (r.nextGaussian() * 0.3);
            }
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
        for (ParamTensor t : m.tensors()) {
            double[] part = Arrays.copyOfRange(num, t.offset(), t.offset() + t.size());
            if (t.vocabRows()) {
                part = Arrays.copyOf(part, cfg.vocab() * cfg.nEmbd());
                for (int i = cfg.vocab() * cfg.nEmbd(); i < t.size(); i++) {
                    assertThat(m.grads()[t.offset() + i])
                            .as("padding rows get no gradient")
                            .isZero();
                }
            }
            assertThat(relErr(m.grads(), t.offset(), part)).as(t.name()).isLessThan(2e-2);
        }
    }

    @Test
    void decoderMatchesTheFullForward() {
        LlamaConfig cfg = new LlamaConfig(2, 4, 2, 16, 24, 12, 37, 64, 10_000f, 1e-5f, false);
        LlamaModel m = LlamaModel.create(cfg, POOL, 3);
        int[] tokens = {5, 1, 36, 0, 7, 7, 2, 19};
        float[][] full = m.forwardLogits(tokens);
        TokenDecoder dec = m.decoder();
        for (int t = 0; t < tokens.length; t++) {
            float[] step = dec.step(tokens[t]);
            for (int v = 0; v < cfg.vocab(); v++) {
                assertThat(step[v]).isCloseTo(full[t][v], Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void configRejectsBadCombinations() {
        assertThatThrownBy(() -> LlamaConfig.of(2, 4, 3, 16, 32, 8, 10, true)).hasMessageContaining("n_kv_head");
        assertThatThrownBy(() -> LlamaConfig.of(2, 4, 2, 12, 32, 8, 10, true)).hasMessageContaining("head_dim 3");
        assertThatThrownBy(() -> new LlamaConfig(2, 4, 2, 16, 32, 8, 10, 64, 0.5f, 1e-5f, true))
                .hasMessageContaining("rope_theta");
    }
}
