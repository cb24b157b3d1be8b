package dev.kiln.trainer;

import java.util.List;

/**
 * A decoder-only language model trained by hand-written forward and backward passes: GPT-2
 * ({@link GptModel}) or Llama ({@link LlamaModel}). All parameters live in one flat
 * {@link #params()} array (gradients in {@link #grads()}, same layout, allocated on first use)
 * with named views ({@link #tensors()}), so the optimizer, checkpoints and export are shared.
 *
 * <p>Training use: {@code zeroGrad(); loss = forward(inputs, targets, B, T); backward(scale);}
 * then an optimizer step. Backward adds into {@link #grads()}, so several forward/backward pairs
 * accumulate gradients. A model is not thread-safe; it parallelises internally on its pool.
 */
public sealed interface LanguageModel permits GptModel, LlamaModel {

    /** A model of the config's architecture with its initialisation from {@code seed}. */
    static LanguageModel create(TransformerConfig config, ThreadPool pool, long seed) {
        if (config instanceof LlamaConfig l) {
            return LlamaModel.create(l, pool, seed);
        }
        return GptModel.create((GptConfig) config, pool, seed);
    }

    /** An uninitialised (all-zero) model, to load weights into. */
    static LanguageModel empty(TransformerConfig config, ThreadPool pool) {
        if (config instanceof LlamaConfig l) {
            return new LlamaModel(l, pool);
        }
        return new GptModel((GptConfig) config, pool);
    }

    TransformerConfig config();

    /**
     * The forward pass's input contract, one rule for every architecture: 1 ≤ T ≤ the context,
     * B·T tokens (and targets, when given), every input inside the vocabulary.
     */
    static void requireBatch(TransformerConfig config, int[] inputs, int[] targets, int B, int T) {
        if (T < 1 || T > config.context()) {
            throw new IllegalArgumentException("T " + T + " outside [1, " + config.context() + "]");
        }
        if (inputs.length < B * T || (targets != null && targets.length < B * T)) {
            throw new IllegalArgumentException("need B*T = " + B * T + " tokens");
        }
        for (int i = 0; i < B * T; i++) {
            if (inputs[i] < 0 || inputs[i] >= config.vocab()) {
                throw new IllegalArgumentException("token " + inputs[i] + " outside vocab " + config.vocab());
            }
        }
    }

    float[] params();

    /** Gradients, same layout as {@link #params()}; allocated (zeroed) on first call. */
    float[] grads();

    List<ParamTensor> tensors();

    ThreadPool pool();

    default void zeroGrad() {
        java.util.Arrays.fill(grads(), 0f);
    }

    /**
     * Forward pass over inputs[B,T] (row-major). With targets[B,T] it also computes the softmax
     * cross-entropy and returns the mean loss; with null targets it returns NaN and only the
     * logits ({@link #logits()}) are valid.
     */
    float forward(int[] inputs, int[] targets, int B, int T);

    /**
     * Backward pass of the last forward (which must have had targets): adds
     * {@code lossScale · d(mean loss)/d(params)} into {@link #grads()}.
     */
    void backward(float lossScale);

    /** Logits [B,T,Vp] of the last forward (columns >= vocab are padding). Live view, do not keep. */
    float[] logits();

    /** Forward over one sequence and return its logits [T,V] (padding columns dropped). */
    default float[][] forwardLogits(int[] tokens) {
        int T = tokens.length, V = config().vocab(), Vp = config().paddedVocab();
        forward(tokens, null, 1, T);
        float[] logits = logits();
        float[][] out = new float[T][];
        for (int t = 0; t < T; t++) {
            out[t] = java.util.Arrays.copyOfRange(logits, t * Vp, t * Vp + V);
        }
        return out;
    }

    /** A new KV-cache decoder over these weights (shares them: do not train while it is used). */
    TokenDecoder decoder();
}
