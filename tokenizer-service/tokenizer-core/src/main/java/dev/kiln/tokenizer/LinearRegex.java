package dev.kiln.tokenizer;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A tiktoken-style pattern compiled for RE2/J, whose matching time is linear in the text: a pattern
 * a client sends cannot pin a CPU ({@code (a+)+$} on a long line), because there is no
 * backtracking. The price is RE2's syntax: no look-around, no backreferences, no possessive
 * quantifiers; such patterns are refused with the construct named.
 *
 * <p>tiktoken's semantics are kept: {@code $} outside a class is {@code \z} (end of text), and
 * {@code \s}, {@code \d}, {@code \w} are Unicode (RE2's own are ASCII), spelled out as the Unicode
 * White_Space set, {@code \p{Nd}}, and letters, marks, {@code Nd}, {@code Nl}, {@code Pc} and the
 * join controls. The negated forms {@code \S}, {@code \D}, {@code \W} are supported outside
 * character classes; inside one RE2 could only read them as ASCII, so they are refused.
 */
final class LinearRegex {

    /** Unicode White_Space, the set Rust's (tiktoken's) {@code \s} matches. */
    private static final String SPACE =
            "\\t-\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}" + "\\x{202F}\\x{205F}\\x{3000}";

    private static final String DIGIT = "\\p{Nd}";
    private static final String WORD = "\\p{L}\\p{M}\\p{Nd}\\p{Nl}\\p{Pc}\\x{200C}\\x{200D}";

    private LinearRegex() {}

    /**
     * @throws IllegalArgumentException when RE2/J cannot compile the pattern; the message names the
     *     construct
     */
    static Pattern compile(String pattern) {
        String translated = translate(Pretokenizer.translateDollar(pattern));
        try {
            return Pattern.compile(translated);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription() + " (" + e.getPattern()
                    + "): the linear-time engine (RE2) has no look-around, backreferences or possessive quantifiers");
        }
    }

    /** Spells tiktoken's Unicode shorthand classes out in RE2 syntax. */
    static String translate(String pattern) {
        StringBuilder sb = new StringBuilder(pattern.length() + 32);
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                char e = pattern.charAt(++i);
                String set = switch (e) {
                    case 's', 'S' -> SPACE;
                    case 'd', 'D' -> DIGIT;
                    case 'w', 'W' -> WORD;
                    default -> null;
                };
                if (set == null) {
                    sb.append(c).append(e);
                } else if (Character.isLowerCase(e)) {
                    sb.append(inClass ? set : "[" + set + "]");
                } else if (!inClass) {
                    sb.append("[^").append(set).append(']');
                } else {
                    throw new IllegalArgumentException(
                            "\\" + e + " inside a character class is not supported by the linear-time engine;"
                                    + " write the class without it");
                }
                continue;
            }
            if (c == '[' && !inClass) {
                inClass = true;
                sb.append(c);
                // a ']' right after '[' or '[^' is a literal, not the end of the class
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '^') {
                    sb.append('^');
                    i++;
                }
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == ']') {
                    sb.append(']');
                    i++;
                }
                continue;
            }
            if (c == ']' && inClass) {
                inClass = false;
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
