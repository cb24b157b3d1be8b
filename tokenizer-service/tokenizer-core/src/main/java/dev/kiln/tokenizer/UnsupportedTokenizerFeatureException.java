package dev.kiln.tokenizer;

/**
 * A tokenizer file uses a component tokenizer-core does not implement (a normalizer, pre-tokenizer,
 * model, post-processor or decoder type), or an operation is asked of an encoding that cannot do it
 * (offsets or rank files of a SentencePiece-style encoding). The message names the component: Kiln
 * refuses rather than tokenizing differently from the file's own library.
 */
public final class UnsupportedTokenizerFeatureException extends RuntimeException {
    public UnsupportedTokenizerFeatureException(String message) {
        super(message);
    }
}
