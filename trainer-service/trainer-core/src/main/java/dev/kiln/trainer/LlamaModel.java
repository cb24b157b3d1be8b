// Over 400 lines on purpose: forward and backward of the whole network side by side, as GptModel, read as one.
package dev.kiln.trainer;

import java.util.Arrays;
import java.util.List;

/**
 * Llama 3: token embedding (no position table); L pre-RMSNorm blocks of causal grouped-query
 * self-attention with rotary position embeddings on q and k, and a SwiGLU MLP, each wrapped in
 * a residual; final RMSNorm; LM head tied to the embedding or its own. No biases. Parameter names
 * and layouts are Hugging Face's LlamaForCausalLM ones ([out, in] like nn.Linear).
 *
 * <p>q/k/v projections are three tensors laid out back to back, which makes them one
 * [(NH+2·NKV)·hs, C] matrix for a single fused matmul; gate and up likewise make one [2I, C].
 * Matmul, attention core, residual and softmax cross-entropy are GPT-2's ({@link Layers}).
 */
public final class LlamaModel implements LanguageModel {
    public final LlamaConfig config;
    public final float[] params;

    private float[] grads;
    final ThreadPool pool;
    private final List<ParamTensor> tensors;
    /** RoPE tables [maxT, hs/2]. */
    final float[] ropeCos, ropeSin;

    final int embed, normf, lmHead; // lmHead == embed when tied
    final int[] attnNorm, qkvw, ow, mlpNorm, gateUpW, downW;

    private Activations acts;

    public LlamaModel(LlamaConfig config, ThreadPool pool) {
        this.config = config;
        this.pool = pool;
        int L = config.nLayer(), C = config.nEmbd(), Vp = config.paddedVocab(), I = config.intermediateSize();
        int hs = config.headDim(), NH = config.nHead(), NKV = config.nKvHead();
        ParamLayout layout = new ParamLayout(config.parameterCount());
        embed = layout.add("model.embed_tokens.weight", ParamTensor.Kind.EMBEDDING, true, Vp, C);
        attnNorm = new int[L];
        qkvw = new int[L];
        ow = new int[L];
        mlpNorm = new int[L];
        gateUpW = new int[L];
        downW = new int[L];
        for (int l = 0; l < L; l++) {
            String h = "model.layers." + l + ".";
            ParamTensor.Kind lin = ParamTensor.Kind.LINEAR_WEIGHT;
            attnNorm[l] = layout.add(h + "input_layernorm.weight", ParamTensor.Kind.NORM, false, C);
            qkvw[l] = layout.add(h + "self_attn.q_proj.weight", lin, false, NH * hs, C);
            layout.add(h + "self_attn.k_proj.weight", lin, false, NKV * hs, C);
            layout.add(h + "self_attn.v_proj.weight", lin, false, NKV * hs, C);
            ow[l] = layout.add(h + "self_attn.o_proj.weight", lin, false, C, NH * hs);
            mlpNorm[l] = layout.add(h + "post_attention_layernorm.weight", ParamTensor.Kind.NORM, false, C);
            gateUpW[l] = layout.add(h + "mlp.gate_proj.weight", lin, false, I, C);
            layout.add(h + "mlp.up_proj.weight", lin, false, I, C);
            downW[l] = layout.add(h + "mlp.down_proj.weight", lin, false, C, I);
        }
        normf = layout.add("model.norm.weight", ParamTensor.Kind.NORM, false, C);
        lmHead = config.tieWordEmbeddings()
                ? embed
                : layout.add("lm_head.weight", ParamTensor.Kind.LINEAR_WEIGHT, true, Vp, C);
        this.tensors = layout.tensors();
        this.params = new float[layout.size()];
        float[][] rope = LlamaLayers.ropeTables(config.context(), hs, config.ropeTheta());
        this.ropeCos = rope[0];
        this.ropeSin = rope[1];
    }

    /** A new model with the initialisation of {@link #initialize} from {@code seed}. */
    public static LlamaModel create(LlamaConfig config, ThreadPool pool, long seed) {
        LlamaModel m = new LlamaModel(config, pool);
        m.initialize(new Rng(seed));
        return m;
    }

