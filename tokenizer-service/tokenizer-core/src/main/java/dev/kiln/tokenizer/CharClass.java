package dev.kiln.tokenizer;

/**
 * Unicode character classes used by the pre-tokenization patterns, precomputed for the BMP.
 *
 * <p>The hand-written scanners ask the same questions as the patterns ({@code \p{L}}, {@code \p{N}},
 * {@code \s}, and o200k's case-sensitive letter groups). Asking {@link Character#getType} for every
 * character is too slow on the hot path, so the BMP is tabulated once (64 KiB); supplementary code
 * points are rare and computed on demand.
 *
 * <p>{@code \s} is Unicode {@code White_Space} as in Rust's regex (which tiktoken uses); it is neither
 * {@link Character#isWhitespace} (which omits NO-BREAK SPACE) nor Java's default ASCII {@code \s}.
 * The categories follow the JDK's Unicode version; tiktoken's may be newer, so characters assigned
 * after the JDK's Unicode version classify differently (they are unassigned here).
 */
final class CharClass {
    static final int LETTER = 1;
    static final int NUMBER = 2;
    static final int SPACE = 4;
    /** {@code \r} or {@code \n}, which several patterns single out. */
    static final int NEWLINE = 8;
    /** o200k's {@code [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]}. */
    static final int UPPERISH = 16;
    /** o200k's {@code [\p{Ll}\p{Lm}\p{Lo}\p{M}]}. */
    static final int LOWERISH = 32;

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP[c] = (byte) compute(c);
        }
    }

    private CharClass() {}

    /** Class bits of a code point. Lone surrogates get 0 (other), like the U+FFFD tiktoken substitutes. */
    static int of(int codePoint) {
        return codePoint < 0x10000 ? BMP[codePoint] : compute(codePoint);
    }

    /** Class bits of a BMP char (a lone surrogate half yields 0). */
    static int ofChar(char c) {
        return BMP[c];
    }

    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D)
                || cp == 0x20
                || cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    private static int compute(int cp) {
        int bits = 0;
        if (isWhiteSpace(cp)) {
            bits |= SPACE;
        }
        if (cp == '\r' || cp == '\n') {
            bits |= NEWLINE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> bits |= LETTER | UPPERISH;
            case Character.LOWERCASE_LETTER -> bits |= LETTER | LOWERISH;
            case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> bits |= LETTER | UPPERISH | LOWERISH;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK ->
                bits |= UPPERISH | LOWERISH;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> bits |= NUMBER;
            default -> {}
        }
        return bits;
    }
}
