// Over 400 lines on purpose: forward and backward of the whole network side by side, in llm.c's order, read as one.
package dev.kiln.trainer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2: token + learned position embeddings; L pre-LayerNorm blocks of causal multi-head
 * self-attention and a 4× MLP with tanh-GELU, each wrapped in a residual; final LayerNorm; LM
 * head tied to the token embedding. See {@link LanguageModel} for the training contract.
 */
public final class GptModel implements LanguageModel {
    public final GptConfig config;
    /** All parameters, laid out as {@link #tensors()} says. */
    public final float[] params;

    private float[] grads; // same layout as params; allocated by grads()

    final ThreadPool pool;
    private final List<ParamTensor> tensors;
    private final Map<String, ParamTensor> byName = new LinkedHashMap<>();

    // offsets of the named views; per-layer ones indexed by layer
    final int wte, wpe, lnfw, lnfb;
    final int[] ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb;

    private Activations acts;
    private float lastLoss = Float.NaN;

    public GptModel(GptConfig config, ThreadPool pool) {
        this.config = config;
        this.pool = pool;
        int L = config.nLayer(), C = config.nEmbd(), Vp = config.paddedVocab(), maxT = config.context();
        ParamLayout layout = new ParamLayout(config.parameterCount());
        wte = layout.add("wte.weight", ParamTensor.Kind.EMBEDDING, true, Vp, C);
        wpe = layout.add("wpe.weight", ParamTensor.Kind.EMBEDDING, false, maxT, C);
        ln1w = new int[L];
        ln1b = new int[L];
        qkvw = new int[L];
        qkvb = new int[L];
        attprojw = new int[L];
        attprojb = new int[L];
        ln2w = new int[L];
        ln2b = new int[L];
        fcw = new int[L];
        fcb = new int[L];
        fcprojw = new int[L];
        fcprojb = new int[L];
        for (int l = 0; l < L; l++) {
            String h = "h." + l + ".";
            ln1w[l] = layout.add(h + "ln_1.weight", ParamTensor.Kind.NORM, false, C);
            ln1b[l] = layout.add(h + "ln_1.bias", ParamTensor.Kind.NORM, false, C);
            qkvw[l] = layout.add(h + "attn.c_attn.weight", ParamTensor.Kind.CONV1D_WEIGHT, false, 3 * C, C);
            qkvb[l] = layout.add(h + "attn.c_attn.bias", ParamTensor.Kind.BIAS, false, 3 * C);
            attprojw[l] = layout.add(h + "attn.c_proj.weight", ParamTensor.Kind.CONV1D_WEIGHT, false, C, C);
            attprojb[l] = layout.add(h + "attn.c_proj.bias", ParamTensor.Kind.BIAS, false, C);
            ln2w[l] = layout.add(h + "ln_2.weight", ParamTensor.Kind.NORM, false, C);
            ln2b[l] = layout.add(h + "ln_2.bias", ParamTensor.Kind.NORM, false, C);
            fcw[l] = layout.add(h + "mlp.c_fc.weight", ParamTensor.Kind.CONV1D_WEIGHT, false, 4 * C, C);
            fcb[l] = layout.add(h + "mlp.c_fc.bias", ParamTensor.Kind.BIAS, false, 4 * C);
            fcprojw[l] = layout.add(h + "mlp.c_proj.weight", ParamTensor.Kind.CONV1D_WEIGHT, false, C, 4 * C);
            fcprojb[l] = layout.add(h + "mlp.c_proj.bias", ParamTensor.Kind.BIAS, false, C);
        }
        lnfw = layout.add("ln_f.weight", ParamTensor.Kind.NORM, false, C);
        lnfb = layout.add("ln_f.bias", ParamTensor.Kind.NORM, false, C);
        this.tensors = layout.tensors();
        tensors.forEach(t -> byName.put(t.name(), t));
        this.params = new float[layout.size()];
    }

    /** A new model with GPT-2 initialisation from {@code seed}. */
    public static GptModel create(GptConfig config, ThreadPool pool, long seed) {
        GptModel m = new GptModel(config, pool);
        m.initialize(new Rng(seed));
        return m;
    }

