package dev.kiln.tokenizer;

import java.text.Normalizer;
import java.util.List;

/**
 * What a SentencePiece-style {@code tokenizer.json} does around its {@link SentencePieceBpe} model:
 * the normalizer steps ({@code Prepend "▁"}, {@code Replace " " → "▁"}, Unicode forms), the
 * {@code Metaspace} pre-tokenizer, and the decoder's stripping of the one space the encoder prepended.
 *
 * <p>Like Hugging Face, the normalizer and pre-tokenizer run on each stretch of text between added
 * tokens on its own, so a Llama 2 style {@code Prepend} adds a {@code ▁} after every special token too
 * ({@code "<s>hi"} → {@code <s> ▁hi}), exactly as the reference encodes it.
 */
final class SentencePiecePipeline {

    /** One normalizer step, in file order. */
    sealed interface Step {
        String apply(String text);
    }

    /** {@code Prepend}: added in front of non-empty text. */
    record Prepend(String prefix) implements Step {
        @Override
        public String apply(String text) {
            return text.isEmpty() ? text : prefix + text;
        }
    }

    /** {@code Replace} with a literal pattern. */
    record Replace(String pattern, String content) implements Step {
        @Override
        public String apply(String text) {
            return text.replace(pattern, content);
        }
    }

    /** {@code NFC}, {@code NFKC}, … */
    record UnicodeForm(Normalizer.Form form) implements Step {
        @Override
        public String apply(String text) {
            return Normalizer.isNormalized(text, form) ? text : Normalizer.normalize(text, form);
        }
    }

    /** When the Metaspace pre-tokenizer puts its replacement in front of a stretch of text. */
    enum PrependScheme {
        ALWAYS,
        /** Only in front of the stretch that starts the input. */
        FIRST,
        NEVER
    }

    /** The {@code Metaspace} pre-tokenizer: spaces become the replacement, optionally split before each. */
    record Metaspace(char replacement, PrependScheme prependScheme, boolean split) {}

    private final SentencePieceBpe model;
    private final List<Step> normalizer;
    /** Null: no pre-tokenizer, each normalized stretch is one word. */
    private final Metaspace metaspace;

    private final boolean decoderStripsLeadingSpace;

    SentencePiecePipeline(
            SentencePieceBpe model, List<Step> normalizer, Metaspace metaspace, boolean decoderStripsLeadingSpace) {
        this.model = model;
        this.normalizer = List.copyOf(normalizer);
        this.metaspace = metaspace;
        this.decoderStripsLeadingSpace = decoderStripsLeadingSpace;
    }

    SentencePieceBpe model() {
        return model;
    }

    /** True if decoding drops one leading space (decoder {@code Strip} or {@code Metaspace}). */
    boolean decoderStripsLeadingSpace() {
        return decoderStripsLeadingSpace;
    }

    /** Encodes text[from, to), a stretch between added tokens, appending ids. */
    void encode(String text, int from, int to, IntList out) {
        String s = text.substring(from, to);
        for (Step step : normalizer) {
            s = step.apply(s);
        }
        if (metaspace == null) {
            model.encode(s, out);
            return;
        }
        char rep = metaspace.replacement();
        s = s.replace(' ', rep);
        boolean prepend = switch (metaspace.prependScheme()) {
            case ALWAYS -> true;
            case FIRST -> from == 0;
            case NEVER -> false;
        };
        if (prepend && !s.isEmpty() && s.charAt(0) != rep) {
            s = rep + s;
        }
        if (!metaspace.split()) {
            model.encode(s, out);
            return;
        }
        // split before every replacement char, which starts the next word (MergedWithNext)
        int start = 0;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == rep) {
                model.encode(s.substring(start, i), out);
                start = i;
            }
        }
        model.encode(s.substring(start), out);
    }
}
