package dev.kiln.trainer;

/**
 * A named view into a model's flat parameter array. Names are Hugging Face's for the
 * architecture ({@code wte.weight}, {@code h.0.attn.c_attn.weight} for GPT-2;
 * {@code model.layers.0.self_attn.q_proj.weight} for Llama). {@code shape} is the in-memory
 * layout: linear weights are [out, in] here (rows are contiguous dot-product operands). HF's
 * GPT-2 Conv1D stores [in, out] ({@link Kind#CONV1D_WEIGHT}, transposed on export) while HF's
 * nn.Linear stores [out, in] like us ({@link Kind#LINEAR_WEIGHT}).
 *
 * @param vocabRows the first dimension is the padded vocabulary: rows past the real vocabulary
 *     stay zero and are not exported
 */
public record ParamTensor(String name, int offset, int[] shape, Kind kind, boolean vocabRows) {

    public enum Kind {
        EMBEDDING,
        CONV1D_WEIGHT,
        LINEAR_WEIGHT,
        BIAS,
        NORM
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** AdamW weight decay applies to 2-D linear weights only (see {@link AdamW}). */
    public boolean decayed() {
        return kind == Kind.CONV1D_WEIGHT || kind == Kind.LINEAR_WEIGHT;
    }

    /** Fills this tensor's slice of params with N(0, std) draws; padding vocabulary rows stay 0. */
    public void fillGaussian(float[] params, int vocab, double std, Rng rng) {
        int n = size();
        int real = vocabRows ? vocab * shape[1] : n;
        for (int i = 0; i < n; i++) {
            params[offset + i] = i < real ? (float) (rng.nextGaussian() * std) : 0f;
        }
    }

    public boolean transposedInHf() {
        return kind == Kind.CONV1D_WEIGHT;
    }

    /** The exported shape for a model of the given real vocabulary. */
    public int[] hfShape(int vocab) {
        int[] s = transposedInHf() ? new int[] {shape[1], shape[0]} : shape.clone();
        if (vocabRows) {
            s[0] = vocab;
        }
        return s;
    }
}
