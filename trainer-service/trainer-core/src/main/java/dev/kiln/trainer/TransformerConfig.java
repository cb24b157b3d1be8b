package dev.kiln.trainer;

/**
 * The shape every decoder-only architecture shares. The architecture names what fills each
 * block ({@link GptConfig}: GPT-2; {@link LlamaConfig}: Llama 3), and choose the model class
 * ({@link LanguageModel#create}).
 */
public sealed interface TransformerConfig permits GptConfig, LlamaConfig {

    /** {@code gpt2} or {@code llama}, the names StartRun, checkpoints and config.json use. */
    String architecture();

    int nLayer();

    /** Query heads. */
    int nHead();

    /** Key/value heads: nHead for GPT-2, a divisor of it for Llama's grouped-query attention. */
    int nKvHead();

    int nEmbd();

    /** Maximum sequence length. */
    int context();

    int vocab();

    /** Vocab rounded up so the LM-head matmul has friendly shapes; padding rows stay zero. */
    int paddedVocab();

    default int headDim() {
        return nEmbd() / nHead();
    }

    /** Parameters as stored (padded vocabulary rows included). */
    long parameterCount();

    /** Parameters without the padding rows, the number usually quoted for a model. */
    long realParameterCount();

    /**
     * Heap a training step needs at batch B and sequence T: parameters, gradients, both AdamW
     * moments, and the activations kept for backward. Linear in B·T: attention is computed
     * blockwise and keeps only a [L,B,NH,T] log-sum-exp ({@link FlashAttention}); its scratch
     * (about 7·T·head_dim floats per pool thread, kept with the activations) is not counted. For validating a run's config
     * before starting it.
     */
    long trainingMemoryBytes(int B, int T);

    static int padVocab(int vocab) {
        return (vocab + 63) / 64 * 64;
    }
}