    /**
     * Weights N(0, 0.02) (HF's initializer_range), with the two residual projections (o_proj,
     * down_proj) scaled by 1/sqrt(2L) as GPT-2 does, which keeps the residual stream's variance
     * flat in depth; RMSNorm gains 1; padding rows of the vocabulary tables 0.
     */
    public void initialize(Rng rng) {
        double resStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
        for (ParamTensor t : tensors) {
            int n = t.size();
            if (t.kind() == ParamTensor.Kind.NORM) {
                Arrays.fill(params, t.offset(), t.offset() + n, 1f);
                continue;
            }
            boolean residual = t.name().endsWith("o_proj.weight") || t.name().endsWith("down_proj.weight");
            t.fillGaussian(params, config.vocab(), residual ? resStd : 0.02, rng);
        }
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public float[] params() {
        return params;
    }

    @Override
    public float[] grads() {
        if (grads == null) {
            grads = new float[params.length];
        }
        return grads;
    }

    @Override
    public List<ParamTensor> tensors() {
        return tensors;
    }

    @Override
    public ThreadPool pool() {
        return pool;
    }

    // ------------------------------------------------------------------ activations

    private static final class Activations {
        final int B, T;
        int[] inputs, targets;
        final float[] encoded; // [B,T,C]
        final float[] rms1, rms1Rstd; // [L,B,T,C], [L,B,T]
        final float[] qkv; // [L,B,T,QKV], q and k after RoPE
        final float[] atty; // [L,B,T,C]
        final float[] lse; // [L,B,NH,T] attention log-sum-exp, for the blockwise backward
        final FlashAttention attention; // every layer's, forward and backward: one shape, one scratch
        final float[] res2; // [L,B,T,C]
        final float[] rms2, rms2Rstd; // [L,B,T,C], [L,B,T]
        final float[] gateUp; // [L,B,T,2I]
        final float[] swiglu; // [L,B,T,I]
        final float[] res3; // [L,B,T,C]
        final float[] rmsf, rmsfRstd; // [B,T,C], [B,T]
        final float[] logits, probs; // [B,T,Vp]; probs become dlogits in backward
        final float[] losses; // [B,T]
        // backward scratch
        final float[] dres, dA, dB, dQkv, dGateUp, dSwiglu;

        Activations(LlamaConfig cfg, ThreadPool pool, int B, int T) {
            this.B = B;
            this.T = T;
            int L = cfg.nLayer(), C = cfg.nEmbd(), NH = cfg.nHead(), Vp = cfg.paddedVocab();
            int I = cfg.intermediateSize(), QKV = cfg.qkvSize();
            int N = Math.multiplyExact(B, T);
            int NC = Math.multiplyExact(N, C);
            encoded = new float[NC];
            rms1 = new float[Math.multiplyExact(L, NC)];
            rms1Rstd = new float[L * N];
            qkv = new float[Math.multiplyExact(L, Math.multiplyExact(N, QKV))];
            atty = new float[L * NC];
            lse = new float[Math.multiplyExact(L, B * NH * T)];
            attention = new FlashAttention(pool, new AttentionShape(B, T, NH, cfg.nKvHead(), cfg.headDim()));
            res2 = new float[L * NC];
            rms2 = new float[L * NC];
            rms2Rstd = new float[L * N];
            gateUp = new float[Math.multiplyExact(L, Math.multiplyExact(N, 2 * I))];
            swiglu = new float[L * N * I];
            res3 = new float[L * NC];
            rmsf = new float[NC];
            rmsfRstd = new float[N];
            logits = new float[Math.multiplyExact(N, Vp)];
            probs = new float[N * Vp];
            losses = new float[N];
            dres = new float[NC];
            dA = new float[NC];
            dB = new float[NC];
            dQkv = new float[N * QKV];
            dGateUp = new float[N * 2 * I];
            dSwiglu = new float[N * I];
        }
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
        LlamaConfig c = config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), NKV = c.nKvHead(), hs = c.headDim();
        int V = c.vocab(), Vp = c.paddedVocab(), I = c.intermediateSize(), QKV = c.qkvSize();
        float eps = c.normEps();
        LanguageModel.requireBatch(c, inputs, targets, B, T);
        Activations a = acts(B, T);
        a.inputs = Arrays.copyOf(inputs, B * T);
        a.targets = targets == null ? null : Arrays.copyOf(targets, B * T);
        int N = B * T, NC = N * C;

        for (int n = 0; n < N; n++) {
            System.arraycopy(params, embed + a.inputs[n] * C, a.encoded, n * C, C);
        }
        for (int l = 0; l < L; l++) {
            float[] resIn = l == 0 ? a.encoded : a.res3;
            int resOff = l == 0 ? 0 : (l - 1) * NC;
            int o = l * NC;
            LlamaLayers.rmsnormForward(
                    pool, a.rms1, o, a.rms1Rstd, l * N, resIn, resOff, params, attnNorm[l], eps, N, C);
            Layers.matmulForward(pool, a.qkv, l * N * QKV, a.rms1, o, params, qkvw[l], -1, N, C, QKV);
            LlamaLayers.rope(pool, a.qkv, l * N * QKV, QKV, NH + NKV, hs, ropeCos, ropeSin, B, T, false);
            a.attention.forward(a.atty, o, a.lse, l * B * NH * T, a.qkv, l * N * QKV);
            Layers.matmulForward(pool, a.res2, o, a.atty, o, params, ow[l], -1, N, C, C);
            Layers.residualAdd(pool, a.res2, o, resIn, resOff, NC);
            LlamaLayers.rmsnormForward(pool, a.rms2, o, a.rms2Rstd, l * N, a.res2, o, params, mlpNorm[l], eps, N, C);
            Layers.matmulForward(pool, a.gateUp, l * N * 2 * I, a.rms2, o, params, gateUpW[l], -1, N, C, 2 * I);
            LlamaLayers.swigluForward(pool, a.swiglu, l * N * I, a.gateUp, l * N * 2 * I, N, I);
            Layers.matmulForward(pool, a.res3, o, a.swiglu, l * N * I, params, downW[l], -1, N, I, C);
            Layers.residualAdd(pool, a.res3, o, a.res2, o, NC);
        }
        LlamaLayers.rmsnormForward(pool, a.rmsf, 0, a.rmsfRstd, 0, a.res3, (L - 1) * NC, params, normf, eps, N, C);
        Layers.matmulForward(pool, a.logits, 0, a.rmsf, 0, params, lmHead, -1, N, C, Vp);
        return targets == null
                ? Float.NaN
                : Layers.crossEntropyForward(pool, a.probs, a.logits, a.targets, a.losses, N, V, Vp);
    }