    /**
     * GPT-2 init: weights and embeddings N(0, 0.02); the two residual projections of each block
     * (attn.c_proj, mlp.c_proj) N(0, 0.02/sqrt(2L)); biases 0; LayerNorm weight 1, bias 0. The
     * padding rows of the token table stay 0 (they never receive gradient either).
     */
    public void initialize(Rng rng) {
        double resStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
        for (ParamTensor t : tensors) {
            int n = t.size();
            switch (t.kind()) {
                case NORM ->
                    Arrays.fill(params, t.offset(), t.offset() + n, t.name().endsWith(".weight") ? 1f : 0f);
                case BIAS -> Arrays.fill(params, t.offset(), t.offset() + n, 0f);
                case EMBEDDING, CONV1D_WEIGHT, LINEAR_WEIGHT -> {
                    double std = t.name().endsWith("c_proj.weight") ? resStd : 0.02;
                    t.fillGaussian(params, config.vocab(), std, rng);
                }
            }
        }
    }

    @Override
    public GptConfig config() {
        return config;
    }

    @Override
    public float[] params() {
        return params;
    }

    @Override
    public List<ParamTensor> tensors() {
        return tensors;
    }

    public ParamTensor tensor(String name) {
        ParamTensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return t;
    }

    @Override
    public ThreadPool pool() {
        return pool;
    }

    @Override
    public float[] grads() {
        if (grads == null) {
            grads = new float[params.length];
        }
        return grads;
    }

    /** Mean loss of the last forward with targets (NaN if none). */
    public float lastLoss() {
        return lastLoss;
    }

    // ------------------------------------------------------------------ activations

    private static final class Activations {
        final int B, T;
        int[] inputs, targets;
        final float[] encoded; // [B,T,C]
        final float[] ln1, ln1Mean, ln1Rstd; // [L,B,T,C], [L,B,T]
        final float[] qkv; // [L,B,T,3C]
        final float[] atty; // [L,B,T,C]
        final float[] lse; // [L,B,NH,T] attention log-sum-exp, for the blockwise backward
        final FlashAttention attention; // every layer's, forward and backward: one shape, one scratch
        final float[] res2; // [L,B,T,C]
        final float[] ln2, ln2Mean, ln2Rstd; // [L,B,T,C], [L,B,T]
        final float[] fch, fchGelu; // [L,B,T,4C]
        final float[] res3; // [L,B,T,C]
        final float[] lnf, lnfMean, lnfRstd; // [B,T,C], [B,T]
        final float[] logits, probs; // [B,T,Vp]; probs become dlogits in backward
        final float[] losses; // [B,T]
        // backward scratch
        final float[] dres, dA, dB, d3C, d4C;

        Activations(GptConfig cfg, ThreadPool pool, int B, int T) {
            this.B = B;
            this.T = T;
            int L = cfg.nLayer(), C = cfg.nEmbd(), NH = cfg.nHead(), Vp = cfg.paddedVocab();
            int N = Math.multiplyExact(B, T);
            int NC = Math.multiplyExact(N, C);
            encoded = new float[NC];
            ln1 = new float[Math.multiplyExact(L, NC)];
            ln1Mean = new float[L * N];
            ln1Rstd = new float[L * N];
            qkv = new float[Math.multiplyExact(L, 3 * NC)];
            atty = new float[L * NC];
            lse = new float[Math.multiplyExact(L, B * NH * T)];
            attention = new FlashAttention(pool, new AttentionShape(B, T, NH, NH, C / NH));
            res2 = new float[L * NC];
            ln2 = new float[L * NC];
            ln2Mean = new float[L * N];
            ln2Rstd = new float[L * N];
            fch = new float[Math.multiplyExact(L, 4 * NC)];
            fchGelu = new float[L * 4 * NC];
            res3 = new float[L * NC];
            lnf = new float[NC];
            lnfMean = new float[N];
            lnfRstd = new float[N];
            logits = new float[Math.multiplyExact(N, Vp)];
            probs = new float[N * Vp];
            losses = new float[N];
            dres = new float[NC];
            dA = new float[NC];
            dB = new float[NC];
            d3C = new float[3 * NC];
            d4C = new float[4 * NC];
        }
    }

