package dev.kiln.trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, Loshchilov &amp; Hutter) with bias correction; defaults β1 0.9,
 * β2 0.95, eps 1e-8, weight decay 0.1.
 *
 * <p><b>What is decayed:</b> only the 2-D linear weights of the blocks (attn.c_attn, attn.c_proj,
 * mlp.c_fc, mlp.c_proj; Llama's q/k/v/o and gate/up/down projections, and its untied lm_head).
 * Biases, norm gains/biases and the embedding tables (wte, which is also the tied LM head, and
 * wpe; Llama's embed_tokens) are not: decaying a LayerNorm gain or bias toward zero has
 * no regularising meaning, and decaying embeddings shrinks rare tokens' rows that see few
 * gradient updates. This follows GPT-2/nanoGPT practice except that nanoGPT decays embeddings too.
 *
 * <p>Global gradient-norm clipping ({@link #clipGradNorm}) and the update are computed over
 * fixed segments, so results are independent of the thread count.
 */
public final class AdamW {
    private static final int SEGMENT = 1 << 14;

    private final LanguageModel model;
    private final float beta1, beta2, eps, weightDecay;
    /** First and second moments, same layout as the parameters. */
    final float[] m, v;

    private long t; // number of updates applied
    private final int[][] segments; // {start, end, decayed}

    public AdamW(LanguageModel model) {
        this(model, 0.9f, 0.95f, 1e-8f, 0.1f);
    }

    public AdamW(LanguageModel model, float beta1, float beta2, float eps, float weightDecay) {
        this.model = model;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[model.params().length];
        this.v = new float[model.params().length];
        List<int[]> segs = new ArrayList<>();
        for (ParamTensor pt : model.tensors()) {
            for (int s = pt.offset(); s < pt.offset() + pt.size(); s += SEGMENT) {
                segs.add(new int[] {s, Math.min(pt.offset() + pt.size(), s + SEGMENT), pt.decayed() ? 1 : 0});
            }
        }
        this.segments = segs.toArray(new int[0][]);
    }

    /** Updates applied so far. */
    public long updates() {
        return t;
    }

    void restore(long updates, float[] m1, float[] m2) {
        if (m1.length != m.length || m2.length != v.length) {
            throw new IllegalArgumentException("moment sizes differ from the model");
        }
        this.t = updates;
        System.arraycopy(m1, 0, m, 0, m.length);
        System.arraycopy(m2, 0, v, 0, v.length);
    }

    public float[] firstMoment() {
        return m;
    }

    public float[] secondMoment() {
        return v;
    }

    /** L2 norm of all gradients; if above maxNorm (> 0), scales them down to maxNorm. Returns the norm before clipping. */
    public float clipGradNorm(float maxNorm) {
        float[] g = model.grads();
        double[] partial = new double[segments.length];
        model.pool().parallelFor(segments.length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                double acc = 0;
                for (int i = segments[s][0]; i < segments[s][1]; i++) {
                    acc += (double) g[i] * g[i];
                }
                partial[s] = acc;
            }
        });
        double sum = 0;
        for (double p : partial) {
            sum += p;
        }
        float norm = (float) Math.sqrt(sum);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = maxNorm / (norm + 1e-6f);
            model.pool().parallelFor(segments.length, (s0, s1) -> {
                for (int s = s0; s < s1; s++) {
                    for (int i = segments[s][0]; i < segments[s][1]; i++) {
                        g[i] *= scale;
                    }
                }
            });
        }
        return norm;
    }

    /** One update of every parameter from the current gradients at learning rate lr. */
    public void step(float lr) {
        t++;
        float bc1 = (float) (1.0 - Math.pow(beta1, t));
        float bc2 = (float) (1.0 - Math.pow(beta2, t));
        float[] p = model.params(), g = model.grads();
        model.pool().parallelFor(segments.length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                float wd = segments[s][2] == 1 ? weightDecay : 0f;
                for (int i = segments[s][0]; i < segments[s][1]; i++) {
                    float gi = g[i];
                    float mi = beta1 * m[i] + (1f - beta1) * gi;
                    float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    float mhat = mi / bc1, vhat = vi / bc2;
                    p[i] -= lr * (mhat / ((float) Math.sqrt(vhat) + eps) + wd * p[i]);
                }
            }
        });
    }
}
