package dev.kiln.trainer;

/**
 * Shape of a Llama 3 style model: RMSNorm, rotary position embeddings, SwiGLU MLP, grouped-query
 * attention, no biases, optionally an LM head of its own.
 *
 * @param nLayer            transformer blocks (L)
 * @param nHead             query heads (NH); nEmbd must be divisible by it, and head_dim even (RoPE rotates pairs)
 * @param nKvHead           key/value heads (NKV), a divisor of nHead; NH/NKV query heads share one
 * @param nEmbd             channels of the residual stream (C)
 * @param intermediateSize  hidden width of the SwiGLU MLP (I)
 * @param context           maximum sequence length (maxT)
 * @param vocab             real vocabulary size (V)
 * @param paddedVocab       V rounded up (Vp)
 * @param ropeTheta         RoPE base (Llama 3: 500000)
 * @param normEps           RMSNorm epsilon (Llama 3: 1e-5)
 * @param tieWordEmbeddings the LM head is the token embedding (true) or its own lm_head.weight
 */
public record LlamaConfig(
        int nLayer,
        int nHead,
        int nKvHead,
        int nEmbd,
        int intermediateSize,
        int context,
        int vocab,
        int paddedVocab,
        float ropeTheta,
        float normEps,
        boolean tieWordEmbeddings)
        implements TransformerConfig {
    public static final String ARCHITECTURE = "llama";
    public static final float DEFAULT_ROPE_THETA = 500_000f;
    public static final float DEFAULT_NORM_EPS = 1e-5f;

    public LlamaConfig {
        if (nLayer < 1 || nHead < 1 || nKvHead < 1 || nEmbd < 1 || intermediateSize < 1 || context < 1 || vocab < 1) {
            throw new IllegalArgumentException("all sizes must be positive: " + this);
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (nHead % nKvHead != 0) {
            throw new IllegalArgumentException("n_head " + nHead + " is not divisible by n_kv_head " + nKvHead);
        }
        if ((nEmbd / nHead) % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + nEmbd / nHead + " is odd; RoPE rotates pairs");
        }
        if (!(ropeTheta > 1f) || !Float.isFinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta " + ropeTheta + " must be a finite number > 1");
        }
        if (!(normEps > 0f)) {
            throw new IllegalArgumentException("rms_norm_eps " + normEps + " must be > 0");
        }
        if (paddedVocab < vocab) {
            throw new IllegalArgumentException("padded vocab " + paddedVocab + " < vocab " + vocab);
        }
    }

    /** Llama 3 defaults for theta and epsilon, padded vocab a multiple of 64. */
    public static LlamaConfig of(
            int nLayer, int nHead, int nKvHead, int nEmbd, int intermediateSize, int context, int vocab, boolean tied) {
        return new LlamaConfig(
                nLayer,
                nHead,
                nKvHead,
                nEmbd,
                intermediateSize,
                context,
                vocab,
                TransformerConfig.padVocab(vocab),
                DEFAULT_ROPE_THETA,
                DEFAULT_NORM_EPS,
                tied);
    }

    /** Llama's MLP width rule: 8/3·C rounded up to a multiple of 64 (Llama 3 8B: 4096 → 14336 uses 3.5·C). */
    public static int defaultIntermediateSize(int nEmbd) {
        return (8 * nEmbd / 3 + 63) / 64 * 64;
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    /** Width of the fused q/k/v projection: (NH + 2·NKV)·head_dim. */
    public int qkvSize() {
        return (nHead + 2 * nKvHead) * headDim();
    }

    @Override
    public long parameterCount() {
        long c = nEmbd, i = intermediateSize;
        long perLayer = 2 * c + c * qkvSize() + c * c + 3 * c * i;
        return (long) paddedVocab * c * (tieWordEmbeddings ? 1 : 2) + nLayer * perLayer + c;
    }

    @Override
    public long realParameterCount() {
        return parameterCount() - (long) (paddedVocab - vocab) * nEmbd * (tieWordEmbeddings ? 1 : 2);
    }

    @Override
    public long trainingMemoryBytes(int B, int T) {
        long L = nLayer, C = nEmbd, NH = nHead, Vp = paddedVocab, I = intermediateSize, N = (long) B * T;
        long params = 4 * parameterCount();
        long acts = N * C // encoded
                + L * N * C * 5 // rms1, atty, res2, rms2, res3
                + L * N * qkvSize()
                + L * N * 3 * I // gate|up, swiglu
                + L * N * 2 // RMSNorm statistics
                + L * B * NH * (long) T // attention log-sum-exp
                + N * C
                + N // final norm + statistics
                + 2 * N * Vp
                + N // logits, probs, losses
                + N * C * 3
                + N * qkvSize()
                + N * 3 * I; // backward buffers
        return params + params + 2 * params + 4 * acts;
    }
}