    /**
     * Heap a training step needs at batch B and sequence T: parameters, gradients, both AdamW
     * moments, and the activations kept for backward, all linear in T (attention keeps only its
     * [L,B,NH,T] log-sum-exp: {@link FlashAttention}). For validating a run's config before starting it.
     */
    public static long trainingMemoryBytes(GptConfig c, int B, int T) {
        long L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), Vp = c.paddedVocab(), N = (long) B * T;
        long params = 4 * c.parameterCount();
        long acts = N * C // encoded
                + L * N * C * 5 // ln1, atty, res2, ln2, res3
                + L * N * 3 * C
                + L * N * 8 * C // qkv, fch + fchGelu
                + L * N * 4 // LayerNorm statistics
                + L * B * NH * (long) T // attention log-sum-exp
                + N * C
                + 2 * N // lnf + its statistics
                + 2 * N * Vp
                + N // logits, probs, losses
                + N * C * 3
                + N * 3 * C
                + N * 4 * C; // backward buffers
        return params + params + 2 * params + 4 * acts;
    }

    private Activations acts(int B, int T) {
        if (acts == null || acts.B != B || acts.T != T) {
            acts = null;
            acts = new Activations(config, pool, B, T);
        }
        return acts;
    }

    // ------------------------------------------------------------------ forward

    @Override
    public float forward(int[] inputs, int[] targets, int B, int T) {
        GptConfig c = config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), V = c.vocab(), Vp = c.paddedVocab();
        LanguageModel.requireBatch(c, inputs, targets, B, T);
        Activations a = acts(B, T);
        a.inputs = Arrays.copyOf(inputs, B * T);
        a.targets = targets == null ? null : Arrays.copyOf(targets, B * T);
        int N = B * T, NC = N * C;

        Layers.encoderForward(a.encoded, a.inputs, params, wte, wpe, B, T, C);
        for (int l = 0; l < L; l++) {
            float[] resIn = l == 0 ? a.encoded : a.res3;
            int resOff = l == 0 ? 0 : (l - 1) * NC;
            int o = l * NC;
            Layers.layernormForward(
                    pool, a.ln1, o, a.ln1Mean, a.ln1Rstd, l * N, resIn, resOff, params, ln1w[l], ln1b[l], N, C);
            Layers.matmulForward(pool, a.qkv, 3 * o, a.ln1, o, params, qkvw[l], qkvb[l], N, C, 3 * C);
            a.attention.forward(a.atty, o, a.lse, l * B * NH * T, a.qkv, 3 * o);
            Layers.matmulForward(pool, a.res2, o, a.atty, o, params, attprojw[l], attprojb[l], N, C, C);
            Layers.residualAdd(pool, a.res2, o, resIn, resOff, NC);
            Layers.layernormForward(
                    pool, a.ln2, o, a.ln2Mean, a.ln2Rstd, l * N, a.res2, o, params, ln2w[l], ln2b[l], N, C);
            Layers.matmulForward(pool, a.fch, 4 * o, a.ln2, o, params, fcw[l], fcb[l], N, C, 4 * C);
            Layers.geluForward(pool, a.fchGelu, 4 * o, a.fch, 4 * o, 4 * NC);
            Layers.matmulForward(pool, a.res3, o, a.fchGelu, 4 * o, params, fcprojw[l], fcprojb[l], N, 4 * C, C);
            Layers.residualAdd(pool, a.res3, o, a.res2, o, NC);
        }
        Layers.layernormForward(
                pool, a.lnf, 0, a.lnfMean, a.lnfRstd, 0, a.res3, (L - 1) * NC, params, lnfw, lnfb, N, C);
        Layers.matmulForward(pool, a.logits, 0, a.lnf, 0, params, wte, -1, N, C, Vp);
        lastLoss = targets == null
                ? Float.NaN
                : Layers.crossEntropyForward(pool, a.probs, a.logits, a.targets, a.losses, N, V, Vp);
        return lastLoss;
    }

    @Override
    public float[] logits() {
        return acts.logits;
    }

    /** Per-position losses [B,T] of the last forward with targets. Live view. */
    public float[] losses() {
        return acts.losses;
    }

    // ------------------------------------------------------------------ backward

    /** Use lossScale = 1/k when accumulating k micro-batches. */
    @Override
    public void backward(float lossScale) {
        Activations a = acts;
        if (a == null || a.targets == null) {
            throw new IllegalStateException("backward needs a forward with targets");
        }
        GptConfig c = config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), V = c.vocab(), Vp = c.paddedVocab();
        int B = a.B, T = a.T, N = B * T, NC = N * C;
        float[] g = grads();

        Layers.crossEntropyBackward(pool, a.probs, a.targets, lossScale / N, N, V, Vp);
        float[] dlogits = a.probs;
        // tied LM head: dlnf = dlogits · wte, dwte += dlogits^T · lnf
        Layers.matmulBackward(pool, a.dA, 0, g, wte, -1, dlogits, 0, a.lnf, 0, params, wte, N, C, Vp);
        Arrays.fill(a.dres, 0f);
        Layers.layernormBackward(
                pool,
                a.dres,
                0,
                g,
                lnfw,
                lnfb,
                a.dA,
                0,
                a.res3,
                (L - 1) * NC,
                params,
                lnfw,
                a.lnfMean,
                a.lnfRstd,
                0,
                N,
                C);

        for (int l = L - 1; l >= 0; l--) {
            float[] resIn = l == 0 ? a.encoded : a.res3;
            int resOff = l == 0 ? 0 : (l - 1) * NC;
            int o = l * NC;
            // dres holds d(res3[l]); res3 = res2 + fcproj(gelu(fc(ln2(res2))))
            Layers.matmulBackward(
                    pool,
                    a.d4C,
                    0,
                    g,
                    fcprojw[l],
                    fcprojb[l],
                    a.dres,
                    0,
                    a.fchGelu,
                    4 * o,
                    params,
                    fcprojw[l],
                    N,
                    4 * C,
                    C);
            Layers.geluBackward(pool, a.d4C, 0, a.fch, 4 * o, a.d4C, 0, 4 * NC);
            Layers.matmulBackward(pool, a.dA, 0, g, fcw[l], fcb[l], a.d4C, 0, a.ln2, o, params, fcw[l], N, C, 4 * C);
            Layers.layernormBackward(
                    pool, a.dres, 0, g, ln2w[l], ln2b[l], a.dA, 0, a.res2, o, params, ln2w[l], a.ln2Mean, a.ln2Rstd,
                    l * N, N, C);
            // dres holds d(res2[l]); res2 = resIn + attproj(attention(qkv(ln1(resIn))))
            Layers.matmulBackward(
                    pool, a.dB, 0, g, attprojw[l], attprojb[l], a.dres, 0, a.atty, o, params, attprojw[l], N, C, C);
            a.attention.backward(a.d3C, 0, a.dB, 0, a.qkv, 3 * o, a.atty, o, a.lse, l * B * NH * T);
            Layers.matmulBackward(pool, a.dA, 0, g, qkvw[l], qkvb[l], a.d3C, 0, a.ln1, o, params, qkvw[l], N, C, 3 * C);
            Layers.layernormBackward(
                    pool, a.dres, 0, g, ln1w[l], ln1b[l], a.dA, 0, resIn, resOff, params, ln1w[l], a.ln1Mean, a.ln1Rstd,
                    l * N, N, C);
        }
        Layers.encoderBackward(g, wte, wpe, a.dres, a.inputs, B, T, C);
        a.targets = null; // probs were consumed as dlogits
    }

    /** A new KV-cache decoder over these weights (shares them: do not train while it is used). */
    @Override
    public KvCacheDecoder decoder() {
        return new KvCacheDecoder(this);
    }

    /** Copy of the parameters into another model of the same config. */
    public void copyParamsTo(GptModel other) {
        if (!other.config.equals(config)) {
            throw new IllegalArgumentException("config differs");
        }
        System.arraycopy(params, 0, other.params, 0, params.length);
    }
}
