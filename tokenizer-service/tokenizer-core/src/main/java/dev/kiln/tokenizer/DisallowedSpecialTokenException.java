package dev.kiln.tokenizer;

/** The input holds the text of a special token that the {@link SpecialTokenPolicy} disallows. */
public final class DisallowedSpecialTokenException extends IllegalArgumentException {
    private final String token;
    private final int charIndex;

    public DisallowedSpecialTokenException(String token, int charIndex) {
        super("text contains the disallowed special token " + token + " at char " + charIndex
                + "; allow it to encode it as a special token, or treat special tokens as text");
        this.token = token;
        this.charIndex = charIndex;
    }

    /** The special token's text, e.g. {@code <|endoftext|>}. */
    public String token() {
        return token;
    }

    /** Where it starts in the input, in UTF-16 chars. */
    public int charIndex() {
        return charIndex;
    }
}
