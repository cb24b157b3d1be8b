package dev.kiln.tokenizer;

import java.util.Objects;

/**
 * A token matched in the input before the model sees it, with Hugging Face's {@code added_tokens}
 * flags.
 *
 * @param content the text that stands for the token
 * @param id its id
 * @param special a control token ({@code <s>}, {@code <|eot_id|>}): subject to the
 *     {@link SpecialTokenPolicy} and skipped by "skip special tokens"; a non-special added token is
 *     always matched, like a word of the vocabulary
 * @param singleWord matched only where it is not part of a longer word
 * @param lstrip the match swallows whitespace on its left
 * @param rstrip the match swallows whitespace on its right
 */
public record AddedToken(String content, int id, boolean special, boolean singleWord, boolean lstrip, boolean rstrip) {
    public AddedToken {
        Objects.requireNonNull(content, "content");
        if (content.isEmpty()) {
            throw new IllegalArgumentException("empty added token");
        }
        if (id < 0) {
            throw new IllegalArgumentException("negative id for added token " + content);
        }
    }

    /** A special token with no flags: tiktoken's kind. */
    public static AddedToken special(String content, int id) {
        return new AddedToken(content, id, true, false, false, false);
    }
}