    @Override
    public float[] logits() {
        return acts.logits;
    }

    // ------------------------------------------------------------------ backward

    /** Use lossScale = 1/k when accumulating k micro-batches. */
    @Override
    public void backward(float lossScale) {
        Activations a = acts;
        if (a == null || a.targets == null) {
            throw new IllegalStateException("backward needs a forward with targets");
        }
        LlamaConfig c = config;
        int L = c.nLayer(), C = c.nEmbd(), NH = c.nHead(), NKV = c.nKvHead(), hs = c.headDim();
        int V = c.vocab(), Vp = c.paddedVocab(), I = c.intermediateSize(), QKV = c.qkvSize();
        int B = a.B, T = a.T, N = B * T, NC = N * C;
        float[] g = grads();

        Layers.crossEntropyBackward(pool, a.probs, a.targets, lossScale / N, N, V, Vp);
        float[] dlogits = a.probs;
        Layers.matmulBackward(pool, a.dA, 0, g, lmHead, -1, dlogits, 0, a.rmsf, 0, params, lmHead, N, C, Vp);
        Arrays.fill(a.dres, 0f);
        LlamaLayers.rmsnormBackward(
                pool, a.dres, 0, g, normf, a.dA, 0, a.res3, (L - 1) * NC, params, normf, a.rmsfRstd, 0, N, C);

        for (int l = L - 1; l >= 0; l--) {
            float[] resIn = l == 0 ? a.encoded : a.res3;
            int resOff = l == 0 ? 0 : (l - 1) * NC;
            int o = l * NC;
            // dres holds d(res3[l]); res3 = res2 + down(swiglu(gateUp(rms2(res2))))
            Layers.matmulBackward(
                    pool, a.dSwiglu, 0, g, downW[l], -1, a.dres, 0, a.swiglu, l * N * I, params, downW[l], N, I, C);
            LlamaLayers.swigluBackward(pool, a.dGateUp, 0, a.gateUp, l * N * 2 * I, a.dSwiglu, 0, N, I);
            Layers.matmulBackward(
                    pool, a.dA, 0, g, gateUpW[l], -1, a.dGateUp, 0, a.rms2, o, params, gateUpW[l], N, C, 2 * I);
            LlamaLayers.rmsnormBackward(
                    pool, a.dres, 0, g, mlpNorm[l], a.dA, 0, a.res2, o, params, mlpNorm[l], a.rms2Rstd, l * N, N, C);
            // dres holds d(res2[l]); res2 = resIn + o(attention(rope(qkv(rms1(resIn)))))
            Layers.matmulBackward(pool, a.dB, 0, g, ow[l], -1, a.dres, 0, a.atty, o, params, ow[l], N, C, C);
            a.attention.backward(a.dQkv, 0, a.dB, 0, a.qkv, l * N * QKV, a.atty, o, a.lse, l * B * NH * T);
            LlamaLayers.rope(pool, a.dQkv, 0, QKV, NH + NKV, hs, ropeCos, ropeSin, B, T, true);
            Layers.matmulBackward(pool, a.dA, 0, g, qkvw[l], -1, a.dQkv, 0, a.rms1, o, params, qkvw[l], N, C, QKV);
            LlamaLayers.rmsnormBackward(
                    pool,
                    a.dres,
                    0,
                    g,
                    attnNorm[l],
                    a.dA,
                    0,
                    resIn,
                    resOff,
                    params,
                    attnNorm[l],
                    a.rms1Rstd,
                    l * N,
                    N,
                    C);
        }
        // sequential, so repeated tokens add in order
        for (int n = 0; n < N; n++) {
            int we = embed + a.inputs[n] * C;
            for (int i = 0; i < C; i++) {
                g[we + i] += a.dres[n * C + i];
            }
        }
        a.targets = null; // probs were consumed as dlogits
    }

    @Override
    public LlamaKvCacheDecoder decoder() {
        return new LlamaKvCacheDecoder(this);
    }
}
