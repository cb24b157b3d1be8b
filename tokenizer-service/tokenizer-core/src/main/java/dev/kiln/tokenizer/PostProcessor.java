package dev.kiln.tokenizer;

import java.util.Arrays;

/**
 * The ids a tokenizer puts around one encoded sequence when asked to add special tokens (Hugging
 * Face's {@code add_special_tokens=True}): the BOS of a Llama prompt, BERT's {@code [CLS] … [SEP]}.
 *
 * @param prefix ids before the sequence
 * @param suffix ids after it
 */
public record PostProcessor(int[] prefix, int[] suffix) {
    /** Adds nothing (tiktoken encodings, tokenizer.json without a post-processor). */
    public static final PostProcessor NONE = new PostProcessor(new int[0], new int[0]);

    public PostProcessor {
        prefix = prefix.clone();
        suffix = suffix.clone();
    }

    @Override
    public int[] prefix() {
        return prefix.clone();
    }

    @Override
    public int[] suffix() {
        return suffix.clone();
    }

    /** This one applied after {@code inner}: its ids go outside inner's. */
    PostProcessor around(PostProcessor inner) {
        return new PostProcessor(concat(prefix, inner.prefix), concat(inner.suffix, suffix));
    }

    int[] apply(int[] ids) {
        if (prefix.length == 0 && suffix.length == 0) {
            return ids;
        }
        int[] out = new int[prefix.length + ids.length + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(ids, 0, out, prefix.length, ids.length);
        System.arraycopy(suffix, 0, out, prefix.length + ids.length, suffix.length);
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostProcessor p && Arrays.equals(prefix, p.prefix) && Arrays.equals(suffix, p.suffix);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prefix) + Arrays.hashCode(suffix);
    }

    @Override
    public String toString() {
        return "PostProcessor" + Arrays.toString(prefix) + " $A " + Arrays.toString(suffix);
    }
}
