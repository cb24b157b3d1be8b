package dev.kiln.trainer;

/**
 * A named view into {@link GptModel#params}. Names follow Hugging Face GPT-2 ({@code wte.weight},
 * {@code h.0.attn.c_attn.weight} …). {@code shape} is the in-memory layout: linear weights are
 * [out, in] here (rows are contiguous dot-product operands) while HF's Conv1D stores [in, out];
 * {@link #hfShape()} gives the exported shape and {@link #transposedInHf()} says when to transpose.
 */
public record ParamTensor(String name, int offset, int[] shape, Kind kind) {

    public enum Kind {
        EMBEDDING,
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
        return kind == Kind.LINEAR_WEIGHT;
    }

    public boolean transposedInHf() {
        return kind == Kind.LINEAR_WEIGHT;
    }

    public int[] hfShape() {
        return transposedInHf() ? new int[] {shape[1], shape[0]} : shape.clone();
    }
}
