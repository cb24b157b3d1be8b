package dev.kiln.trainer;

/**
 * Shape of a GPT-2 style model.
 *
 * @param nLayer      number of transformer blocks (L)
 * @param nHead       attention heads per block (NH); nEmbd must be divisible by it
 * @param nEmbd       channels of the residual stream (C)
 * @param context     maximum sequence length, the size of the position table (maxT)
 * @param vocab       real vocabulary size (V)
 * @param paddedVocab V rounded up (Vp) so the LM-head matmul has friendly shapes; the extra
 *                    rows of the token table stay zero and never receive gradient
 */
public record GptConfig(int nLayer, int nHead, int nEmbd, int context, int vocab, int paddedVocab)
        implements TransformerConfig {
    public static final String ARCHITECTURE = "gpt2";

    public GptConfig {
        if (nLayer < 1 || nHead < 1 || nEmbd < 1 || context < 1 || vocab < 1) {
            throw new IllegalArgumentException("all sizes must be positive: " + this);
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (paddedVocab < vocab) {
            throw new IllegalArgumentException("padded vocab " + paddedVocab + " < vocab " + vocab);
        }
    }

    /** A config whose padded vocab is the vocab rounded up to a multiple of 64. */
    public static GptConfig of(int nLayer, int nHead, int nEmbd, int context, int vocab) {
        return new GptConfig(nLayer, nHead, nEmbd, context, vocab, TransformerConfig.padVocab(vocab));
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    /** GPT-2 has no grouped-query attention: one key/value head per query head. */
    @Override
    public int nKvHead() {
        return nHead;
    }

    @Override
    public long trainingMemoryBytes(int B, int T) {
        return GptModel.trainingMemoryBytes(this, B, T);
    }

    @Override
    public long parameterCount() {
        long c = nEmbd;
        long perLayer = 2 * c + (3 * c * c + 3 * c) + (c * c + c) + 2 * c + (4 * c * c + 4 * c) + (4 * c * c + c);
        return (long) paddedVocab * c + (long) context * c + nLayer * perLayer + 2 * c;
    }

    @Override
    public long realParameterCount() {
        return parameterCount() - (long) (paddedVocab - vocab) * nEmbd;
    }
}
